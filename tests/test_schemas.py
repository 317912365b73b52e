"""The generated request schemas (schemas/generated/) and their Python model (gemini_lsp.schema)."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from gemini_lsp.schema import (
    available_surfaces,
    load_request_schema,
    methods_for,
)

REPO = Path(__file__).resolve().parent.parent
GENERATED = REPO / "schemas" / "generated"
OVERLAY = REPO / "schemas" / "overlay.json"
INPUTS = REPO / "schemas" / "inputs.json"
ALL_SCHEMA_FILES = sorted(GENERATED.glob("*/*.schema.json"))


def _generator():
    spec = importlib.util.spec_from_file_location("generate_schemas", REPO / "scripts" / "generate_schemas.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def gemini(method: str = "generateContent"):
    schema = load_request_schema("gemini", "v1beta", method)
    assert schema is not None
    return schema


# --- reproducibility --------------------------------------------------------------------------------------------


def _schema_inputs():
    spec = importlib.util.spec_from_file_location("schema_inputs", REPO / "scripts" / "schema_inputs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_reproduces_committed_files_byte_for_byte(tmp_path: Path) -> None:
    """Never skips: the pinned inputs are fetched from npm / PyPI into the cache (.ci/run fetches them first)."""
    gen = _generator()
    first = tmp_path / "one"
    second = tmp_path / "two"
    assert gen.main(["--overlay", str(OVERLAY), "--output", str(first)]) == 0
    assert gen.main(["--overlay", str(OVERLAY), "--output", str(second)]) == 0

    def tree(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    one, two, committed = tree(first), tree(second), tree(GENERATED)
    assert one == two, "two runs on the same inputs differ"
    assert sorted(one) == sorted(committed), "file list differs from schemas/generated/ (regenerate and commit)"
    stale = [name for name in one if one[name] != committed[name]]
    assert not stale, f"schemas/generated/ is stale, run scripts/generate_schemas.py: {stale}"
    assert all(data.endswith(b"\n") for data in one.values())


def test_input_manifest_pins_every_input_by_package_version_and_digest() -> None:
    manifest = json.loads(INPUTS.read_text(encoding="utf-8"))
    inputs = manifest["inputs"]
    assert set(inputs) == {"generativelanguage-protos", "googleapis-common-protos", "vertex-discovery",
                           "protobuf-well-known-types"}
    pins = {(i["registry"], i["package"], i["version"]) for i in inputs.values()}
    assert ("npm", "@google-ai/generativelanguage", "4.1.0") in pins
    assert ("pypi", "google-api-python-client", "2.202.0") in pins
    assert ("pypi", "googleapis-common-protos", "1.76.0") in pins
    hexdigest = re.compile(r"^[0-9a-f]{64}$")
    for name, spec in inputs.items():
        assert spec["url"].startswith("https://"), name
        assert spec["files"] and all(hexdigest.match(d) for d in spec["files"].values()), name
        if spec["registry"] != "installed":
            assert hexdigest.match(spec["archive_sha256"]), name
    # the pins agree with the generator's own dependency pins
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert '"googleapis-common-protos==1.76.0"' in pyproject
    assert '"grpcio-tools==1.85.1"' in pyproject


def test_an_input_whose_file_digest_differs_is_refused(tmp_path: Path) -> None:
    inputs = _schema_inputs()
    manifest = json.loads(INPUTS.read_text(encoding="utf-8"))
    spec = manifest["inputs"]["vertex-discovery"]
    rel = next(iter(spec["files"]))
    spec["files"][rel] = "0" * 64
    with pytest.raises(inputs.InputError, match="refusing"):
        inputs.materialize(tmp_path / "out", manifest={"inputs": {"vertex-discovery": spec}})


def test_a_cached_archive_whose_digest_differs_is_refused(tmp_path: Path) -> None:
    inputs = _schema_inputs()
    manifest = json.loads(INPUTS.read_text(encoding="utf-8"))
    spec = manifest["inputs"]["googleapis-common-protos"]
    cache = tmp_path / "cache"
    (cache / "archives").mkdir(parents=True)
    (cache / "archives" / spec["archive"]).write_bytes(b"not the published wheel")
    with pytest.raises(inputs.InputError, match="refusing"):
        inputs.materialize(tmp_path / "out", cache=cache, manifest={"inputs": {"googleapis-common-protos": spec}})
    assert not (tmp_path / "out" / "googleapis-common-protos").exists()


# --- the files --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_SCHEMA_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_schema_is_valid_json_schema_2020_12(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(doc)


def test_index_lists_every_file_and_the_expected_surfaces() -> None:
    index = json.loads((GENERATED / "index.json").read_text(encoding="utf-8"))
    listed = {rel for s in index["surfaces"].values() for rel in s["methods"].values()}
    assert listed == {str(p.relative_to(GENERATED)) for p in ALL_SCHEMA_FILES}
    # The loader derives the same mapping from the file layout.
    for surface in index["surfaces"].values():
        assert methods_for(surface["api"], surface["api_version"]) == sorted(surface["methods"])
        for method, rel in surface["methods"].items():
            loaded = load_request_schema(surface["api"], surface["api_version"], method)
            assert loaded is not None and loaded.resource == f"generated/{rel}"
    assert available_surfaces() == [("gemini", "v1"), ("gemini", "v1beta"), ("vertex", "v1")]
    assert "cachedContents" not in methods_for("gemini", "v1")
    assert set(methods_for("gemini", "v1beta")) == {
        "generateContent", "streamGenerateContent", "countTokens", "embedContent", "batchEmbedContents",
        "cachedContents"}
    assert methods_for("gemini", "v2") == []


def test_unknown_surface_or_method_gives_none() -> None:
    assert load_request_schema("gemini", "v1", "cachedContents") is None
    assert load_request_schema("openai", "v1", "generateContent") is None
    assert load_request_schema("gemini", "v1beta", "predict") is None


def test_stream_generate_content_has_the_generate_content_body() -> None:
    stream = gemini("streamGenerateContent")
    assert stream.root.name == "GenerateContentRequest"
    assert stream.resource == gemini().resource


def _validator(surface: str, request: str) -> jsonschema.Draft202012Validator:
    doc = json.loads((GENERATED / surface / f"{request}.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(doc)


def test_standard_validator_accepts_what_the_api_accepts() -> None:
    v = _validator("gemini-v1beta", "GenerateContentRequest")
    lenient = {
        "contents": {"role": "USER", "parts": {"text": "hi"}},  # single objects for lists, other letter case
        "system_instruction": {"parts": [{"text": "be brief"}]},
        "tools": {"google_search": {}},
        "safetySettings": [{"category": 7, "threshold": "block_none"}],  # integer enum, lower-case name
        "generationConfig": {
            "temperature": "0.5", "topP": None, "topK": 4.0, "maxOutputTokens": "1e2", "seed": "-3",
            "response_modalities": "TEXT", "thinkingConfig": {"thinkingLevel": "HIGH"},
            "presencePenalty": "NaN", "imageConfig": {"image_size": "2K"},
            "_responseJsonSchema": {"type": "object"}, "responseJsonSchema": {"type": "object"},
        },
        "model": "models/gemini-3.8-flash",
    }
    assert list(v.iter_errors(lenient)) == []
    blob = {"contents": [{"parts": [{"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo-_"}},
                                    {"fileData": {"fileUri": "gs://b/v.mp4"},
                                     "videoMetadata": {"startOffset": "1.5s", "fps": 24}}]}]}
    assert list(v.iter_errors(blob)) == []


def test_standard_validator_rejects_what_the_api_rejects() -> None:
    v = _validator("gemini-v1beta", "GenerateContentRequest")

    def errors(doc: dict) -> list[str]:
        return sorted("/".join(map(str, e.absolute_path)) for e in v.iter_errors(doc))

    assert errors({"contents": [], "generationconfig": {}}) == [""]  # unknown all-lowercase key
    assert errors({}) == [""]  # contents missing
    assert errors({"contents": [{"parts": [{"text": "a", "inline_data": {"data": "QQ=="}}]}]}) == ["contents"]
    assert errors({"contents": [], "generationConfig": {"temperature": 2.5}}) == ["generationConfig"]
    assert errors({"contents": [], "generationConfig": {"candidateCount": 1.5}}) == ["generationConfig"]
    assert errors({"contents": [], "generationConfig": {"stopSequences": list("abcdef")}}) == ["generationConfig"]


# --- the Python model -------------------------------------------------------------------------------------------


def test_both_spellings_resolve_to_the_same_field_but_not_other_case() -> None:
    root = gemini().root
    camel, snake = root.field("generationConfig"), root.field("generation_config")
    assert camel is snake and camel is not None
    assert camel.type_name == "GenerationConfig" and camel.kind == "message"
    assert camel.spelling("generationConfig") == "json" and camel.spelling("generation_config") == "proto"
    assert root.field("generationconfig") is None
    assert root.field("GenerationConfig") is None
    assert gemini().message_at(["generation_config"]) is gemini().message("GenerationConfig")


def test_thinking_level_exists_in_v1beta_with_its_enum() -> None:
    schema = gemini()
    f = schema.field_at(["generationConfig", "thinking_config", "thinkingLevel"])
    assert f is not None and f.kind == "enum" and f.source
    enum = schema.enum(f.type_name)
    assert enum.names == ("THINKING_LEVEL_UNSPECIFIED", "MINIMAL", "LOW", "MEDIUM", "HIGH", "XHIGH")
    assert enum.value("HIGH") is not None
    assert enum.value("high") is None and enum.value_casefold("high") is enum.value("HIGH")


def test_part_has_its_data_oneof() -> None:
    part = gemini().message("Part")
    assert part.oneofs["data"] == ("text", "inlineData", "functionCall", "functionResponse", "fileData",
                                   "executableCode", "codeExecutionResult")
    assert part.field("inline_data").oneof == "data"
    assert part.field("thought").oneof is None  # proto3 `optional` synthetic oneofs are not oneofs
    assert not any(g.startswith("_") for msg in gemini().messages.values() for g in msg.oneofs)
    assert gemini("cachedContents").root.oneofs["expiration"] == ("expireTime", "ttl")


def test_system_instruction_is_absent_from_v1() -> None:
    v1 = load_request_schema("gemini", "v1", "generateContent")
    assert v1 is not None
    assert v1.root.field("systemInstruction") is None and v1.root.field("system_instruction") is None
    assert v1.root.field("tools") is None
    assert gemini().root.field("systemInstruction") is not None


def test_vertex_top_k_is_a_float_and_the_request_has_labels() -> None:
    vertex = load_request_schema("vertex", "v1", "generateContent")
    assert vertex is not None
    top_k = vertex.field_at(["generation_config", "top_k"])
    assert top_k is not None and top_k.kind == "float"
    assert gemini().field_at(["generationConfig", "topK"]).kind == "int32"
    labels = vertex.root.field("labels")
    assert labels is not None and labels.kind == "map" and labels.map_value.kind == "string"
    assert vertex.field_at(["labels", "team"]) is labels.map_value
    assert vertex.root.field("model") is None  # the Vertex body has no model field


def test_model_is_optional_at_the_top_but_required_where_nested() -> None:
    assert "model" not in gemini().root.required
    assert gemini().root.field("model").required is False and gemini().root.field("model").url_path
    batch = gemini("batchEmbedContents")
    assert "model" not in batch.root.required
    nested = batch.field_at(["requests", "0", "model"])
    assert nested is not None and nested.required
    assert "model" in batch.message_at(["requests", "0"]).required
    count = gemini("countTokens")
    assert count.field_at(["generateContentRequest", "model"]).required
    assert "model" in gemini("cachedContents").root.required
    assert "contents" in gemini().root.required


def test_field_at_walks_lists_maps_and_both_spellings() -> None:
    schema = gemini()
    data = schema.field_at(["contents", "0", "parts", "0", "inline_data", "data"])
    assert data is not None and data.kind == "bytes" and data.json_name == "data"
    # A single object where a list is expected needs no index.
    assert schema.field_at(["contents", "parts", "text"]).kind == "string"
    assert schema.field_at(["contents", "0"]) is schema.root.field("contents")
    assert schema.message_at([]) is schema.root
    assert schema.message_at(["contents", "0"]).name == "Content"
    assert schema.message_at(["contents"]).name == "Content"
    prop = schema.field_at(["tools", "0", "functionDeclarations", "0", "parameters", "properties", "x", "type"])
    assert prop is not None and prop.kind == "enum" and prop.type_name == "Type"
    assert schema.field_at(["contents", "0", "parts", "0", "functionCall", "args", "x"]) is None  # Struct
    assert schema.field_at(["nope"]) is None and schema.field_at([]) is None


def test_response_json_schema_quirk_two_fields_four_keys() -> None:
    config = gemini().message("GenerationConfig")
    f24 = config.field("_responseJsonSchema")
    f28 = config.field("responseJsonSchema")
    assert f24 is not None and f28 is not None and f24 is not f28
    assert config.field("response_json_schema") is f24
    assert config.field("response_json_schema_ordered") is f28
    assert (f24.json_name, f24.proto_name) == ("_responseJsonSchema", "response_json_schema")
    assert (f28.json_name, f28.proto_name) == ("responseJsonSchema", "response_json_schema_ordered")
    assert f24.kind == f28.kind == "value"


def test_single_word_fields_have_one_key() -> None:
    content = gemini().message("Content")
    assert content.field("role").names == ("role",)
    assert gemini().root.field("contents").names == ("contents",)


def test_enums_carry_descriptions_numbers_and_deprecation() -> None:
    harm = gemini().enum("HarmCategory")
    civic = harm.value("HARM_CATEGORY_CIVIC_INTEGRITY")
    assert civic is not None and civic.deprecated and civic.description
    assert harm.value(civic.number) is civic
    assert harm.value(True) is None
    vertex = load_request_schema("vertex", "v1", "generateContent")
    level = vertex.enum(vertex.field_at(["generationConfig", "thinkingConfig", "thinkingLevel"]).type_name)
    assert "MINIMAL" in level.names and level.value("MINIMAL").number is None  # Discovery has no numbers


def test_overlay_ranges_and_defaults() -> None:
    config = gemini().message("GenerationConfig")
    temperature = config.field("temperature")
    assert (temperature.minimum, temperature.maximum) == (0, 2) and temperature.source
    assert config.field("topP").minimum is None and config.field("topP").maximum is None  # only a convention
    assert (config.field("logprobs").minimum, config.field("logprobs").maximum) == (0, 20)
    assert config.field("stop_sequences").max_items == 5
    assert config.field("candidateCount").minimum == 1 and config.field("candidateCount").default == 1
    assert config.field("maxOutputTokens").minimum == 1
    fps = gemini().message("VideoMetadata").field("fps")
    assert (fps.exclusive_minimum, fps.maximum, fps.default) == (0, 24, 1.0)
    name = gemini().message("FunctionDeclaration").field("name")
    assert name.max_length == 64 and name.pattern and name.required
    vertex = load_request_schema("vertex", "v1", "generateContent")
    assert vertex.message("FunctionDeclaration").field("name").max_length == 128
    assert gemini("cachedContents").root.field("displayName").max_length == 128


def test_output_only_input_only_and_immutable_flags() -> None:
    cached = gemini("cachedContents").root
    assert cached.field("name").output_only and cached.field("createTime").output_only
    assert cached.field("ttl").input_only
    assert cached.field("model").immutable and cached.field("display_name").immutable
    vertex = load_request_schema("vertex", "v1", "cachedContents").root
    assert vertex.field("createTime").output_only and vertex.field("ttl").input_only


def test_every_overlay_entry_names_a_source() -> None:
    overlay = json.loads(OVERLAY.read_text(encoding="utf-8"))
    assert overlay["entries"]
    for entry in overlay["entries"]:
        assert isinstance(entry.get("source"), str) and len(entry["source"]) > 20, entry
        assert entry["surfaces"] and set(entry["surfaces"]) <= {"gemini-v1beta", "gemini-v1", "vertex-v1"}


def test_overlay_fields_of_facts_2_2_to_2_6_are_present_in_v1beta() -> None:
    s = gemini()
    for path in (["serviceTier"], ["store"], ["labels"], ["continuationToken"],
                 ["contents", "0", "parts", "0", "toolCall"], ["contents", "0", "parts", "0", "tool_response"],
                 ["contents", "0", "parts", "0", "mediaResolution", "level"],
                 ["toolConfig", "includeServerSideToolInvocations"],
                 ["generationConfig", "audioTranscriptionConfig"], ["generationConfig", "imageConfig", "imageSize"],
                 ["tools", "0", "googleSearch", "searchTypes"], ["tools", "0", "mcpServers"],
                 ["tools", "0", "googleMaps", "authConfig"]):
        f = s.field_at(path)
        assert f is not None and f.source, path
    v1 = load_request_schema("gemini", "v1", "generateContent")
    assert v1.root.field("serviceTier") is None


def test_messages_and_fields_are_documented() -> None:
    s = gemini()
    assert s.root.field("contents").description.startswith("Required. The content of the current conversation")
    logprobs = s.message("GenerationConfig").field("logprobs").description
    assert "Only valid if\nresponse_logprobs=True." in logprobs  # proto cross-reference markup removed
    assert "][" not in json.dumps([f.description for m in s.messages.values() for f in m.fields])
    assert s.message("GenerationConfig").description


@pytest.mark.skipif(not os.environ.get("GEMINI_LSP_TEST_INSTALL"),
                    reason="set GEMINI_LSP_TEST_INSTALL=1 to pip-install the package into a throwaway venv (slow)")
def test_installed_package_loads_its_schemas(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(REPO)], check=True)
    code = ("from gemini_lsp.schema import load_request_schema as l; s = l('gemini', 'v1beta', 'generateContent');"
            "print(s.root.name, s.field_at(['contents', '0', 'parts', '0', 'inline_data', 'data']).kind)")
    out = subprocess.run([str(python), "-c", code], cwd=tmp_path, check=True, capture_output=True, text=True)
    assert out.stdout.split() == ["GenerateContentRequest", "bytes"]
    # every rule module loads, and the rule documentation diagnostics link to is rendered into the cache
    code = ("from gemini_lsp import rules; from gemini_lsp.features.diagnostics import rules_doc_uri;"
            "print(len(rules.RULES), len(rules.LOAD_FAILURES), rules_doc_uri())")
    # the throwaway venv has no lsprotocol (--no-deps): borrow this environment's, never its gemini_lsp
    site = next(p for p in sys.path if p.endswith("site-packages") and (Path(p) / "lsprotocol").is_dir())
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": site}
    out = subprocess.run([str(python), "-c", code], cwd=tmp_path, check=True, capture_output=True, text=True, env=env)
    count, failures, uri = out.stdout.split()
    assert "site-packages/gemini_lsp" in subprocess.run(
        [str(python), "-c", "import gemini_lsp; print(gemini_lsp.__file__)"], cwd=tmp_path, check=True,
        capture_output=True, text=True, env=env).stdout
    assert int(count) >= 80 and failures == "0"
    assert uri.startswith((tmp_path / "cache").as_uri()) and uri.endswith(".md")
