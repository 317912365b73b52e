"""docs/rules.md, generated from the rule objects (`python scripts/gen_rules_doc.py`; a test fails when it is stale).

The text of each rule is its declaration's `doc`, followed by its evidence; the families' introductions are here."""

from __future__ import annotations

from dataclasses import dataclass

from .rules import RULES


@dataclass(frozen=True)
class Family:
    title: str
    first: str  # the codes from `first` to `last` (inclusive) belong to the family
    last: str
    intro: str
    outro: str = ""


HEADER = """\
# gemini-lsp rules

Every finding has a stable code and name. Each entry says what the API answers, why, how to fix it, and the public
source behind the rule. Severities follow the evidence: **error** where the API is known to answer 400, **warning**
where it is likely or model-dependent, **hint** for style and the canonical form of lenient JSON. Any code can be
re-graded or turned off with the setting `geminiLsp.severity` (for example `{"GL054": "off"}` or
`{"mixed-naming": "off"}`).

Sources in short form: *proto* is Google's `google/ai/generativelanguage/v1beta` protobuf definitions
(<https://github.com/googleapis/googleapis/tree/master/google/ai/generativelanguage/v1beta>, as published in the npm
package `@google-ai/generativelanguage` 4.1.0); *discovery* is Vertex AI's discovery document (revision 20261106, as
published in the PyPI package `google-api-python-client` 2.202.0); *Google's REST samples* are the notebooks of
<https://github.com/google-gemini/cookbook> and <https://github.com/GoogleCloudPlatform/generative-ai> whose saved
outputs show the API's answer. Each rule lists its evidence: public URLs, or files of this repository.

This file is generated from the rule declarations (`python scripts/gen_rules_doc.py`); edit the rules, not this file.
"""

FAMILIES: tuple[Family, ...] = (
    Family(
        'Syntax (GL0xx)',
        'GL001',
        'GL049',
        """\
The API's JSON reader answers `400 INVALID_ARGUMENT: Invalid JSON payload received. Unexpected token.` (or a similar
message) for text it cannot read. Source: Google's REST samples (what the API really rejects is, for example,
bare `NaN` outside a string and unquoted text). gemini-lsp reports every syntax error, not only the first, and does not report
schema problems that would only cascade from it.
""",
    ),
    Family(
        'Lenient forms (GL05x–GL06x)',
        'GL050',
        'GL099',
        """\
GL058 and GL059 sit here because the parser recovers from them like from a lenient form, but the API rejects them.

Google's JSON front end is lenient, and Google's own samples rely on it (Google's REST samples: trailing commas,
single quotes, raw line breaks, integer enums, a single object where a list is expected, snake_case and camelCase,
unquoted keys). These are **never errors**: the hint carries the canonical form and a quick fix, because other tools
(and the SDKs) reject what the API accepts.
""",
    ),
    Family(
        'Schema (GL1xx)',
        'GL100',
        'GL199',
        """\
Field names, types, enums, oneofs and required fields come from Google's definitions (proto / discovery), generated
into `schemas/generated/` by `scripts/generate_schemas.py`; ranges and fields newer than the protos come from
`schemas/overlay.json`, each entry with its source.
""",
    ),
    Family(
        'Models and cross-field rules (GL3xx)',
        'GL300',
        'GL399',
        """\
Rules that need the model (from the body's `model`, else `geminiLsp.model` / `check --model`) or look at several
fields together. Per-model facts come from the catalogue `schemas/models.json` (each fact with its sources, see
`schemas/MODELS.md`); a rule whose fact is unknown (null) for the model stays silent. The other facts (the API's
messages, value lists, limits, sources) are declared with each rule. **Severity from the evidence:** a
per-model rejection is an error when the model's fact rests on an official or SDK source, or on a direct
reproduction of the rule's server message (the rule's `repro` sources); otherwise a warning. A
model named by the setting rather than the file is reported at the top of the file, at most as a warning. Tuned
models (`tunedModels/...`) and Vertex endpoints are never checked against the catalogue. On Vertex AI, GL321,
GL333, GL340 and GL341 are warnings at most: their evidence is Developer-API 400s only. Schema and model findings on
a value that a syntax error left broken (or on the object holding it) are not reported until the syntax is fixed.
""",
        """\
Not built, for lack of a public source: `allowedFunctionNames` naming undeclared functions; `googleSearchRetrieval`
per model (built, but no model records the fact yet); Developer-API-only and Vertex-only fields beyond what the schema
surfaces already report as unknown (GL101). countTokens with both `contents` and `generateContentRequest` is the
schema's oneof check (GL106).
""",
    ),
    Family(
        'Credentials (GL2xx)',
        'GL200',
        'GL299',
        """\

""",
    ),
    Family(
        'Limits (GL9xx)',
        'GL900',
        'GL999',
        """\

""",
    ),
)


def render() -> str:
    """The whole of docs/rules.md."""
    parts = [HEADER.rstrip("\n")]
    for family in FAMILIES:
        parts.append(f"## {family.title}\n\n{family.intro.strip()}")
        for code, rule in RULES.items():
            if family.first <= code <= family.last:
                parts.append(_rule_section(rule))
        if family.outro:
            parts.append(family.outro.strip())
    return "\n\n".join(parts) + "\n"


def _rule_section(rule) -> str:  # type: ignore[no-untyped-def]
    lines = [f"### {rule.code} {rule.name}", rule.doc]
    facts = [f"Default severity: **{rule.severity}**."]
    if rule.api_text:
        facts.append("The message quotes the API's own error text.")
    if rule.developer_api_only:
        facts.append("At most a warning on Vertex AI (Developer-API evidence only).")
    lines.append("")
    lines.append(" ".join(facts))
    if rule.evidence:
        lines.append("")
        lines.append("Evidence:")
        lines.extend(f"- {_link(source)}" for source in rule.evidence)
    return "\n".join(lines)


def _link(source: str) -> str:
    url, sep, note = source.partition(" — ")
    if url.startswith("https://"):
        shown = f"<{url}>"
    else:
        shown = f"[`{url}`](../{url})"
    return shown + (f" — {note}" if sep else "")
