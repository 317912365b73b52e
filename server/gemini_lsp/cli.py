"""Command line: `gemini-lsp check PATH...` (a linter for CI), `gemini-lsp serve` (the language server) and
`gemini-lsp models refresh` (the opt-in live model list; the only command that uses the network)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from . import __version__
from .file_walk import WalkResult, collect_request_files
from .settings import APIS, API_VERSIONS, METHODS, Settings

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
#: a rule (or the parser, or a rule module) of gemini-lsp failed: the output lacks its findings (a bug to report)
EXIT_INTERNAL_ERROR = 3


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # never crash on odd characters from a hostile file
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None and _interactive(sys.stdin):
        parser.print_usage(sys.stderr)  # a person at a terminal, not an editor: say what to run (as ruff does)
        print("gemini-lsp: give a command: `gemini-lsp check PATH...` lints request files; `gemini-lsp serve` is what "
              "an editor runs (see `gemini-lsp --help`)", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "serve" or args.command is None:
        return run_serve()
    if args.command == "check":
        return run_check(args)
    if args.command == "models":
        if args.models_command == "refresh":
            from .models_refresh import run_refresh

            return run_refresh(args.base_url, args.cache)
        args.models_parser.print_help()
        return EXIT_USAGE
    parser.print_help()
    return EXIT_USAGE


def _interactive(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def run_serve() -> int:
    """`gemini-lsp serve`: the language server on stdin/stdout, with a one-line message instead of a traceback when
    there is no standard input to serve on."""
    if sys.stdin is None or sys.stdout is None or sys.stdin.closed:
        print("gemini-lsp serve: standard input is closed; an editor starts this command with a pipe on its standard "
              "input (see client-vscode/EDITORS.md)", file=sys.stderr)
        return EXIT_USAGE
    if _interactive(sys.stdin):
        print("gemini-lsp serve: waiting for a language client on standard input (Ctrl-D ends it)", file=sys.stderr)
    from .server import serve

    if not serve():
        print("gemini-lsp serve: standard input ended before a language client connected", file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gemini-lsp", description="Language server and linter for Gemini API request files (*.gemini.json).",
        epilog="`gemini-lsp models refresh` (with GEMINI_API_KEY set) stores the live model list locally; "
        "`check --use-refreshed-models` and the setting geminiLsp.models.allowRefresh use it. Nothing else "
        "opens a network connection. See docs/models-refresh.md.",
    )
    parser.add_argument("--version", action="version", version=f"gemini-lsp {__version__}")
    parser.add_argument("--stdio", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="run the language server on stdin/stdout")
    serve.add_argument("--stdio", action="store_true", help="use stdio (the default; accepted for editors that add it)")
    check = sub.add_parser("check", help="check request files and directories (every *.gemini.json below)")
    check.add_argument("paths", nargs="+", metavar="PATH")
    check.add_argument("--api", choices=APIS, default="gemini")
    check.add_argument("--api-version", choices=API_VERSIONS, default=None)
    check.add_argument("--method", choices=METHODS, default=None, help="request type (default: from the file name)")
    check.add_argument("--model", default=None, help="model to check against when the body names none")
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    check.add_argument("--max-file-size", type=int, default=None, help="bytes; above it only syntax and secrets")
    check.add_argument("--no-ignore", action="store_true",
                       help="also walk hidden, vendored and .gitignore'd folders and virtual environments")
    check.add_argument("--allow-empty", action="store_true",
                       help="exit 0 when a folder holds no *.gemini.json file (by default that is an error, status 2)")
    check.add_argument("--use-refreshed-models", action="store_true",
                       help="apply the model list stored by `gemini-lsp models refresh` to the catalogue")
    models = sub.add_parser("models", help="the model catalogue: `models refresh` fetches the live model list")
    models_sub = models.add_subparsers(dest="models_command")
    models.set_defaults(models_parser=models)
    refresh = models_sub.add_parser(
        "refresh", help="fetch the live model list (models.list) with GEMINI_API_KEY and store it locally",
        description="Read every page of GET {base}/v1beta/models with the key in the environment variable "
        "GEMINI_API_KEY (sent in the x-goog-api-key header; never printed or stored) and write the models' limits "
        "to a local cache file. It is used only where allowed: `check --use-refreshed-models`, the setting "
        "geminiLsp.models.allowRefresh. This is the only command that opens a network connection.",
    )
    refresh.add_argument("--base-url", default=None, metavar="URL",
                         help="API base URL (default: https://generativelanguage.googleapis.com)")
    refresh.add_argument("--cache", default=None, metavar="PATH",
                         help="cache file to write (default: $XDG_CACHE_HOME/gemini-lsp/models.json, "
                         "else ~/.cache/gemini-lsp/models.json)")
    return parser


def _walk_problems(walk: WalkResult, *, allow_empty: bool) -> list[str]:
    """Print what the walk found wrong; return the usage problems (a missing path, an empty folder unless allowed)."""
    problems = [f"{raw}: no such file or directory" for raw in walk.missing]
    for folder in walk.empty_folders:
        skipped = walk.skipped.get(folder, 0)
        hint = (f" ({skipped} hidden, vendored or .gitignore'd entr{'ies' if skipped != 1 else 'y'} skipped; "
                "--no-ignore includes them)") if skipped else ""
        message = f"{folder}: no *.gemini.json files in this folder{hint}"
        if allow_empty:
            print(f"gemini-lsp: {message}", file=sys.stderr)
        else:
            problems.append(message + "; pass --allow-empty if that is expected")
    for problem in problems:
        print(f"gemini-lsp: {problem}", file=sys.stderr)
    return problems


def read_request_file(path: Path) -> str:
    """Read a file as text: UTF-8 (a BOM is dropped); undecodable bytes become lone surrogates, reported as GL011."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", errors="surrogateescape")


