"""The VS Code extension's bundled server runs exactly the checks the CLI runs.

`client-vscode/scripts/bundle-server.mjs` lays the server out as the `.vsix` ships it (server/gemini_lsp + the pinned
pure-Python dependencies in server/lib, jsonschema included). Here that layout runs on a Python started with `-S`
(no site-packages at all: nothing of ours or of the test venv can leak in), and its diagnostics are compared, file by
file and field by field, with `gemini-lsp check --format json` over every file in tests/corpus and tests/accepted.
The only wording allowed to differ is the name of a control in a message (`the setting geminiLsp.model` in the
editor, `--model` in the CLI).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import client_capabilities, make_test_lsp_client

from gemini_lsp.catalog import parse_model_ref

from conftest import CORPUS, ROOT

BUNDLER = ROOT / "client-vscode" / "scripts" / "bundle-server.mjs"
ACCEPTED = ROOT / "tests" / "accepted"
SEVERITY = {1: "error", 2: "warning", 3: "information", 4: "hint"}
#: The one intended difference: a message names the control the user has, the editor setting or the CLI option.
CONTROLS = {"model": "--model", "maxFileSize": "--max-file-size", "api": "--api", "apiVersion": "--api-version",
            "methods": "--method"}
#: An editor cannot send undecodable bytes over JSON-RPC (VS Code shows U+FFFD); the CLI reports them (GL011).
NOT_EDITOR_TEXT = {"024-invalid-utf8.gemini.json"}


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is required in CI to build the .vsix server bundle")
        pytest.skip("node not found: cannot run client-vscode/scripts/bundle-server.mjs")
    return node


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("vsix-server") / "server"
    env = {**os.environ, "GEMINI_LSP_BUNDLE_OUT": str(out), "PYTHON": sys.executable}
    proc = subprocess.run([_node(), str(BUNDLER)], cwd=BUNDLER.parent.parent, env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    assert proc.returncode == 0, f"bundle-server.mjs failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return out


def _bundle_env(bundle: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = os.pathsep.join([str(bundle), str(bundle / "lib")])  # as client-vscode/src/launch.ts does
    return env


def test_bundle_is_pure_python_and_self_sufficient(bundle: Path) -> None:
    """Every module the server needs comes from the bundle, on a Python without any site-packages."""
    probe = ("import json, rpds, jsonschema, referencing, pygls, lsprotocol, gemini_lsp.server\n"
             "print(json.dumps({m.__name__: m.__file__ for m in (rpds, jsonschema, referencing, pygls, lsprotocol,"
             " gemini_lsp.server)}))")
    proc = subprocess.run([sys.executable, "-S", "-c", probe], env=_bundle_env(bundle), capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    files = json.loads(proc.stdout)
    for name, path in files.items():
        assert Path(path).resolve().is_relative_to(bundle.resolve()), (name, path)
    assert "pyrsistent_as_rpds" in (bundle / "lib" / "rpds" / "__init__.py").read_text(encoding="utf-8")
    compiled = [p for p in bundle.rglob("*") if p.suffix in (".so", ".pyd", ".dylib", ".dll")]
    assert compiled == []


def test_every_runtime_dependency_is_bundled() -> None:
    """A dependency added to pyproject.toml but not to the bundle would stop the server inside VS Code."""
    import re
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    wanted = {re.split(r"[<>=!~ ;\[]", d, maxsplit=1)[0].lower().replace("_", "-") for d in deps}
    script = BUNDLER.read_text(encoding="utf-8")
    block = script[script.index("export const PY_DEPS = ["):]
    bundled = {m.lower().replace("_", "-") for m in re.findall(r"'([A-Za-z0-9_.-]+)==", block[:block.index("];")])}
    assert wanted <= bundled, f"runtime dependencies missing from PY_DEPS in {BUNDLER.name}: {sorted(wanted - bundled)}"


def _corpus_files() -> list[tuple[Path, dict]]:
    out: list[tuple[Path, dict]] = []
    for folder in (CORPUS / "valid", CORPUS / "invalid", ACCEPTED):
        manifest_path = folder / "manifest.json"
        manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
        for path in sorted(folder.glob("*.json")):
            if path.name != "manifest.json" and path.name not in NOT_EDITOR_TEXT:
                out.append((path, manifest.get(path.name, {})))
    return out


def _settings(entry: dict) -> tuple[str, str, str]:
    api = entry.get("api", "gemini")
    return api, entry.get("apiVersion", "v1" if api == "vertex" else "v1beta"), entry.get("model") or ""


def _cli(paths: list[Path], api: str, version: str, model: str) -> dict[str, list[tuple]]:
    exe = shutil.which("gemini-lsp", path=str(Path(sys.executable).parent))
    cmd = [exe] if exe else [sys.executable, "-m", "gemini_lsp"]
    cmd += ["check", "--format", "json", "--api", api, "--api-version", version]
    if model:
        cmd += ["--model", model]
    proc = subprocess.run(cmd + [str(p) for p in paths], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode in (0, 1), f"gemini-lsp check exited {proc.returncode}:\n{proc.stderr[-3000:]}"
    report = json.loads(proc.stdout)
    out: dict[str, list[tuple]] = {}
    for entry in report["files"]:
        out[str((ROOT / entry["path"]).resolve())] = sorted(
            (d["code"], d["severity"], d["message"], d["range"]["start"]["line"], d["range"]["start"]["character"],
             d["range"]["end"]["line"], d["range"]["end"]["character"]) for d in entry["diagnostics"])
    return out


def _as_cli_words(message: str) -> str:
    for key, option in CONTROLS.items():
        message = message.replace(f"the setting `geminiLsp.{key}`", f"`{option}`")
    return message


def _lsp(diagnostics: list[types.Diagnostic]) -> list[tuple]:
    return sorted((d.code, SEVERITY[d.severity or 1], _as_cli_words(d.message), d.range.start.line,
                   d.range.start.character, d.range.end.line, d.range.end.character) for d in diagnostics)


async def test_bundled_server_and_cli_agree_on_every_corpus_file(bundle: Path) -> None:
    groups: dict[tuple[str, str, str], list[Path]] = defaultdict(list)
    for path, entry in _corpus_files():
        groups[_settings(entry)].append(path)
    assert sum(len(v) for v in groups.values()) >= 200

    client = make_test_lsp_client()
    client.set_configuration({"debounceMs": 0}, section="geminiLsp")
    await client.start_io(sys.executable, "-S", "-m", "gemini_lsp", "serve", "--stdio", env=_bundle_env(bundle),
                          cwd=str(ROOT))
    mismatches: list[str] = []
    compared = 0
    try:
        await asyncio.wait_for(client.initialize_session(
            types.InitializeParams(capabilities=client_capabilities("visual-studio-code"))), 60)
        probe = "file:///bundle-probe/settings.gemini.json"
        client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
            uri=probe, language_id="gemini-json", version=1, text="{}")))
        for (api, version, model), paths in sorted(groups.items()):
            client.set_configuration({"api": api, "apiVersion": version, "model": model, "debounceMs": 0},
                                     section="geminiLsp")
            client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
            for _ in range(200):  # the server pulls the settings; wait until the probe document sees them
                ctx = await client.protocol.send_request_async("geminiLsp/documentContext", {"uri": probe})
                ctx = ctx if isinstance(ctx, dict) else ctx._asdict()
                if (ctx.get("api"), ctx.get("model") or "") == (api, parse_model_ref(model).id if model else "") \
                        and (api == "vertex" or ctx.get("apiVersion") == version):
                    break
                await asyncio.sleep(0.05)
            else:
                pytest.fail(f"the server never applied the settings {(api, version, model)}")
            expected = _cli(paths, api, version, model)
            for path in paths:
                uri = path.resolve().as_uri()
                text = path.read_bytes().decode("utf-8")
                client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
                    uri=uri, language_id="gemini-json", version=1, text=text)))
                report = await asyncio.wait_for(client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
                    text_document=types.TextDocumentIdentifier(uri=uri))), 60)
                client.text_document_did_close(types.DidCloseTextDocumentParams(
                    text_document=types.TextDocumentIdentifier(uri=uri)))
                got = _lsp(list(report.items))
                want = expected.get(str(path.resolve()), [])
                compared += 1
                if got != want:
                    mismatches.append(f"{path.relative_to(ROOT)} ({api} {version} {model or 'no model'}):\n"
                                      f"  editor: {got}\n  cli:    {want}")
    finally:
        await client.shutdown_session()
    assert compared >= 200
    assert not mismatches, f"{len(mismatches)} of {compared} files differ:\n" + "\n".join(mismatches[:20])
