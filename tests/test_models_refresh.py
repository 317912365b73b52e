"""`gemini-lsp models refresh` and the opt-in use of its cache: against a local stand-in for models.list on
127.0.0.1 (never the real network); the key never appears in the output or the cache; the catalogue applies the
cache only where allowed (`check --use-refreshed-models`, `geminiLsp.models.allowRefresh`)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import FIXED_TODAY, ROOT, server_env
from gemini_lsp.analysis import analyze
from gemini_lsp.catalog import apply_refresh, load_catalog, read_refresh_cache
from gemini_lsp.models_refresh import build_cache, run_refresh, validate_base_url
from gemini_lsp.settings import Settings
from test_secrets import fake_key

KEY = fake_key(41)

PAGE_1 = {
    "models": [
        {"name": "models/gemini-2.5-flash", "version": "001", "displayName": "Gemini 2.5 Flash",
         "inputTokenLimit": 1048576, "outputTokenLimit": 1000,
         "supportedGenerationMethods": ["generateContent", "countTokens"],
         "temperature": 1, "maxTemperature": 2, "topP": 0.95, "topK": 64, "thinking": True},
    ],
    "nextPageToken": "page-2",
}
PAGE_2 = {
    "models": [
        {"name": "models/gemini-9.9-zephyr", "version": "001", "displayName": "Gemini 9.9 Zephyr",
         "inputTokenLimit": 2000000, "outputTokenLimit": 70000,
         "supportedGenerationMethods": ["generateContent"], "temperature": 1, "maxTemperature": 2, "topP": 0.95,
         "thinking": True},
        {"name": "models/text-embedding-zz", "displayName": "Embedding ZZ", "inputTokenLimit": 2048,
         "outputTokenLimit": 1, "supportedGenerationMethods": ["embedContent"]},
    ],
}


class _StandIn(BaseHTTPRequestHandler):
    """models.list: two pages; 401 with the API's error JSON for any other key."""

    requests: ClassVar[list[dict[str, Any]]] = []
    status_override: ClassVar[int | None] = None

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        type(self).requests.append({"path": parts.path, "query": query, "key": self.headers.get("x-goog-api-key")})
        if self.headers.get("x-goog-api-key") != KEY or type(self).status_override == 401:
            self._send(401, {"error": {"code": 401, "message": "API key not valid. Please pass a valid API key.",
                                       "status": "UNAUTHENTICATED"}})
            return
        if parts.path != "/v1beta/models":
            self._send(404, {"error": {"code": 404, "message": "Not found", "status": "NOT_FOUND"}})
            return
        self._send(200, PAGE_2 if query.get("pageToken") == ["page-2"] else PAGE_1)

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def stand_in() -> Iterator[str]:
    _StandIn.requests = []
    _StandIn.status_override = None
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
    httpd.timeout = 5
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def _env(tmp_path: Path, key: str | None = KEY) -> dict[str, str]:
    env = {k: v for k, v in server_env().items()
           if k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "gemini_api_key")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    if key is not None:
        env["GEMINI_API_KEY"] = key
    return env


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gemini_lsp", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=60, check=False)


# -- the command ------------------------------------------------------------------------------------------------


def test_refresh_writes_the_cache_from_every_page(tmp_path: Path, stand_in: str) -> None:
    result = _cli(["models", "refresh", "--base-url", stand_in], _env(tmp_path))
    assert result.returncode == 0, result.stderr
    cache = tmp_path / "xdg" / "gemini-lsp" / "models.json"
    assert str(cache) in result.stdout and "3 models" in result.stdout
    assert [r["path"] for r in _StandIn.requests] == ["/v1beta/models", "/v1beta/models"]
    assert all(r["key"] == KEY and r["query"]["pageSize"] == ["1000"] for r in _StandIn.requests)
    assert "pageToken" not in _StandIn.requests[0]["query"]
    assert _StandIn.requests[1]["query"]["pageToken"] == ["page-2"]
    data = json.loads(cache.read_text(encoding="utf-8"))
    assert data["source"] == "models.list"
    assert set(data["models"]) == {"gemini-2.5-flash", "gemini-9.9-zephyr", "text-embedding-zz"}
    flash = data["models"]["gemini-2.5-flash"]
    assert flash == {"displayName": "Gemini 2.5 Flash", "inputTokenLimit": 1048576, "outputTokenLimit": 1000,
                     "supportedGenerationMethods": ["generateContent", "countTokens"], "temperature": 1,
                     "maxTemperature": 2, "topP": 0.95, "topK": 64, "thinking": True,
                     "fetched": flash["fetched"], "source": "models.list"}
    assert datetime.fromisoformat(flash["fetched"]).tzinfo is not None
    assert data["models"]["gemini-9.9-zephyr"]["topK"] is None  # absent in the answer: kept as null
    assert not [p for p in cache.parent.iterdir() if p.name != "models.json"]  # no temporary file left
    for text in (result.stdout, result.stderr, cache.read_text(encoding="utf-8")):
        assert KEY not in text