def run_check(args: argparse.Namespace) -> int:
    # internal errors (a failing rule, rule module or parser) go to stderr with their traceback
    logging.basicConfig(level=logging.WARNING, format="gemini-lsp %(levelname)s %(message)s")
    from .analysis import analyze
    from .catalog import load_catalog
    from .findings import Finding
    from .positions import LineIndex

    api_version = args.api_version or ("v1" if args.api == "vertex" else "v1beta")
    if args.api == "vertex" and api_version != "v1":
        print("gemini-lsp: Vertex AI has only --api-version v1", file=sys.stderr)
        return EXIT_USAGE
    settings = Settings(api=args.api, api_version=api_version, origin="cli")
    if args.max_file_size is not None:
        settings = replace(settings, max_file_size=args.max_file_size)
    walk = collect_request_files(args.paths, include_ignored=args.no_ignore)
    files = walk.files
    problems = _walk_problems(walk, allow_empty=args.allow_empty)
    if args.use_refreshed_models:
        from .catalog import default_refresh_cache_path

        catalog = load_catalog(refreshed=default_refresh_cache_path())
    else:
        catalog = load_catalog()
    results: list[tuple[Path, str, list[Finding], LineIndex]] = []
    unchecked = len(problems)
    internal_error = False
    for path in files:
        try:
            text = read_request_file(path)
        except OSError as error:
            print(f"gemini-lsp: {path}: cannot read: {error.strerror or error}", file=sys.stderr)
            unchecked += 1
            continue
        analysis = analyze(text, str(path), settings, method=args.method, model=args.model, catalog=catalog)
        for what in analysis.internal_errors:
            print(f"gemini-lsp: {path}: internal error in {what}; please report it (traceback above)", file=sys.stderr)
            internal_error = True
        results.append((path, text, analysis.findings, LineIndex(text)))
    if args.format == "json":
        print(json.dumps(_json_report(results), indent=2, ensure_ascii=False))
    elif args.format == "sarif":
        print(json.dumps(_sarif_report(results), indent=2, ensure_ascii=False))
    else:
        _print_text(results, unchecked=unchecked)
    if internal_error:
        return EXIT_INTERNAL_ERROR
    if unchecked:
        return EXIT_USAGE
    has_error = any(f.severity == "error" for _, _, findings, _ in results for f in findings)
    return EXIT_FINDINGS if has_error else EXIT_OK


def _range(index, finding) -> dict:  # type: ignore[no-untyped-def]
    from .positions import lsp_range

    r = lsp_range(index, finding.start, finding.end)
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }


def _json_report(results) -> dict:  # type: ignore[no-untyped-def]
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


def _print_text(results, unchecked: int = 0) -> None:  # type: ignore[no-untyped-def]
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


def _sarif_report(results) -> dict:  # type: ignore[no-untyped-def]
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


if __name__ == "__main__":
    sys.exit(main())
