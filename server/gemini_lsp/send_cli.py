"""`gemini-lsp send FILE` (send a request file and show the API's answer, a 400 laid onto the file),
`gemini-lsp send --self-test` (one known-good and one known-bad request) and `gemini-lsp explain FILE [RESPONSE]`
(an error answer, as any tool printed it, as diagnostics on the file).

Exit statuses of `send`: 0 sent and answered 2xx; 1 the API answered with an error (or no answer, or a stream
that broke); 2 usage or credential error; 3 not sent because the checker found errors (use --force).
`explain`: 0 explained; 2 usage error (no file, no error answer in RESPONSE).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_API_ERROR, EXIT_USAGE, EXIT_BLOCKED = 0, 1, 2, 3
SELF_TEST_GOOD = b'{"contents": [{"parts": [{"text": "hi"}]}]}'
SELF_TEST_BAD = b'{"contents": [{"parts": [{"text": "x"}]}], "bogusField": 1}'
SELF_TEST_MODEL = "gemini-3.5-flash-lite"  # current in the catalogue, the cheapest tier


def add_parsers(sub: Any, apis: tuple[str, ...], versions: tuple[str, ...], methods: tuple[str, ...]) -> None:
    """Register `send` and `explain` on the main parser's subcommands."""
    send = sub.add_parser(
        "send", help="send a request file to the API (only this and `models refresh` use the network)",
        description="Send FILE's bytes as they are to the URL built from surface, version, model (the body's "
        "\"model\", else --model) and method, with the key from GEMINI_API_KEY / GOOGLE_API_KEY (Vertex AI: a token "
        "from google-auth or gcloud). Prints status, time, tries and the answer; a 400 is laid onto the file. "
        "Exit status: 0 answered 2xx, 1 API error, 2 usage or credential error, 3 not sent because of checker "
        "errors (--force sends anyway).")
    send.add_argument("file", nargs="?", metavar="FILE")
    send.add_argument("--self-test", action="store_true",
                      help="send one known-good (countTokens) and one known-bad request and check the answers")
    _surface_args(send, apis, versions, methods)
    send.add_argument("--stream", action="store_true", help="streamGenerateContent (?alt=sse); text shown as it comes")
    send.add_argument("--format", choices=("text", "json"), default="text")
    send.add_argument("--retries", type=int, default=None, metavar="N", help="tries after the first (default 4)")
    send.add_argument("--timeout", type=float, default=None, metavar="S", help="read timeout in seconds (default 600)")
    send.add_argument("--dry-run", action="store_true", help="print the sanitized request; send nothing")
    send.add_argument("--force", action="store_true", help="send even when the checker finds errors")
    send.add_argument("--base-url", default=None, metavar="URL", help="API base URL (http only to localhost)")
    send.add_argument("--project", default=None, help="Vertex AI project (default: $GOOGLE_CLOUD_PROJECT)")
    send.add_argument("--location", default=None, help="Vertex AI location (default: $GOOGLE_CLOUD_LOCATION or global)")
    explain = sub.add_parser(
        "explain", help="lay an API error answer (file or stdin) onto a request file",
        description="RESPONSE (a file, or stdin) holds an error answer as the API, an SDK exception or a proxy "
        "printed it. Each place it names is reported on FILE; where the checker had no finding there, that is "
        "said (a rule gemini-lsp lacks).")
    explain.add_argument("file", metavar="FILE")
    explain.add_argument("response", nargs="?", metavar="RESPONSE")
    _surface_args(explain, apis, versions, methods)
    explain.add_argument("--format", choices=("text", "json", "sarif"), default="text")


def _surface_args(parser: argparse.ArgumentParser, apis: tuple[str, ...], versions: tuple[str, ...],
                  methods: tuple[str, ...]) -> None:
    parser.add_argument("--api", choices=apis, default="gemini")
    parser.add_argument("--api-version", choices=versions, default=None)
    parser.add_argument("--method", choices=methods, default=None, help="request type (default: from the file name)")
    parser.add_argument("--model", default=None, help="model when the body names none")


def _err(message: str) -> None:
    from .checks.secrets import redact

    print(f"gemini-lsp: {redact(message)}", file=sys.stderr)