def test_refresh_to_an_explicit_cache_path(tmp_path: Path, stand_in: str) -> None:
    target = tmp_path / "elsewhere" / "m.json"
    result = _cli(["models", "refresh", "--base-url", stand_in + "/", "--cache", str(target)], _env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert len(json.loads(target.read_text(encoding="utf-8"))["models"]) == 3


def test_api_error_gives_status_and_message_never_the_key(tmp_path: Path, stand_in: str) -> None:
    _StandIn.status_override = 401
    result = _cli(["models", "refresh", "--base-url", stand_in], _env(tmp_path))
    assert result.returncode == 1
    assert "401" in result.stderr and "API key not valid. Please pass a valid API key." in result.stderr
    assert KEY not in result.stdout and KEY not in result.stderr
    assert not (tmp_path / "xdg" / "gemini-lsp" / "models.json").exists()


def test_wrong_key_is_rejected_by_the_stand_in(tmp_path: Path, stand_in: str) -> None:
    other = fake_key(42)
    result = _cli(["models", "refresh", "--base-url", stand_in], _env(tmp_path, other))
    assert result.returncode == 1 and "HTTP 401" in result.stderr
    assert other not in result.stdout + result.stderr
    assert _StandIn.requests[0]["key"] == other  # sent in the header only...
    assert other not in json.dumps(_StandIn.requests[0]["query"])  # ...never in the URL


def test_no_key_exits_2_without_a_request(tmp_path: Path, stand_in: str) -> None:
    result = _cli(["models", "refresh", "--base-url", stand_in], _env(tmp_path, key=None))
    assert result.returncode == 2
    assert "GEMINI_API_KEY" in result.stderr
    assert _StandIn.requests == []


def test_unreachable_server_exits_1(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out: list[str] = []

    class Sink:
        def write(self, text: str) -> int:
            out.append(text)
            return len(text)

        def flush(self) -> None:
            pass

    code = run_refresh(f"http://127.0.0.1:{port}", tmp_path / "c.json", environ={"GEMINI_API_KEY": KEY},
                       out=Sink(), err=Sink())  # type: ignore[arg-type]
    assert code == 1
    assert "cannot reach" in "".join(out) and KEY not in "".join(out)


def test_plain_http_only_for_loopback() -> None:
    assert validate_base_url("http://127.0.0.1:8080/") == "http://127.0.0.1:8080"
    assert validate_base_url("https://generativelanguage.googleapis.com") == "https://generativelanguage.googleapis.com"
    for bad in ("http://example.com", "ftp://x", "https://u:p@example.com", "https://example.com/?key=1"):
        with pytest.raises(ValueError):
            validate_base_url(bad)


def test_help_mentions_the_command() -> None:
    result = _cli(["--help"], server_env())
    assert "models refresh" in result.stdout


# -- the catalogue --------------------------------------------------------------------------------------------------

REQUEST = json.dumps({"model": "models/gemini-2.5-flash", "contents": [{"parts": [{"text": "hi"}]}],
                      "generationConfig": {"maxOutputTokens": 5000}})


def _cache_data() -> dict[str, Any]:
    return build_cache([*PAGE_1["models"], *PAGE_2["models"]],
                       fetched=datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc))


def _codes(catalog: Any, text: str = REQUEST) -> list[str]:
    # pinned: from 2026-12-01 on gemini-2.5-flash is served by another model (issue 12), and its own limit is moot
    return [f.code for f in analyze(text, "a.gemini.json", Settings(), catalog=catalog, today=FIXED_TODAY).findings]


def test_apply_refresh_overrides_a_limit_and_the_rule_uses_it() -> None:
    shipped = load_catalog()
    assert shipped.get("gemini-2.5-flash").output_token_limit > 5000  # type: ignore[union-attr]
    assert "GL324" not in _codes(shipped)
    refreshed = apply_refresh(shipped, _cache_data())
    flash = refreshed.get("gemini-2.5-flash")
    assert flash is not None
    assert flash.output_token_limit == 1000 and flash.input_token_limit == 1048576
    assert flash.methods == ("generateContent", "countTokens")
    assert flash.top_k_max is None  # models.list's topK is the default, never taken as a limit
    assert flash.thinking is not None and flash.thinking.supported is True
    assert flash.status == shipped.get("gemini-2.5-flash").status  # type: ignore[union-attr]
    assert flash.sources_of("output_token_limit") == ("models.list (refreshed 2026-11-20)",)
    assert flash.evidence("output_token_limit") == "official"
    findings = [f for f in analyze(REQUEST, "a.gemini.json", Settings(), catalog=refreshed, today=FIXED_TODAY).findings
                if f.code == "GL324"]
    assert len(findings) == 1 and findings[0].severity == "error" and "1,000" in findings[0].message
    assert load_catalog().get("gemini-2.5-flash") == shipped.get("gemini-2.5-flash")  # shipped one untouched


def test_apply_refresh_adds_unknown_ids_as_current() -> None:
    refreshed = apply_refresh(load_catalog(), _cache_data())
    zephyr = refreshed.lookup("models/gemini-9.9-zephyr")
    assert zephyr is not None and zephyr.status == "current" and zephyr.display_name == "Gemini 9.9 Zephyr"
    assert zephyr.output_token_limit == 70000 and zephyr.top_k_max is None
    assert zephyr.sources_of("input_token_limit") == ("models.list (refreshed 2026-11-20)",)
    embedding = refreshed.get("text-embedding-zz")
    assert embedding is not None and embedding.category == "embedding"
    assert "gemini-9.9-zephyr" in [m.id for m in refreshed.current_models()]


def test_apply_refresh_ignores_bad_entries() -> None:
    data = {"fetched": "2026-11-20T00:00:00+00:00", "models": {
        "gemini-2.5-flash": {"outputTokenLimit": "lots", "inputTokenLimit": True, "topK": -3},
        "x/y": {"outputTokenLimit": 5}, "bad": 3}}
    shipped = load_catalog()
    refreshed = apply_refresh(shipped, data)
    assert refreshed.get("gemini-2.5-flash").output_token_limit == shipped.get(  # type: ignore[union-attr]
        "gemini-2.5-flash").output_token_limit  # type: ignore[union-attr]
    assert refreshed.get("x/y") is None and refreshed.get("bad") is None


def test_missing_or_corrupt_cache_is_ignored_with_one_log_line(tmp_path: Path,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    shipped = load_catalog()
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text("{not json", encoding="utf-8")
    wrong = tmp_path / "wrong.json"
    wrong.write_text("[1, 2]", encoding="utf-8")
    for path in (tmp_path / "missing.json", corrupt, wrong):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="gemini_lsp"):
            catalog = load_catalog(refreshed=path)
        assert catalog is shipped
        assert len(caplog.records) == 1 and str(path) in caplog.records[0].getMessage()
    assert read_refresh_cache(corrupt) is None


def test_check_uses_the_cache_only_with_the_flag(tmp_path: Path) -> None:
    env = _env(tmp_path, key=None)
    cache = tmp_path / "xdg" / "gemini-lsp" / "models.json"
    cache.parent.mkdir(parents=True)
    # the console script reads the real date: since 2026-12-01 gemini-2.5-flash is served by gemini-3.5-flash-lite
    # (issue 12), whose limit then applies, so the refreshed list gives both the same small limit
    served_by = {**PAGE_1["models"][0], "name": "models/gemini-3.5-flash-lite", "displayName": "Gemini 3.5 Flash-Lite"}
    cache.write_text(json.dumps(build_cache([*PAGE_1["models"], served_by, *PAGE_2["models"]],
                                            fetched=datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc))),
                     encoding="utf-8")
    request = tmp_path / "a.gemini.json"
    request.write_text(REQUEST, encoding="utf-8")
    plain = _cli(["check", str(request)], env)
    assert "GL324" not in plain.stdout, plain.stdout
    used = _cli(["check", str(request), "--use-refreshed-models"], env)
    assert used.returncode == 1 and "GL324" in used.stdout and "1,000" in used.stdout
    cache.write_text("garbage", encoding="utf-8")
    ignored = _cli(["check", str(request), "--use-refreshed-models"], env)
    assert "GL324" not in ignored.stdout
    assert ignored.stderr.count("\n") == 1 and "not valid JSON" in ignored.stderr


