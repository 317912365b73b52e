"""What `gemini-lsp check` prints: text like a compiler, JSON, or SARIF 2.1.0 (shared with `send` and `explain`)."""

from __future__ import annotations

from . import __version__


def _range(index, finding) -> dict:  # type: ignore[no-untyped-def]
    from .positions import lsp_range

    r = lsp_range(index, finding.start, finding.end)
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }


def json_report(results) -> dict:  # type: ignore[no-untyped-def]
    files = []
    for path, _text, findings, index in results:
        files.append(
            {
                "path": str(path),
                "diagnostics": [
                    {
                        "code": f.code,
                        "name": f.name,
                        "severity": f.severity,
                        "message": f.message,
                        "pointer": f.pointer,
                        "range": _range(index, f),
                        "fixes": [fix.title for fix in f.fixes],
                    }
                    for f in findings
                ],
            }
        )
    return {"files": files}


def print_text(results, unchecked: int = 0) -> None:  # type: ignore[no-untyped-def]
    from .checks.secrets import redact

    counts = {"error": 0, "warning": 0, "information": 0, "hint": 0}
    for path, text, findings, index in results:
        for f in findings:
            counts[f.severity] += 1
            line = index.line_of(f.start)
            line_start, line_end = index.line_range(line)
            col = f.start - line_start + 1
            print(f"{path}:{line + 1}:{col}: {f.severity} {f.code} [{f.name}] {f.message}")
            if line_end - line_start <= 300:
                source = redact(text[line_start:line_end])  # never echo a credential, even one not reported
                width = max(1, min(f.end, line_end) - f.start)
                pad = "".join("\t" if ch == "\t" else " " for ch in source[: col - 1])
                print(f"    {source}")
                print(f"    {pad}{'^' * width}")
    total = sum(counts.values())
    summary = ", ".join(f"{n} {k}{'s' if n != 1 and k != 'information' else ''}" for k, n in counts.items() if n)
    checked = f"{len(results)} file{'s' if len(results) != 1 else ''} checked"
    if unchecked:  # never "no problems" when something the user named was not checked
        found = f": {summary}" if total else (": no findings in them" if results else "")
        print(f"{checked}{found}; {unchecked} path{'s' if unchecked != 1 else ''} given could not be checked (see above)")
    else:
        print(f"{checked}: " + (summary if total else "no problems"))


_SARIF_LEVEL = {"error": "error", "warning": "warning", "information": "note", "hint": "note"}


def sarif_report(results) -> dict:  # type: ignore[no-untyped-def]
    from .rules import RULES

    used = sorted({f.code for _, _, findings, _ in results for f in findings})
    rules = [
        {
            "id": code,
            "name": RULES[code].name,
            "shortDescription": {"text": RULES[code].summary},
            "help": {"text": f"See docs/rules.md, section {code}."},
            "defaultConfiguration": {"level": _SARIF_LEVEL[RULES[code].severity]},
        }
        for code in used
    ]
    sarif_results = []
    for path, _text, findings, index in results:
        for f in findings:
            start_line, end_line = index.line_of(f.start), index.line_of(f.end)
            sarif_results.append(
                {
                    "ruleId": f.code,
                    "level": _SARIF_LEVEL[f.severity],
                    "message": {"text": f.message},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": path.as_posix()},
                                "region": {
                                    "startLine": start_line + 1,
                                    "startColumn": f.start - index.line_range(start_line)[0] + 1,
                                    "endLine": end_line + 1,
                                    "endColumn": f.end - index.line_range(end_line)[0] + 1,
                                },
                            }
                        }
                    ],
                    "properties": {"pointer": f.pointer, "name": f.name},
                }
            )
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "gemini-lsp", "version": __version__, "rules": rules}},
                "results": sarif_results,
            }
        ],
    }

