"""Command line: `gemini-lsp check PATH...` (a linter for CI), `gemini-lsp serve` (the language server) and
`gemini-lsp models refresh` (the opt-in live model list; the only command that uses the network)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from . import __version__
from .check_report import json_report, print_text, sarif_report
from .settings import APIS, API_VERSIONS, METHODS, Settings

if TYPE_CHECKING:
    from .file_walk import WalkResult

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
    if args.command in ("send", "explain"):
        from . import send_cli

        return send_cli.run_send(args) if args.command == "send" else send_cli.run_explain(args)
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
    from .send_cli import add_parsers

    add_parsers(sub, APIS, API_VERSIONS, METHODS)
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
    from .file_walk import collect_request_files
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
        print(json.dumps(json_report(results), indent=2, ensure_ascii=False))
    elif args.format == "sarif":
        print(json.dumps(sarif_report(results), indent=2, ensure_ascii=False))
    else:
        print_text(results, unchecked=unchecked)
    if internal_error:
        return EXIT_INTERNAL_ERROR
    if unchecked:
        return EXIT_USAGE
    has_error = any(f.severity == "error" for _, _, findings, _ in results for f in findings)
    return EXIT_FINDINGS if has_error else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
