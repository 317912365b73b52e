"""Code actions: the quick fixes the checks computed, "fix all safe problems", and whole-file refactorings.

Quick fixes come from `diagnostic.data` (str-offset edits valid for one document version), so no second
validation is needed; they are offered only when that version is the current one. "Fix all" recomputes from the
current analysis instead of trusting what the client sends back. The refactorings (key case, strict JSON) walk
the parse tree with the schema, so keys inside free-form payloads (function call arguments, JSON Schemas, map keys
such as Schema.properties names) are never touched.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from lsprotocol import types

from ..analysis import Analysis
from ..document import ParsedDocument
from ..findings import Edit, Finding, Fix
from ..positions import LineIndex, lsp_range
from ..schema import RequestSchema
from .capabilities import CAMEL_CASE_KIND, CODE_ACTION_KINDS, FIX_ALL_KIND, SNAKE_CASE_KIND, STRICT_JSON_KIND
from .context import known_keys, list_slots
from .diagnostics import SOURCE

__all__ = [
    "CAMEL_CASE_KIND",
    "CODE_ACTION_KINDS",
    "FIX_ALL_KIND",
    "SNAKE_CASE_KIND",
    "STRICT_JSON_KIND",
    "CodeActionSupport",
    "apply_edits",
    "case_edits",
    "code_actions",
    "fix_all_edits",
    "merge_edits",
    "strict_json_edits",
]



@dataclass(frozen=True)
class CodeActionSupport:
    """What the client accepts: CodeAction literals, which kinds (its valueSet; None = not said), versioned edits."""

    literals: bool = True
    kinds: tuple[str, ...] | None = None
    document_changes: bool = True


# --- edits --------------------------------------------------------------------------------------------------------


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.start == a.end == b.start == b.end:
        return True  # two insertions at one place: their order would be ambiguous
    return a.start < b.end and b.start < a.end


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits (str offsets into `text`) and return the new text."""
    out: list[str] = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        out.append(text[pos : e.start])
        out.append(e.new_text)
        pos = max(pos, e.end)
    out.append(text[pos:])
    return "".join(out)


def merge_edits(text: str, edits: Iterable[Edit]) -> list[Edit]:
    """Sort edits and fuse the ones that overlap or touch (an insertion at a replacement's edge) into one edit,
    so that any combination can be sent as one valid LSP edit list. Later edits win inside a fused span."""
    ordered = sorted(enumerate(edits), key=lambda p: (p[1].start, p[1].end, p[0]))
    groups: list[list[Edit]] = []
    end = -1
    for _, e in ordered:
        if groups and e.start <= end:
            groups[-1].append(e)
            end = max(end, e.end)
        else:
            groups.append([e])
            end = e.end
    merged: list[Edit] = []
    for group in groups:
        if len(group) == 1:
            merged.append(group[0])
            continue
        start = min(e.start for e in group)
        stop = max(e.end for e in group)
        pieces: list[str] = []
        pos = start
        for e in group:
            if e.start < pos:  # overlapping: keep what we have, drop the overlapped part of this edit
                continue
            pieces.append(text[pos : e.start])
            pieces.append(e.new_text)
            pos = e.end
        pieces.append(text[pos:stop])
        merged.append(Edit(start, stop, "".join(pieces)))
    return merged


def _text_edits(index: LineIndex, edits: Sequence[Edit]) -> list[types.TextEdit]:
    out = []
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        out.append(types.TextEdit(range=lsp_range(index, e.start, e.end), new_text=e.new_text))
    return out


def _workspace_edit(uri: str, version: int | None, index: LineIndex, edits: Sequence[Edit],
                    support: CodeActionSupport) -> types.WorkspaceEdit:
    text_edits = _text_edits(index, edits)
    if support.document_changes:
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
            edits=text_edits,  # type: ignore[arg-type]
        )])
    return types.WorkspaceEdit(changes={uri: text_edits})


# --- fix all ----------------------------------------------------------------------------------------------------


def _chosen_fix(finding: Finding) -> Fix | None:
    safe = [f for f in finding.fixes if f.safe]
    if not safe:
        return None
    preferred = [f for f in safe if f.preferred]
    return (preferred or safe)[0]


