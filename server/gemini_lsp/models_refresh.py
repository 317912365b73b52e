"""`gemini-lsp models refresh`: the one place in the package that opens a network connection, and only because the
user ran this command.

It reads the live model list (`GET {base}/v1beta/models`, every page) with the key in `GEMINI_API_KEY` and writes
the facts the checks use to a local cache file, atomically. The catalogue applies that file only when the user
allows it (`geminiLsp.models.allowRefresh`, `check --use-refreshed-models`); see docs/models-refresh.md.

The key is read from the environment only, sent only in the `x-goog-api-key` header (never in a URL, never
forwarded on a redirect: redirects are refused), and never printed, logged, written or put in an exception message.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from datetime import datetime, timezone
from email.message import Message
from pathlib import Path
from typing import IO, Any

from . import __version__
from .catalog import REFRESH_SOURCE, default_refresh_cache_path
from .sending import endpoint

__all__ = [
    "API_KEY_ENV",
    "DEFAULT_BASE_URL",
    "MODEL_FIELDS",
    "RefreshError",
    "build_cache",
    "fetch_models",
    "run_refresh",
    "validate_base_url",
    "write_cache",
]

API_KEY_ENV = "GEMINI_API_KEY"
DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com"
TIMEOUT_S = 20.0
PAGE_SIZE = 1000
MAX_PAGES = 100                      # pages followed at most (a looping page token cannot run forever)
MAX_RESPONSE_BYTES = 32 * 1024 * 1024
MODEL_FIELDS = ("displayName", "inputTokenLimit", "outputTokenLimit", "supportedGenerationMethods", "temperature",
                "maxTemperature", "topP", "topK", "thinking")
"""The fields of `Model` (model.proto) the cache keeps per model; absent ones are kept as null."""

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class RefreshError(Exception):
    """The refresh failed. ``status`` is the HTTP status when the API answered; the message never holds the key."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would send the request (and the key) somewhere the user did not name: refuse it."""

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: Message, newurl: str) -> urllib.request.Request | None:
        raise urllib.error.HTTPError(req.full_url, code, f"refused a redirect ({code})", headers, fp)


def validate_base_url(base_url: str) -> str:
    """The base URL without a trailing slash; ValueError when it is not usable. Plain http is accepted only for a
    loopback host (a local stand-in server), so the key never crosses a network unencrypted. The same rules as
    `gemini-lsp send` (`sending.endpoint.validate_base_url`), worded for this command's `--base-url`."""
    try:
        return endpoint.validate_base_url(base_url)
    except endpoint.EndpointError as error:
        raise ValueError(str(error).replace("the base URL", "--base-url", 1)) from None


def _valid_key(key: str) -> bool:
    """A key that can go in an HTTP header as it is (http.client would otherwise raise with the value in the
    message)."""
    return bool(key) and all(33 <= ord(ch) < 127 for ch in key)


def _api_message(error: urllib.error.HTTPError) -> str:
    """The API's own explanation (`error.message` of its error JSON), else the HTTP reason."""
    try:
        body = error.read(64 * 1024)
        data = json.loads(body.decode("utf-8", errors="replace"))
        message = data.get("error", {}).get("message") if isinstance(data, dict) else None
    except (OSError, ValueError, AttributeError):  # an unreadable body falls back to the reason
        message = None
    if isinstance(message, str) and message.strip():
        return message.strip()
    return str(error.reason or "no message")


def fetch_models(api_key: str, base_url: str = DEFAULT_BASE_URL, *, timeout: float = TIMEOUT_S,
                 page_size: int = PAGE_SIZE, max_pages: int = MAX_PAGES) -> list[dict[str, Any]]:
    """Every `Model` of `models.list`, following `nextPageToken`. Raises RefreshError (without the key)."""
    if not _valid_key(api_key):
        raise RefreshError(f"{API_KEY_ENV} holds characters an API key cannot have")
    base = validate_base_url(base_url)
    opener = urllib.request.build_opener(_RefuseRedirects())
    models: list[dict[str, Any]] = []
    token: str | None = None
    seen_tokens: set[str] = set()
    for _ in range(max_pages):
        query = {"pageSize": str(page_size)}
        if token:
            query["pageToken"] = token
        request = urllib.request.Request(f"{base}/v1beta/models?{urllib.parse.urlencode(query)}", method="GET",
                                         headers={"Accept": "application/json",
                                                  "User-Agent": f"gemini-lsp/{__version__}"})
        request.add_unredirected_header("x-goog-api-key", api_key)
        page = _get_json(opener, request, timeout)
        raw_models = page.get("models", [])
        if not isinstance(raw_models, list):
            raise RefreshError("the API's answer has no list of models")
        models.extend(m for m in raw_models if isinstance(m, dict))
        next_token = page.get("nextPageToken")
        if not isinstance(next_token, str) or not next_token:
            return models
        if next_token in seen_tokens:
            raise RefreshError("the API repeated a page token; stopping")
        seen_tokens.add(next_token)
        token = next_token
    raise RefreshError(f"the model list has more than {max_pages} pages; stopping")