def _settings(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .settings import Settings

    version = args.api_version or ("v1" if args.api == "vertex" else "v1beta")
    if args.api == "vertex" and version != "v1":
        raise ValueError("Vertex AI has only --api-version v1")
    return Settings(api=args.api, api_version=version, model=args.model, origin="cli")


def _read(path: str) -> tuple[bytes, str]:
    data = Path(path).read_bytes()
    text = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    return data, text.decode("utf-8", errors="surrogateescape")


# -- explain ---------------------------------------------------------------------------------------------------------

def run_explain(args: argparse.Namespace) -> int:
    from .analysis import analyze
    from .sending.errors import parse_error_answer
    from .sending.explain import explain

    try:
        settings = _settings(args)
        _, text = _read(args.file)
        answer = Path(args.response).read_text(encoding="utf-8", errors="replace") if args.response \
            else sys.stdin.read()
    except ValueError as error:
        _err(str(error))
        return EXIT_USAGE
    except OSError as error:
        _err(f"cannot read: {error.strerror or error}")
        return EXIT_USAGE
    api_error = parse_error_answer(answer)
    if api_error is None:
        _err("no error answer found in the response")
        return EXIT_USAGE
    analysis = analyze(text, args.file, settings, method=args.method, model=args.model)
    diagnostics = explain(api_error, analysis)
    _print_diagnostics(args.format, args.file, text, diagnostics)
    return EXIT_OK


def _diag_json(text: str, d: Any) -> dict[str, Any]:
    from .checks.secrets import redact
    from .positions import LineIndex

    index = LineIndex(text)
    (sl, sc), (el, ec) = index.range(d.placement.start, d.placement.end)
    return {
        "source": "gemini-api", "code": d.code, "severity": "error", "message": redact(d.message),
        "pointer": d.placement.pointer, "apiPath": d.placement.path, "exact": d.placement.exact,
        "range": {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}},
        "help": d.error.help_url, "checkerCodes": list(d.checker_codes), "missedByChecker": d.missed_by_checker,
    }


def _print_diagnostics(fmt: str, path: str, text: str, diagnostics: list[Any], out: Any = None) -> None:
    from . import __version__
    from .checks.secrets import redact
    from .positions import LineIndex

    out = out or sys.stdout
    if fmt == "json":
        print(json.dumps({"files": [{"path": path, "diagnostics": [_diag_json(text, d) for d in diagnostics]}]},
                         indent=2, ensure_ascii=False), file=out)
        return
    if fmt == "sarif":
        index = LineIndex(text)
        results = []
        for d in diagnostics:
            sl, el = index.line_of(d.placement.start), index.line_of(d.placement.end)
            results.append({
                "ruleId": d.code, "level": "error", "message": {"text": redact(d.message)},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": Path(path).as_posix()}, "region": {
                    "startLine": sl + 1, "startColumn": d.placement.start - index.line_range(sl)[0] + 1,
                    "endLine": el + 1, "endColumn": d.placement.end - index.line_range(el)[0] + 1}}}],
                "properties": {"pointer": d.placement.pointer, "source": "gemini-api",
                               "missedByChecker": d.missed_by_checker, "checkerCodes": list(d.checker_codes)},
            })
        rules = [{"id": code, "shortDescription": {"text": f"The Gemini API answered {code}"}}
                 for code in sorted({d.code for d in diagnostics})]
        print(json.dumps({"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [
            {"tool": {"driver": {"name": "gemini-api (via gemini-lsp explain)", "version": __version__,
                                 "rules": rules}}, "results": results}]}, indent=2, ensure_ascii=False), file=out)
        return
    index = LineIndex(text)
    for d in diagnostics:
        line = index.line_of(d.placement.start)
        start, end = index.line_range(line)
        col = d.placement.start - start + 1
        print(f"{path}:{line + 1}:{col}: error {d.code} [gemini-api] {redact(d.placement.text)}", file=out)
        if end - start <= 300:
            source = redact(text[start:end])
            width = max(1, min(d.placement.end, end) - d.placement.start)
            pad = "".join("\t" if ch == "\t" else " " for ch in source[: col - 1])
            print(f"    {source}\n    {pad}{'^' * width}", file=out)
        if d.placement.note:
            print(f"    note: {d.placement.note}", file=out)
        if d.placement.pointer is None:
            print("    note: the API names no place in the file", file=out)
        elif d.missed_by_checker:
            print(f"    note: gemini-lsp check has no finding at {d.placement.pointer or '/'}: a rule it lacks "
                  "(save this answer as a test case)", file=out)
        else:
            print(f"    note: the checker also reports {', '.join(d.checker_codes)} here", file=out)
        if d.error.help_url:
            print(f"    help: {d.error.help_url}", file=out)
    if not diagnostics:
        print("the answer holds no error to explain", file=out)


# -- send ------------------------------------------------------------------------------------------------------------

