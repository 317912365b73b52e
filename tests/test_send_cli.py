"""`gemini-lsp send`, `send --self-test` and `explain`, end to end: the real console script against the stand-in API
on 127.0.0.1 (tests/standin_api.py). The test key never appears in any output."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT, server_env
from standin_api import CASES, StandIn
from test_secrets import fake_key

KEY = fake_key(14)
GOOD = {"model": "gemini-3.5-flash", "contents": [{"role": "user", "parts": [{"text": "Say hello"}]}]}


def _command() -> list[str]:
    script = Path(sys.executable).parent / "gemini-lsp"
    return [str(script)] if script.exists() else [sys.executable, "-m", "gemini_lsp"]


def run(*args: str, key: str | None = KEY, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = server_env()
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_CLOUD_PROJECT"):
        env.pop(name, None)
    if key is not None:
        env["GEMINI_API_KEY"] = key
    env["NO_PROXY"] = "127.0.0.1,localhost"
    result = subprocess.run([*_command(), *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
                            input=stdin)
    assert KEY not in result.stdout and KEY not in result.stderr, "the key leaked"
    return result


@pytest.fixture
def api() -> Iterator[StandIn]:
    with StandIn(KEY) as server:
        yield server
    for request in server.requests:
        assert "key=" not in request["query"]


def _file(tmp_path: Path, body: object, name: str = "req.gemini.json") -> Path:
    path = tmp_path / name
    path.write_text(body if isinstance(body, str) else json.dumps(body, indent=2), encoding="utf-8")
    return path


def test_send_ok(tmp_path: Path, api: StandIn) -> None:
    path = _file(tmp_path, GOOD)
    result = run("send", str(path), "--base-url", api.base_url)
    assert result.returncode == 0, result.stderr
    assert "HTTP 200" in result.stdout and "1 try" in result.stdout and "Hello from the stand-in." in result.stdout
    [request] = api.requests
    assert request["key_ok"] and request["path"] == "/v1beta/models/gemini-3.5-flash:generateContent"
    assert request["body"] == path.read_text(encoding="utf-8")  # the bytes as they are


def test_checker_errors_block_then_force_maps_the_400(tmp_path: Path, api: StandIn) -> None:
    case = CASES["map-entries-by-position"]
    body = json.loads(case["request"])
    body["model"] = "gemini-3.5-flash"
    path = _file(tmp_path, body)
    blocked = run("send", str(path), "--base-url", f"{api.base_url}/case/{case['id']}")
    assert blocked.returncode == 3 and "not sent" in blocked.stderr and api.requests == []
    result = run("send", str(path), "--force", "--base-url", f"{api.base_url}/case/{case['id']}")
    assert result.returncode == 1 and "HTTP 400" in result.stdout
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    for name in ("deal_type", "discount", "valid_until", "coupon", "notes"):
        line_no = next(i for i, line in enumerate(lines) if f'"{name}"' in line) + 1
        assert f"{path}:{line_no + 1}:" in result.stdout  # the "type" key on the line after the property's name
    assert result.stdout.count("[gemini-api]") == 5


def test_json_format_and_diagnostic_ranges(tmp_path: Path, api: StandIn) -> None:
    case = CASES["invalid-bytes-camel-body"]
    path = _file(tmp_path, dict(json.loads(case["request"]), model="gemini-3.5-flash"))
    result = run("send", str(path), "--force", "--format", "json", "--base-url", f"{api.base_url}/case/{case['id']}")
    report = json.loads(result.stdout)
    assert result.returncode == 1 and report["status"] == 400 and report["attempts"] == 1
    [diag] = report["diagnostics"]
    assert diag["pointer"] == "/contents/0/parts/2/inlineData/data" and diag["source"] == "gemini-api"
    line = path.read_text(encoding="utf-8").splitlines()[diag["range"]["start"]["line"]]
    assert line[diag["range"]["start"]["character"]:diag["range"]["end"]["character"]] == '"https://example.com/cat.png"'


def test_503_twice_then_200(tmp_path: Path, api: StandIn) -> None:
    result = run("send", str(_file(tmp_path, GOOD)), "--base-url", f"{api.base_url}/flaky/a")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("503 is transient; waiting") == 2 and "3 tries" in result.stdout
    assert len(api.requests) == 3


def test_429_with_short_delay_is_retried_and_retries_zero_is_not(tmp_path: Path, api: StandIn) -> None:
    path = str(_file(tmp_path, GOOD))
    assert run("send", path, "--base-url", f"{api.base_url}/quota/a").returncode == 0
    result = run("send", path, "--retries", "0", "--base-url", f"{api.base_url}/quota/b")
    assert result.returncode == 1 and "HTTP 429" in result.stdout


def test_stream_and_mid_stream_error(tmp_path: Path, api: StandIn) -> None:
    path = str(_file(tmp_path, GOOD))
    result = run("send", path, "--stream", "--base-url", f"{api.base_url}/slowstream")
    assert result.returncode == 0 and "Hello from the stand-in." in result.stdout
    assert api.requests[-1]["path"].endswith(":streamGenerateContent") and api.requests[-1]["query"] == "alt=sse"
    broken = run("send", path, "--stream", "--base-url", f"{api.base_url}/case/sse-mid-stream-error")
    assert broken.returncode == 1 and "INCOMPLETE" in broken.stdout and "Once upon" in broken.stdout
    assert "overloaded" in broken.stdout


def test_self_test_against_the_stand_in(api: StandIn) -> None:
    result = run("send", "--self-test", "--base-url", api.base_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok   known-good: HTTP 200" in result.stdout and "mapped to /bogusField" in result.stdout
    assert [r["path"].rsplit(":", 1)[1] for r in api.requests] == ["countTokens", "countTokens"]


def test_self_test_fails_with_a_wrong_key(api: StandIn) -> None:
    result = run("send", "--self-test", "--base-url", api.base_url, key=fake_key(99))
    assert result.returncode == 1 and "FAIL known-good: HTTP 400" in result.stdout


def test_dry_run_sends_nothing_and_masks(tmp_path: Path, api: StandIn) -> None:
    body = dict(GOOD, contents=[{"parts": [{"inlineData": {"mimeType": "image/png", "data": "QUJD" * 200}}]}])
    result = run("send", str(_file(tmp_path, body)), "--dry-run", "--base-url", api.base_url)
    assert result.returncode == 0 and api.requests == []
    assert "x-goog-api-key: ***" in result.stdout and "<base64 600 bytes sha256:" in result.stdout


def test_usage_and_credential_errors(tmp_path: Path) -> None:
    path = str(_file(tmp_path, GOOD))
    assert run("send", path, key=None).returncode == 2
    assert run("send", path, "--base-url", "http://example.com").returncode == 2
    assert run("send").returncode == 2
    no_model = str(_file(tmp_path, {"contents": GOOD["contents"]}, "m.gemini.json"))
    result = run("send", no_model, "--base-url", "http://127.0.0.1:9")
    assert result.returncode == 2 and "no model" in result.stderr


def test_no_answer_is_an_api_error(tmp_path: Path) -> None:
    result = run("send", str(_file(tmp_path, GOOD)), "--retries", "0", "--base-url", "http://127.0.0.1:9")
    assert result.returncode == 1 and "no answer (could not connect" in result.stdout


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_explain_from_stdin(tmp_path: Path, fmt: str) -> None:
    case = CASES["semantic-map-by-key-missing"]
    path = _file(tmp_path, case["request"])
    result = run("explain", str(path), "--format", fmt, stdin=case["answer"])
    assert result.returncode == 0, result.stderr
    if fmt == "json":
        [diag] = json.loads(result.stdout)["files"][0]["diagnostics"]
        assert diag["pointer"] == "/tools/0/functionDeclarations/28/parameters/properties/time_ranges"
    elif fmt == "sarif":
        [res] = json.loads(result.stdout)["runs"][0]["results"]
        assert res["properties"]["pointer"].endswith("/time_ranges")
    else:
        assert "[gemini-api]" in result.stdout and "missing field" in result.stdout


def test_explain_says_when_the_checker_has_no_rule(tmp_path: Path) -> None:
    case = CASES["prose-field-name"]  # topK 50 on Vertex: the checker knows no such limit for this request
    path = _file(tmp_path, case["request"])
    answer = _file(tmp_path, case["answer"], "answer.json")
    result = run("explain", str(path), str(answer), "--api", "vertex")
    assert result.returncode == 0
    assert ("a rule it lacks" in result.stdout) or ("the checker also reports" in result.stdout)
    assert run("explain", str(path), stdin="").returncode == 2


def test_slow_server_times_out(tmp_path: Path, api: StandIn) -> None:
    result = run("send", str(_file(tmp_path, dict(GOOD, model="hang-a"))), "--timeout", "1", "--retries", "0",
                 "--base-url", api.base_url)
    assert result.returncode == 1 and "no answer (no answer within the read timeout)" in result.stdout