# -- the server -----------------------------------------------------------------------------------------------------


def test_server_applies_the_cache_only_with_allow_refresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gemini_lsp.server import GeminiLanguageServer

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cache = tmp_path / "gemini-lsp" / "models.json"
    cache.parent.mkdir(parents=True)
    cache.write_text(json.dumps(_cache_data()), encoding="utf-8")
    server = GeminiLanguageServer()
    shipped = server.catalog
    assert server.catalog.get("gemini-2.5-flash").output_token_limit != 1000  # type: ignore[union-attr]
    server.apply_settings({"model": "gemini-2.5-flash"})
    assert server.catalog is shipped
    generation = server.settings_generation
    server.apply_settings({"models": {"allowRefresh": True}})
    assert server.catalog.get("gemini-2.5-flash").output_token_limit == 1000  # type: ignore[union-attr]
    assert server.settings_generation == generation + 1
    assert "GL324" in _codes(server.catalog)
    # same settings, cache unchanged: nothing re-loaded
    refreshed = server.catalog
    server.apply_settings({"models": {"allowRefresh": True}})
    assert server.catalog is refreshed
    # the cache file changed (a new `models refresh`): re-loaded on the next settings change
    data = _cache_data()
    data["models"]["gemini-2.5-flash"]["outputTokenLimit"] = 2000
    cache.write_text(json.dumps(data), encoding="utf-8")
    os.utime(cache, (1, 1))
    server.apply_settings({"models": {"allowRefresh": True}})
    assert server.catalog.get("gemini-2.5-flash").output_token_limit == 2000  # type: ignore[union-attr]
    server.apply_settings({"models": {"allowRefresh": False}})
    assert server.catalog is shipped


def test_the_server_never_loads_the_network_module() -> None:
    code = ("import sys, gemini_lsp.server, gemini_lsp.cli; "
            "sys.exit(1 if 'gemini_lsp.models_refresh' in sys.modules else 0)")
    result = subprocess.run([sys.executable, "-c", code], env=server_env(), cwd=ROOT, timeout=60,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
