"""The VS Code settings read as plain words, and the model they give as an example is one the catalogue calls
current and documented (not a retired or undocumented one)."""

from __future__ import annotations

import json
import re

from conftest import ROOT
from gemini_lsp.catalog import load_catalog, today

PACKAGE = json.loads((ROOT / "client-vscode" / "package.json").read_text())


def _settings() -> dict[str, dict]:
    configuration = PACKAGE["contributes"]["configuration"]
    if isinstance(configuration, list):
        return {k: v for block in configuration for k, v in block["properties"].items()}
    return configuration["properties"]


def _text(setting: dict) -> str:
    return setting.get("markdownDescription") or setting.get("description") or ""


def test_model_setting_example_is_a_current_documented_model():
    description = _text(_settings()["geminiLsp.model"])
    examples = re.findall(r"`((?:gemini|gemma)[\w.-]*)`", description)
    assert examples, description
    catalog = load_catalog()
    for model_id in examples:
        info = catalog.lookup(model_id)
        assert info is not None, model_id
        assert catalog.effective_status(info, today()) == "current", model_id
        assert catalog.is_documented(info), model_id


def test_setting_descriptions_are_plain_words():
    jargon = re.compile(r"\b(proto|oneof|One of: group|surface|diagnostic|validation)\b", re.I)
    for name in ("geminiLsp.api", "geminiLsp.apiVersion", "geminiLsp.model", "geminiLsp.maxFileSize",
                 "geminiLsp.debounceMs"):
        text = _text(_settings()[name])
        assert text and not jargon.search(text), (name, text)
