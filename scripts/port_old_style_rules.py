"""Print `Rule(...)` declarations for rules written in the style before the one engine (issue 10), for porting a
branch that still adds rules that way: a row in `server/gemini_lsp/rules.py`, a section in `docs/rules.md`, and for
GL3xx an entry in `schemas/cross_field_rules.json`.

    python scripts/port_old_style_rules.py --ref models GL390 GL391

Reads the three files at the git ref, prints one declaration per code (paste it into the rule module, add the rule to
its `RULES` and to a `Check`, list a new module in `rules.RULE_MODULES`, run `python scripts/gen_rules_doc.py`).
Sources are turned into https URLs where they are written as host/path; check every evidence line by hand: citations
of files outside the repository must become the public URL those files name.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys

ROW = re.compile(r'Rule\("(GL\d+)", "([a-z0-9-]+)", "(\w+)", "((?:[^"\\]|\\.)*)"\)')
SECTION = re.compile(r"^### (GL\d{3}) ([a-z0-9-]+)\n(.*?)(?=^### |^## |\Z)", re.M | re.S)
HOSTS = ("github.com/", "ai.google.dev/", "blog.google/", "dev.to/", "docs.cloud.google.com/", "cloud.google.com/",
         "protobuf.dev/")


def _show(ref: str, path: str) -> str:
    result = subprocess.run(["git", "show", f"{ref}:{path}"], capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else ""


def _url(source: str) -> str:
    source = source.strip()
    if source.startswith(HOSTS):
        where, _, note = source.partition(" ")
        return "https://" + where.rstrip(":") + (f" — {note.strip()}" if note.strip() else "")
    return source


def declaration(code: str, name: str, severity: str, summary: str, doc: str, facts: dict) -> str:
    facts = dict(facts)
    evidence = [_url(s) for s in facts.pop("sources", [])]
    repro = [_url(s).split(" — ")[0] for s in facts.pop("repro", [])]
    lines = [f"{name.upper().replace('-', '_')} = Rule(", f"    code={code!r},", f"    name={name!r},",
             f"    severity={severity!r},", f"    summary={summary!r},", '    doc=r"""']
    lines += [("        " + line) if line else "" for line in doc.strip().split("\n")]
    lines += ['    """,', "    evidence=("]
    lines += [f"        {e!r}," for e in evidence]
    lines += ["    ),", f"    api_text={'apiMessage' in facts},", "    reads=(),  # TODO: the parts of the request it reads"]
    if repro:
        lines += ["    repro=(", *[f"        {r!r}," for r in repro], "    ),"]
    if facts:
        lines.append(f"    facts={facts!r},")
    lines.append(")")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ref", required=True, help="the git ref with the old-style rules (a branch name)")
    parser.add_argument("codes", nargs="+")
    args = parser.parse_args()
    rows = {m.group(1): m.groups() for m in ROW.finditer(_show(args.ref, "server/gemini_lsp/rules.py"))}
    docs = {m.group(1): m.group(3) for m in SECTION.finditer(_show(args.ref, "docs/rules.md"))}
    table = _show(args.ref, "schemas/cross_field_rules.json")
    facts = json.loads(table)["rules"] if table else {}
    missing = [c for c in args.codes if c not in rows]
    if missing:
        print(f"not in {args.ref}:server/gemini_lsp/rules.py: {missing}", file=sys.stderr)
        return 2
    for code in args.codes:
        _, name, severity, summary = rows[code]
        print(declaration(code, name, severity, summary, docs.get(code, "TODO: document the rule"), facts.get(name, {})))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
