"""What the VS Code status bar shows comes from the server (`geminiLsp/documentContext`, `geminiLsp/models`), over
stdio with a real client: the model's status from the catalogue in force, including a refreshed one, which the
client could not know by reading `models.json` from disk."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import client_capabilities, make_test_lsp_client

from gemini_lsp.catalog import load_catalog, today
from gemini_lsp.models_refresh import build_cache

from conftest import server_command, server_env

ZEPHYR = {"name": "models/gemini-9.9-zephyr", "version": "001", "displayName": "Gemini 9.9 Zephyr",
          "inputTokenLimit": 2000000, "outputTokenLimit": 70000, "supportedGenerationMethods": ["generateContent"],
          "temperature": 1, "maxTemperature": 2, "topP": 0.95, "thinking": True}


def _plain(result: Any) -> Any:
    """pygls hands back custom-request results as named tuples; nested ones too."""
    if hasattr(result, "_asdict"):
        return {k: _plain(v) for k, v in result._asdict().items()}
    if isinstance(result, list):
        return [_plain(v) for v in result]
    return result


async def _start(tmp_path: Path):
    cache = tmp_path / "xdg" / "gemini-lsp" / "models.json"
    cache.parent.mkdir(parents=True)
    cache.write_text(json.dumps(build_cache([ZEPHYR], fetched=datetime(2026, 11, 20, tzinfo=timezone.utc))),
                     encoding="utf-8")
    env = server_env()
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
    client = make_test_lsp_client()
    client.set_configuration({"debounceMs": 0}, section="geminiLsp")
    command = server_command()
    await client.start_io(command[0], *command[1:], env=env)
    await asyncio.wait_for(client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities("visual-studio-code"))), 60)
    return client


def _open(client: Any, uri: str, text: str) -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="gemini-json", version=1, text=text)))


async def _context(client: Any, uri: str) -> dict[str, Any]:
    return _plain(await client.protocol.send_request_async("geminiLsp/documentContext", {"uri": uri}))


async def _models(client: Any) -> dict[str, Any]:
    return _plain(await client.protocol.send_request_async("geminiLsp/models", {}))


async def test_document_context_reports_the_models_status_from_the_catalogue(tmp_path: Path) -> None:
    catalog = load_catalog()
    day = today()
    retired = next(m for m in catalog.models() if catalog.effective_status(m, day) == "retired"
                   and catalog.final_replacement(m, day) is not None)
    current = catalog.current_models(day)[0]
    client = await _start(tmp_path)
    try:
        docs = {
            "current": f'{{"model": "models/{current.id}", "contents": []}}',
            "retired": f'{{"model": "{retired.id}", "contents": []}}',
            "unknown": '{"model": "gemini-9.9-zephyr", "contents": []}',
            "tuned": '{"model": "tunedModels/my-model-0001", "contents": []}',
            "none": '{"contents": []}',
        }
        for name, text in docs.items():
            _open(client, f"file:///w/{name}.gemini.json", text)
        ctx = await _context(client, "file:///w/current.gemini.json")
        assert ctx["model"] == current.id and ctx["modelSource"] == "body"
        assert ctx["modelStatus"] == catalog.effective_status(current, day)
        assert ctx["modelDisplayName"] == current.display_name
        assert ctx["modelSummary"].startswith(ctx["modelStatus"])
        assert ctx["modelReplacement"] is None
        assert ctx["catalog"] == {"collected": catalog.collected.isoformat() if catalog.collected else None,
                                  "refreshed": False}

        ctx = await _context(client, "file:///w/retired.gemini.json")
        assert ctx["modelStatus"] == "retired"
        assert ctx["modelReplacement"] == catalog.final_replacement(retired, day).id  # type: ignore[union-attr]
        assert ctx["modelShutdownDate"] == (retired.shutdown_date.isoformat() if retired.shutdown_date else None)

        assert (await _context(client, "file:///w/unknown.gemini.json"))["modelStatus"] == "unknown"
        assert (await _context(client, "file:///w/tuned.gemini.json"))["modelStatus"] == "tuned"
        ctx = await _context(client, "file:///w/none.gemini.json")
        assert ctx["model"] is None and ctx["modelStatus"] is None and ctx["modelSummary"] is None

        listed = await _models(client)
        ids = [m["id"] for m in listed["models"]]
        assert ids == [m.id for m in catalog.current_models(day)]
        assert retired.id not in ids and "gemini-9.9-zephyr" not in ids
        first = listed["models"][0]
        assert first["status"] == catalog.effective_status(current, day) and first["detail"]
        assert listed["catalog"]["refreshed"] is False
    finally:
        await client.shutdown_session()


async def test_a_refreshed_catalogue_changes_what_the_status_bar_is_told(tmp_path: Path) -> None:
    client = await _start(tmp_path)
    try:
        uri = "file:///w/zephyr.gemini.json"
        _open(client, uri, '{"model": "gemini-9.9-zephyr", "contents": []}')
        assert (await _context(client, uri))["modelStatus"] == "unknown"
        client.set_configuration({"debounceMs": 0, "models": {"allowRefresh": True}}, section="geminiLsp")
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        for _ in range(200):
            ctx = await _context(client, uri)
            if ctx["catalog"]["refreshed"]:
                break
            await asyncio.sleep(0.05)
        assert ctx["catalog"]["refreshed"] is True
        assert ctx["modelStatus"] == "current"
        assert ctx["modelDisplayName"] == "Gemini 9.9 Zephyr"
        listed = await _models(client)
        assert listed["catalog"]["refreshed"] is True
        assert "gemini-9.9-zephyr" in [m["id"] for m in listed["models"]]
    finally:
        await client.shutdown_session()