def run_send(args: argparse.Namespace) -> int:
    if args.self_test:
        return run_self_test(args)
    if not args.file:
        _err("send needs FILE (or --self-test)")
        return EXIT_USAGE
    if args.retries is not None and args.retries < 0 or args.timeout is not None and args.timeout <= 0:
        _err("--retries must be >= 0 and --timeout > 0")
        return EXIT_USAGE
    from .analysis import analyze
    from .sending.credentials import CredentialError, Credentials
    from .sending.endpoint import EndpointError
    from .sending.prepare import SendOptions, prepare
    from .sending.sanitize import mask_headers, safe_url, scrub, shorten_base64

    try:
        settings = _settings(args)
        body, text = _read(args.file)
    except ValueError as error:
        _err(str(error))
        return EXIT_USAGE
    except OSError as error:
        _err(f"{args.file}: cannot read: {error.strerror or error}")
        return EXIT_USAGE
    analysis = analyze(text, args.file, settings, method=args.method, model=args.model)
    errors = [f for f in analysis.findings if f.severity == "error"]
    options = SendOptions(settings.api, settings.api_version, args.method, args.stream, args.model, args.project,
                          args.location, args.base_url)
    env = os.environ
    try:
        prepared, target = prepare(body, analysis, options, env)
    except EndpointError as error:
        _err(str(error))
        return EXIT_USAGE
    if args.dry_run:
        try:
            creds = Credentials.for_target(target.api, target.express, env)
            header_names = {"x-goog-api-key": "***"} if creds.kind == "api-key" else {"Authorization": "Bearer ***"}
        except CredentialError as error:
            header_names = {"(no credential)": str(error)}
        request: dict[str, Any] = {"method": "POST", "url": safe_url(prepared.url),
                   "headers": mask_headers({"Content-Type": "application/json", **header_names}),
                   "bodyBytes": len(prepared.body), "body": scrub(shorten_base64(prepared.body.decode(
                       "utf-8", errors="replace"))),
                   "checkerErrors": len(errors)}
        if args.format == "json":
            print(json.dumps({"dryRun": request}, indent=2, ensure_ascii=False))
        else:
            print(f"POST {request['url']}")
            for name, value in request["headers"].items():
                print(f"{name}: {value}")
            print(f"\n{request['body']}\n({request['bodyBytes']} bytes; not sent: --dry-run)")
            if errors:
                print(f"the checker finds {len(errors)} error(s): without --force this file would not be sent")
        return EXIT_OK
    if errors and not args.force:
        from .check_report import print_text
        from .positions import LineIndex

        with _to_stderr():
            print_text([(Path(args.file), text, analysis.findings, LineIndex(text))])
        _err(f"{args.file}: not sent: the checker finds {len(errors)} error(s) (--force sends anyway)")
        return EXIT_BLOCKED
    try:
        creds = Credentials.for_target(target.api, target.express, env)
    except CredentialError as error:
        _err(str(error))
        return EXIT_USAGE
    try:
        outcome = asyncio.run(_send(prepared, creds, args, creds.secrets()))
    except CredentialError as error:
        _err(str(error))
        return EXIT_USAGE
    except KeyboardInterrupt:
        _err("cancelled")
        return EXIT_API_ERROR
    return _report(args, text, analysis, prepared, outcome, creds.secrets())


class _to_stderr:
    def __enter__(self) -> None:
        self.saved = sys.stdout
        sys.stdout = sys.stderr

    def __exit__(self, *exc: object) -> None:
        sys.stdout = self.saved


async def _send(prepared: Any, creds: Any, args: argparse.Namespace, secrets: list[str]) -> Any:
    from .sending.retry import CLI_POLICY, Policy
    from .sending.sanitize import scrub
    from .sending.transport import DEFAULT_READ_TIMEOUT_S, send

    policy = CLI_POLICY if args.retries is None else Policy(args.retries, CLI_POLICY.cap_s, CLI_POLICY.budget_s)
    streaming_text = args.format == "text" and prepared.stream

    def on_event(kind: str, data: dict[str, Any]) -> None:
        if kind == "wait":
            print(f"gemini-lsp: try {data['attempt']}: {data['reason']}; waiting {data['seconds']:.1f} s",
                  file=sys.stderr, flush=True)
        elif kind == "chunk" and streaming_text:
            sys.stdout.write(scrub(data["text"], secrets))
            sys.stdout.flush()

    return await send(prepared, creds, policy=policy, on_event=on_event,
                      read_timeout_s=args.timeout or DEFAULT_READ_TIMEOUT_S)