def fix_all_edits(findings: Iterable[Finding], text_length: int) -> list[Edit]:
    """The edits of every finding's safe fix (its preferred one first), skipping fixes that would overlap."""
    accepted: list[Edit] = []
    for finding in sorted(findings, key=lambda f: (f.start, f.end)):
        fix = _chosen_fix(finding)
        if fix is None or not fix.edits:
            continue
        if any(e.start < 0 or e.end > text_length or e.start > e.end for e in fix.edits):
            continue
        if any(_overlaps(e, a) for e in fix.edits for a in accepted):
            continue
        if any(_overlaps(a, b) for i, a in enumerate(fix.edits) for b in fix.edits[i + 1 :]):
            continue
        if any(e in accepted for e in fix.edits):
            continue
        accepted.extend(fix.edits)
    accepted.sort(key=lambda e: (e.start, e.end))
    return accepted


# --- refactorings -------------------------------------------------------------------------------------------------


def _quoted(original_quote: str, name: str) -> str:
    if not original_quote:
        return name
    return f"{original_quote}{name}{original_quote}"


def case_edits(doc: ParsedDocument, schema: RequestSchema | None, style: str) -> list[Edit]:
    """Rename every schema-known key to its camelCase (`style` "camel") or snake_case ("snake") spelling."""
    edits = []
    for member, f, _ in known_keys(doc, schema):
        target = f.json_name if style == "camel" else f.proto_name
        if member.key.value != target:
            edits.append(Edit(member.key.start, member.key.end, _quoted(member.key.quote, target)))
    return edits


def _spellings_mixed(doc: ParsedDocument, schema: RequestSchema) -> bool:
    """Whether the file writes some keys only camelCase has and others only snake_case has."""
    camel = snake = False
    for member, f, _ in known_keys(doc, schema):
        if f.json_name == f.proto_name:
            continue
        camel = camel or member.key.value == f.json_name
        snake = snake or member.key.value == f.proto_name
        if camel and snake:
            return True
    return False