def _get_json(opener: urllib.request.OpenerDirector, request: urllib.request.Request,
              timeout: float) -> dict[str, Any]:
    host = urllib.parse.urlsplit(request.full_url).netloc
    try:
        with opener.open(request, timeout=timeout) as response:
            body = response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as error:
        try:
            message = _api_message(error)
        finally:
            with contextlib.suppress(Exception):  # an HTTPError without a body
                error.close()
        raise RefreshError(f"HTTP {error.code}: {message}", status=error.code) from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            raise RefreshError(f"no answer from {host} within {timeout:g} s") from None
        text = getattr(reason, "strerror", None) or (reason if isinstance(reason, str) else type(reason).__name__)
        raise RefreshError(f"cannot reach {host}: {text}") from None
    except TimeoutError:
        raise RefreshError(f"no answer from {host} within {timeout:g} s") from None
    except OSError as error:
        raise RefreshError(f"connection to {host} failed: {error.strerror or type(error).__name__}") from None
    if len(body) > MAX_RESPONSE_BYTES:
        raise RefreshError(f"the answer from {host} is larger than {MAX_RESPONSE_BYTES} bytes")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise RefreshError(f"the answer from {host} is not JSON") from None
    if not isinstance(data, dict):
        raise RefreshError(f"the answer from {host} is not a JSON object")
    return data


def build_cache(models: list[dict[str, Any]], fetched: datetime | None = None) -> dict[str, Any]:
    """The cache file's content: per model id (without `models/`) the MODEL_FIELDS, `fetched` and `source`."""
    stamp = (fetched or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    entries: dict[str, dict[str, Any]] = {}
    for model in models:
        name = model.get("name")
        if not isinstance(name, str):
            continue
        model_id = name.removeprefix("models/")
        if not model_id:
            continue
        entry: dict[str, Any] = {field: model.get(field) for field in MODEL_FIELDS}
        entry["fetched"] = stamp
        entry["source"] = REFRESH_SOURCE
        entries[model_id] = entry
    return {"format": "gemini-lsp/models-refresh/1", "source": REFRESH_SOURCE, "fetched": stamp,
            "models": dict(sorted(entries.items()))}


def write_cache(path: Path, data: Mapping[str, Any]) -> None:
    """Write the cache atomically: a temporary file beside it, then a rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".models-", suffix=".json.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        raise


def _scrub(text: str, key: str) -> str:
    """Defence in depth: whatever is printed, the key is not in it."""
    return text.replace(key, "[redacted]") if key else text


def run_refresh(base_url: str | None = None, cache: str | Path | None = None, *,
                environ: Mapping[str, str] | None = None, out: IO[str] | None = None,
                err: IO[str] | None = None) -> int:
    """The `models refresh` command. Exit 0 written, 1 failed (HTTP, network, answer, file), 2 usage (no key)."""
    env = os.environ if environ is None else environ
    out = out or sys.stdout
    err = err or sys.stderr
    key = (env.get(API_KEY_ENV) or "").strip()
    if not key:
        print(f"gemini-lsp: models refresh needs an API key in the environment variable {API_KEY_ENV} "
              "(it is read from the environment only); nothing was fetched", file=err)
        return EXIT_USAGE
    try:
        base = validate_base_url(base_url or DEFAULT_BASE_URL)
    except ValueError as error:
        print(f"gemini-lsp: {error}", file=err)
        return EXIT_USAGE
    path = Path(cache) if cache else default_refresh_cache_path(env)
    try:
        models = fetch_models(key, base)
    except RefreshError as error:
        print(_scrub(f"gemini-lsp: models.list failed: {error}", key), file=err)
        return EXIT_FAILED
    data = build_cache(models)
    try:
        write_cache(path, data)
    except OSError as error:
        print(_scrub(f"gemini-lsp: cannot write {path}: {error.strerror or error}", key), file=err)
        return EXIT_FAILED
    count = len(data["models"])
    print(_scrub(f"gemini-lsp: wrote {count} model{'s' if count != 1 else ''} from models.list to {path}", key),
          file=out)
    return EXIT_OK