def answer_json(outcome: Any) -> Any:
    """The answer as JSON when it is JSON (a stream: its list of events), else its text."""
    if outcome.events:
        return outcome.events
    try:
        return json.loads(outcome.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return outcome.body.decode("utf-8", errors="replace")


def _report(args: argparse.Namespace, text: str, analysis: Any, prepared: Any, outcome: Any, secrets: list[str]) -> int:
    from .sending.explain import explain
    from .sending.sanitize import safe_url, scrub, shorten_base64

    diagnostics = explain(outcome.error, analysis) if outcome.error is not None else []
    clean = lambda s: scrub(shorten_base64(s), secrets)  # noqa: E731
    answer = answer_json(outcome)
    status = outcome.status
    summary = (f"HTTP {status}" if status is not None else f"no answer ({outcome.failure})") + \
        f" in {outcome.elapsed_s:.2f} s, {outcome.attempts} tr{'y' if outcome.attempts == 1 else 'ies'}" + \
        (" — INCOMPLETE (the stream broke)" if outcome.incomplete else "")
    if args.format == "json":
        report = {"url": safe_url(prepared.url), "status": status, "elapsedSeconds": round(outcome.elapsed_s, 3),
                  "attempts": outcome.attempts, "incomplete": outcome.incomplete, "failure": outcome.failure,
                  "stopReason": outcome.stop_reason, "hint": outcome.hint, "text": outcome.text or None,
                  "response": answer, "diagnostics": [_diag_json(text, d) for d in diagnostics]}
        print(clean(json.dumps(report, indent=2, ensure_ascii=False)))
    else:
        if prepared.stream and outcome.text:
            print()
        print(clean(summary))
        if not (prepared.stream and outcome.ok):
            shown = json.dumps(answer, indent=2, ensure_ascii=False) if not isinstance(answer, str) else answer
            print(clean(shown))
        if outcome.stop_reason and status != 400:
            print(clean(outcome.stop_reason), file=sys.stderr)
        if outcome.hint:
            print(clean(f"hint: {outcome.hint}"), file=sys.stderr)
        if diagnostics:
            print()
            _print_diagnostics("text", args.file, text, diagnostics)
    return EXIT_OK if outcome.ok else EXIT_API_ERROR


# -- self test -------------------------------------------------------------------------------------------------------

def run_self_test(args: argparse.Namespace) -> int:
    """Known-good: a tiny countTokens must answer 200. Known-bad: an unknown field must answer 400, mapped to it."""
    from .analysis import analyze
    from .sending.credentials import CredentialError, Credentials
    from .sending.endpoint import EndpointError
    from .sending.explain import explain
    from .sending.prepare import SendOptions, prepare
    from .sending.retry import Policy
    from .sending.transport import send

    try:
        settings = _settings(args)
    except ValueError as error:
        _err(str(error))
        return EXIT_USAGE
    model = args.model or SELF_TEST_MODEL
    options = SendOptions(settings.api, settings.api_version, "countTokens", False, model, args.project,
                          args.location, args.base_url)
    results: list[tuple[str, bool, str]] = []
    try:
        for name, body in (("known-good", SELF_TEST_GOOD), ("known-bad", SELF_TEST_BAD)):
            text = body.decode()
            analysis = analyze(text, "self-test.countTokens.gemini.json", settings, method="countTokens", model=model)
            prepared, target = prepare(body, analysis, options, os.environ)
            creds = Credentials.for_target(target.api, target.express, os.environ)
            outcome = asyncio.run(send(prepared, creds, policy=Policy(1, 10.0, 60.0),
                                       read_timeout_s=args.timeout or 60.0))
            if name == "known-good":
                ok = outcome.ok
                detail = f"HTTP {outcome.status}" if outcome.status else f"no answer ({outcome.failure})"
            else:
                placed = explain(outcome.error, analysis) if outcome.error else []
                pointers = [d.placement.pointer for d in placed]
                ok = outcome.status == 400 and "/bogusField" in pointers
                detail = f"HTTP {outcome.status}, mapped to {', '.join(p or '(no place)' for p in pointers) or 'nothing'}"
            results.append((name, ok, detail))
    except (EndpointError, CredentialError) as error:
        _err(str(error))
        return EXIT_USAGE
    for name, ok, detail in results:
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
    passed = all(ok for _, ok, _ in results)
    print("self-test passed" if passed else "self-test FAILED")
    return EXIT_OK if passed else EXIT_API_ERROR