def _comment_edit(text: str, start: int, end: int) -> Edit:
    """Remove a comment; with its whole line when nothing else is on it, else with the spaces before it."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before = text[line_start:start]
    after = text[end:line_end]
    if not before.strip() and not after.strip():
        stop = line_end + 1 if line_end < len(text) else line_end
        if stop == len(text) and line_start > 0 and line_end == len(text):
            return Edit(line_start - 1, len(text), "")
        return Edit(line_start, stop, "")
    s = start
    while s > line_start and text[s - 1] in " \t":
        s -= 1
    return Edit(s, end, "")


def strict_json_edits(doc: ParsedDocument, schema: RequestSchema | None) -> list[Edit]:
    """Edits that turn the lenient forms the API accepts into strict JSON: double quotes, no trailing commas, no
    comments, canonical numbers, escaped line breaks, quoted keys, and lists where the schema expects one."""
    text = doc.text
    edits: list[Edit] = []
    for form in doc.lenient:
        if form.kind == "comment":
            edits.append(_comment_edit(text, form.start, form.end))
        elif form.replacement is not None:
            edits.append(Edit(form.start, form.end, form.replacement))
    # unquoted keys
    root = doc.root
    if root is not None:
        stack = [root]
        while stack:
            node = stack.pop()
            for m in node.members:
                if not m.key.quote:
                    edits.append(Edit(m.key.start, m.key.end, json.dumps(str(m.key.value), ensure_ascii=False)))
            stack.extend(c for c in node.children if c.kind in ("object", "array"))
    for node, _ in list_slots(doc, schema):
        edits.append(Edit(node.start, node.start, "["))
        edits.append(Edit(node.end, node.end, "]"))
    return merge_edits(text, edits)


# --- the actions --------------------------------------------------------------------------------------------------


def _kind_matches(kind: str, wanted: str) -> bool:
    return bool(wanted) and (kind == wanted or kind.startswith(wanted + "."))


def kind_allowed(kind: str, only: Sequence[str] | None, support: CodeActionSupport) -> bool:
    """Whether an action of `kind` was asked for (`only`) and the client knows its kind family."""
    if only is not None and not any(_kind_matches(kind, o) for o in only):
        return False
    return support.kinds is None or any(_kind_matches(kind, k) for k in support.kinds)


def _fixes_of(diagnostic: types.Diagnostic, version: int | None, text_length: int,
              analysis: Callable[[], Analysis | None], index: LineIndex) -> list[dict[str, Any]]:
    data = diagnostic.data
    if isinstance(data, dict) and isinstance(data.get("fixes"), list):
        if data.get("version") != version:
            return []  # computed for another version of the text: its offsets are stale
        return [f for f in data["fixes"] if isinstance(f, dict)]
    # the client did not send our data back: find the finding by code and range in the current analysis
    current = analysis()
    if current is None:
        return []
    out: list[dict[str, Any]] = []
    for finding in current.findings:
        if finding.code != diagnostic.code:
            continue
        (sl, sc), (el, ec) = index.range(finding.start, finding.end)
        r = diagnostic.range
        if (sl, sc, el, ec) == (r.start.line, r.start.character, r.end.line, r.end.character):
            out.extend({"title": f.title, "safe": f.safe, "preferred": f.preferred,
                        "edits": [[e.start, e.end, e.new_text] for e in f.edits]} for f in finding.fixes)
    return out


def _edits_of(fix: dict[str, Any], text_length: int) -> list[Edit] | None:
    edits = []
    for raw in fix.get("edits") or []:
        try:
            start, end, new_text = int(raw[0]), int(raw[1]), str(raw[2])
        except (TypeError, ValueError, IndexError):
            return None
        if not 0 <= start <= end <= text_length:
            return None
        edits.append(Edit(start, end, new_text))
    return edits or None


def code_actions(
    *,
    uri: str,
    version: int | None,
    doc: ParsedDocument,
    index: LineIndex,
    schema: RequestSchema | None,
    context: types.CodeActionContext,
    analysis: Callable[[], Analysis | None],
    support: CodeActionSupport = CodeActionSupport(),
) -> list[types.CodeAction]:
    """The code actions for a request: quick fixes for the given diagnostics, fix-all and refactorings."""
    text = doc.text
    only = list(context.only) if context.only else None
    actions: list[types.CodeAction] = []

    def add(title: str, kind: str, edits: list[Edit], *, diagnostics: list[types.Diagnostic] | None = None,
            preferred: bool | None = None) -> None:
        if not edits:
            return
        actions.append(types.CodeAction(
            title=title,
            kind=kind,
            diagnostics=diagnostics,
            is_preferred=preferred,
            edit=_workspace_edit(uri, version, index, edits, support),
        ))

    if kind_allowed(types.CodeActionKind.QuickFix.value, only, support):
        for diagnostic in context.diagnostics:
            if diagnostic.source != SOURCE:
                continue
            preferred_given = False
            for fix in _fixes_of(diagnostic, version, len(text), analysis, index):
                edits = _edits_of(fix, len(text))
                if edits is None:
                    continue
                # one preferred fix per diagnostic at most: editors apply "the" preferred fix automatically
                preferred = bool(fix.get("preferred")) and not preferred_given
                preferred_given = preferred_given or preferred
                add(str(fix.get("title") or "Fix"), types.CodeActionKind.QuickFix.value, edits,
                    diagnostics=[diagnostic], preferred=preferred or None)

    if kind_allowed(FIX_ALL_KIND, only, support):
        current = analysis()
        if current is not None:
            edits = fix_all_edits(current.findings, len(text))
            add("Fix all safe problems in this file", FIX_ALL_KIND, merge_edits(text, edits))

    if schema is not None and (only is not None or _spellings_mixed(doc, schema)):
        # Unasked (the light bulb, `only` unset) a key-case rewrite is offered only where it helps: a file that mixes
        # camelCase and snake_case. Asked for (the Refactor menu: `only` = refactor...), it is offered whenever it
        # changes something.
        if kind_allowed(CAMEL_CASE_KIND, only, support):
            add("Convert all keys to camelCase", CAMEL_CASE_KIND, case_edits(doc, schema, "camel"))
        if kind_allowed(SNAKE_CASE_KIND, only, support):
            add("Convert all keys to snake_case", SNAKE_CASE_KIND, case_edits(doc, schema, "snake"))
    if kind_allowed(STRICT_JSON_KIND, only, support):
        add("Convert to strict JSON", STRICT_JSON_KIND, strict_json_edits(doc, schema))
    return actions
