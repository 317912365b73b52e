"""GL3xx: model and cross-field rules. Each rule has a request that triggers it and the nearest valid request that
does not. Rules whose facts are null in the shipped catalogue use a test-only catalogue (Catalog.from_data)."""

from __future__ import annotations

import json

import pytest

from conftest import FIXED_TODAY
from gemini_lsp.analysis import analyze
from gemini_lsp.catalog import Catalog
from gemini_lsp.findings import Edit
from gemini_lsp.settings import Settings

USER = {"role": "user", "parts": [{"text": "Hello"}]}

TEST_CATALOG = Catalog.from_data(
    {
        "sources": {"test:official": {"tier": "official"}, "test:3p": {"tier": "3p"}},
        "models": [
            {
                "id": "plain-model",
                "status": "current",
                "thinking": {"supported": False},
                "methods": ["generateContent", "countTokens"],
                "top_k": {"min": 1, "max": 40},
                "candidate_count_max": 1,
                "features": {"google_search_retrieval": False},
                "sources": {
                    "status": ["test:official"],
                    "thinking.supported": ["test:official"],
                    "methods": ["test:official"],
                    "top_k": ["test:official"],
                    "candidate_count_max": ["test:official"],
                    "features.google_search_retrieval": ["test:official"],
                },
            },
            {
                "id": "vague-model",
                "status": "current",
                "thinking": {"supported": False},
                "sources": {"status": ["test:3p"], "thinking.supported": ["test:3p"]},
            },
        ],
    }
)


def run(body, *, model=None, api="gemini", method=None, catalog=None, path="request.gemini.json"):
    text = body if isinstance(body, str) else json.dumps(body, indent=2)
    return analyze(
        text,
        path,
        Settings(api=api, api_version="v1" if api == "vertex" else "v1beta", model=model),
        method=method,
        catalog=catalog,
        today=FIXED_TODAY,
    )


def found(analysis, code):
    return [(f.pointer, f.severity) for f in analysis.findings if f.code == code]


def apply(text, edits):
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        assert isinstance(edit, Edit)
        text = text[: edit.start] + edit.new_text + text[edit.end :]
    return text


def gen(config=None, **extra):
    body = {"contents": [USER]}
    if config is not None:
        body["generationConfig"] = config
    body.update(extra)
    return body


# ---------------------------------------------------------------------------------------------- the "done when" four


def test_thinking_budget_zero_on_2_5_pro_is_an_error():
    a = run(gen({"thinkingConfig": {"thinkingBudget": 0}}, model="models/gemini-2.5-pro"))
    assert ("/generationConfig/thinkingConfig/thinkingBudget", "error") in found(a, "GL311")
    message = next(f.message for f in a.findings if f.code == "GL311")
    assert "Budget 0 is invalid. This model only works in thinking mode." in message
    ok = run(gen({"thinkingConfig": {"thinkingBudget": 128}}, model="models/gemini-2.5-pro"))
    assert found(ok, "GL311") == []


def test_retired_model_is_an_error_with_the_current_replacement():
    text = json.dumps(gen(model="models/gemini-pro-vision"), indent=2)
    a = run(text)
    finding = next(f for f in a.findings if f.code == "GL302")
    assert (finding.pointer, finding.severity) == ("/model", "error")
    fixed = apply(text, finding.fixes[0].edits)
    assert '"model": "models/gemini-3.8-flash"' in fixed  # 1.5-flash and 2.0-flash on the way are retired too
    bare = run(json.dumps(gen(model="gemini-pro-vision")))
    assert '"model": "gemini-3.8-flash"' in apply(json.dumps(gen(model="gemini-pro-vision")),
                                                  next(f for f in bare.findings if f.code == "GL302").fixes[0].edits)
    assert found(run(gen(model="models/gemini-3.8-flash")), "GL302") == []


def test_response_schema_without_mime_type_is_an_error_with_a_fix():
    text = (
        '{\n  "contents": [{"role": "user", "parts": [{"text": "List colours"}]}],\n'
        '  "generationConfig": {\n    "responseSchema": {"type": "ARRAY", "items": {"type": "STRING"}}\n  }\n}'
    )
    a = run(text)
    finding = next(f for f in a.findings if f.code == "GL330")
    assert (finding.pointer, finding.severity) == ("/generationConfig", "error")
    fixed = apply(text, finding.fixes[0].edits)
    assert '    "responseMimeType": "application/json",\n    "responseSchema"' in fixed
    assert found(run(fixed), "GL330") == []


def test_cached_content_with_system_instruction_is_an_error():
    body = gen(cachedContent="cachedContents/abc", systemInstruction={"parts": [{"text": "Be brief"}]})
    assert ("/systemInstruction", "error") in found(run(body), "GL360")
    assert found(run(gen(cachedContent="cachedContents/abc")), "GL360") == []


# ---------------------------------------------------------------------------------------------- models


def test_unknown_model_is_a_warning_with_suggestions():
    a = run(gen(model="models/gemini-3.8-flsh"))
    finding = next(f for f in a.findings if f.code == "GL301")
    assert finding.severity == "warning" and "gemini-3.8-flash" in finding.data["suggestions"]
    assert found(run(gen(model="models/gemini-3.8-flash")), "GL301") == []


def test_future_generation_and_tuned_models_are_never_errors():
    future = run(gen(model="models/gemini-5-flash"))
    assert found(future, "GL301") == [("/model", "warning")]
    assert "newer than the model catalogue" in next(f.message for f in future.findings if f.code == "GL301")
    tuned = run(gen(model="tunedModels/my-model-42"))
    assert [f for f in tuned.findings if f.code.startswith("GL3")] == []
    assert found(run(gen(model="models/gemini-flash-latest")), "GL301") == []


def test_deprecated_model_warns_with_the_shutdown_date():
    a = run(gen(model="models/gemini-2.5-pro"))
    finding = next(f for f in a.findings if f.code == "GL303")
    assert finding.severity == "warning" and "2026-12-01" in finding.message
    assert found(run(gen(model="models/gemini-3.8-flash")), "GL303") == []


def test_setting_model_is_reported_at_the_top_as_a_warning():
    a = run(gen(), model="gemini-pro-vision")
    assert found(a, "GL302") == [("", "warning")]


def test_model_method_mismatch():
    embed_in_generate = run(gen(model="models/gemini-embedding-001"))
    assert found(embed_in_generate, "GL304") == [("/model", "error")]
    embed_ok = run({"model": "models/gemini-embedding-001", "content": {"parts": [{"text": "hi"}]}},
                   path="e.embedContent.gemini.json")
    assert found(embed_ok, "GL304") == []
    generation_in_embed = run({"content": {"parts": [{"text": "hi"}]}}, model="plain-model",
                              path="e.embedContent.gemini.json", catalog=TEST_CATALOG)
    assert found(generation_in_embed, "GL304") == [("", "warning")]  # from the setting: at most a warning
    live = run(gen(model="models/gemini-3.8-live"))
    assert found(live, "GL304") == [("/model", "error")]


def test_model_in_a_vertex_body_is_a_warning_and_still_read():
    body = gen({"thinkingConfig": {"thinkingBudget": 0}}, model="publishers/google/models/gemini-2.5-pro")
    a = run(body, api="vertex")
    assert found(a, "GL305") == [("/model", "warning")]
    assert a.context.model == "gemini-2.5-pro"
    assert ("/generationConfig/thinkingConfig/thinkingBudget", "error") in found(a, "GL311")
    assert found(run(gen(), api="vertex", model="gemini-2.5-pro"), "GL305") == []


# ---------------------------------------------------------------------------------------------- thinking


def test_thinking_config_on_a_model_without_thinking():
    a = run(gen({"thinkingConfig": {"includeThoughts": False}}), model="plain-model", catalog=TEST_CATALOG)
    assert found(a, "GL310") == [("/generationConfig/thinkingConfig", "error")]
    vague = run(gen({"thinkingConfig": {"includeThoughts": False}}), model="vague-model", catalog=TEST_CATALOG)
    assert found(vague, "GL310") == [("/generationConfig/thinkingConfig", "warning")]  # 3p evidence only
    assert found(run(gen({"temperature": 0.5}), model="plain-model", catalog=TEST_CATALOG), "GL310") == []


@pytest.mark.parametrize(
    ("model", "budget", "expected"),
    [
        ("gemini-2.5-flash", 30000, "warning"),  # range from a third-party copy of the Vertex table
        ("gemini-2.5-flash", 24576, None),
        ("gemini-2.5-flash", 0, None),
        ("gemini-2.5-pro", -1, None),
        ("gemini-3.1-pro-preview", 0, "error"),
    ],
)
def test_thinking_budget_range(model, budget, expected):
    a = run(gen({"thinkingConfig": {"thinkingBudget": budget}}, model=f"models/{model}"))
    assert found(a, "GL311") == ([] if expected is None else [("/generationConfig/thinkingConfig/thinkingBudget", expected)])


def test_thinking_level_before_gemini_3():
    a = run(gen({"thinkingConfig": {"thinkingLevel": "LOW"}}, model="models/gemini-2.5-flash"))
    assert found(a, "GL312") == [("/generationConfig/thinkingConfig/thinkingLevel", "error")]
    assert found(run(gen({"thinkingConfig": {"thinkingLevel": "LOW"}}, model="models/gemini-3.8-flash")), "GL312") == []


def test_thinking_level_the_model_rejects():
    a = run(gen({"thinkingConfig": {"thinkingLevel": "MINIMAL"}}, model="models/gemini-3.8-flash"))
    assert found(a, "GL313") == [("/generationConfig/thinkingConfig/thinkingLevel", "error")]
    ok = run(gen({"thinkingConfig": {"thinkingLevel": "MINIMAL"}}, model="models/gemini-3-flash-preview"))
    assert found(ok, "GL313") == []


def test_budget_and_level_together_is_model_independent():
    body = gen({"thinkingConfig": {"thinkingBudget": 1024, "thinkingLevel": "HIGH"}})
    assert found(run(body), "GL314") == [("/generationConfig/thinkingConfig", "error")]
    assert found(run(gen({"thinkingConfig": {"thinkingLevel": "HIGH"}})), "GL314") == []


def test_include_thoughts_with_budget_zero():
    a = run(gen({"thinkingConfig": {"thinkingBudget": 0, "includeThoughts": True}}))
    assert found(a, "GL315") == [("/generationConfig/thinkingConfig/includeThoughts", "warning")]
    assert found(run(gen({"thinkingConfig": {"thinkingBudget": 512, "includeThoughts": True}})), "GL315") == []
    # Vertex AI's verbatim answer: an error there
    vertex = run(gen({"thinkingConfig": {"thinkingBudget": 0, "includeThoughts": True}}), api="vertex")
    assert found(vertex, "GL315") == [("/generationConfig/thinkingConfig/includeThoughts", "error")]


# ---------------------------------------------------------------------------------------------- generation


def test_tts_model_without_audio():
    missing = run(gen({"temperature": 1}, model="models/gemini-3.8-flash-tts"))
    assert found(missing, "GL320") == [("/generationConfig", "error")]
    wrong = run(gen({"responseModalities": ["TEXT"]}, model="models/gemini-3.8-flash-tts"))
    assert found(wrong, "GL320") == [("/generationConfig/responseModalities", "error")]
    assert "accepts the following combination of response modalities:\n* AUDIO" in next(
        f.message for f in wrong.findings if f.code == "GL320")
    ok = run(gen({"responseModalities": ["AUDIO"]}, model="models/gemini-3.8-flash-tts"))
    assert found(ok, "GL320") == []


def test_text_model_asked_for_images():
    a = run(gen({"responseModalities": ["TEXT", "IMAGE"]}, model="models/gemini-3.8-flash"))
    assert found(a, "GL320") == [("/generationConfig/responseModalities", "error")]
    assert found(run(gen({"responseModalities": ["TEXT"]}, model="models/gemini-3.8-flash")), "GL320") == []
    image = run(gen({"responseModalities": ["TEXT"]}, model="models/gemini-3.1-flash-image"))
    assert found(image, "GL320") == [("/generationConfig/responseModalities", "error")]
    assert found(run(gen({"responseModalities": ["TEXT", "IMAGE"]}, model="models/gemini-3.1-flash-image")), "GL320") == []


def test_penalties_on_models_without_them():
    a = run(gen({"presencePenalty": 0.5}, model="models/gemini-2.5-flash"))
    assert found(a, "GL321") == [("/generationConfig/presencePenalty", "error")]
    assert "Penalty is not enabled for models/gemini-2.5-flash" in next(f.message for f in a.findings if f.code == "GL321")
    assert found(run(gen({"presencePenalty": 0}, model="models/gemini-2.5-flash")), "GL321") == []
    assert found(run(gen({"presencePenalty": 0.5}, model="models/gemini-2.5-pro")), "GL321") == []


def test_top_k_and_candidate_count_ranges():
    a = run(gen({"topK": 50, "candidateCount": 3}), model="plain-model", catalog=TEST_CATALOG)
    assert found(a, "GL322") == [("/generationConfig/topK", "error")]
    assert "from 1 (inclusive) to 41 (exclusive)" in next(f.message for f in a.findings if f.code == "GL322")
    assert found(a, "GL323") == [("/generationConfig/candidateCount", "error")]
    ok = run(gen({"topK": 40, "candidateCount": 1}), model="plain-model", catalog=TEST_CATALOG)
    assert found(ok, "GL322") == found(ok, "GL323") == []


def test_max_output_tokens_above_the_limit():
    a = run(gen({"maxOutputTokens": 65536}, model="models/gemini-2.5-pro"))
    assert found(a, "GL324") == [("/generationConfig/maxOutputTokens", "error")]
    assert found(run(gen({"maxOutputTokens": 65535}, model="models/gemini-2.5-pro")), "GL324") == []


def test_logprobs_without_response_logprobs():
    assert found(run(gen({"logprobs": 3})), "GL325") == [("/generationConfig/logprobs", "warning")]
    assert found(run(gen({"logprobs": 3, "responseLogprobs": True})), "GL325") == []


def test_gemini_3_temperature_is_a_hint():
    assert found(run(gen({"temperature": 0.2}, model="models/gemini-3.8-flash")), "GL326") == [
        ("/generationConfig/temperature", "hint")]
    assert found(run(gen({"temperature": 1.0}, model="models/gemini-3.8-flash")), "GL326") == []
    assert found(run(gen({"temperature": 0.2}, model="models/gemini-2.5-flash")), "GL326") == []


# ---------------------------------------------------------------------------------------------- structured output


@pytest.mark.parametrize("key", ["responseJsonSchema", "_responseJsonSchema", "response_json_schema",
                                 "response_json_schema_ordered"])
def test_json_schema_in_every_spelling_needs_the_mime_type(key):
    a = run(gen({key: {"type": "object"}}))
    assert found(a, "GL330") == [("/generationConfig", "error")]
    assert found(run(gen({key: {"type": "object"}, "responseMimeType": "application/json"})), "GL330") == []


def test_incompatible_mime_type_and_enum_schemas():
    wrong = run(gen({"responseSchema": {"type": "STRING"}, "responseMimeType": "text/plain"}))
    assert found(wrong, "GL330") == [("/generationConfig/responseMimeType", "error")]
    enum = run(gen({"responseSchema": {"type": "STRING", "enum": ["a", "b"]}, "responseMimeType": "text/x.enum"}))
    assert found(enum, "GL330") == []


def test_snake_case_fix_keeps_the_style():
    text = '{"contents": [{"parts": [{"text": "x"}]}], "generation_config": {"response_schema": {"type": "STRING"}}}'
    a = run(text)
    fixed = apply(text, next(f for f in a.findings if f.code == "GL330").fixes[0].edits)
    assert '{"response_mime_type": "application/json", "response_schema"' in fixed


def test_both_schemas_at_once():
    a = run(gen({"responseMimeType": "application/json", "responseSchema": {"type": "STRING"},
                 "responseJsonSchema": {"type": "string"}}))
    assert found(a, "GL331") == [("/generationConfig", "error")]
    assert found(run(gen({"responseMimeType": "application/json", "responseJsonSchema": {"type": "string"}})), "GL331") == []


def test_response_mime_type_outside_the_list():
    a = run(gen({"responseMimeType": "application/jsonl"}))
    finding = next(f for f in a.findings if f.code == "GL332")
    assert (finding.pointer, finding.severity) == ("/generationConfig/responseMimeType", "error")
    assert "allowed mimetypes are `text/plain`" in finding.message
    assert found(run(gen({"responseMimeType": "application/yaml"})), "GL332") == []


FUNCTIONS = [{"functionDeclarations": [{"name": "get_weather", "description": "Weather",
                                        "parameters": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}}}]}]


def test_json_output_with_function_calling_only_before_gemini_3():
    body = gen({"responseMimeType": "application/json"}, tools=FUNCTIONS, model="models/gemini-2.5-flash")
    assert found(run(body), "GL333") == [("/generationConfig/responseMimeType", "error")]
    body["model"] = "models/gemini-3.8-flash"  # accepted on Gemini 3 (tests/corpus/README.md, lenient forms)
    assert found(run(body), "GL333") == []


def test_required_property_not_defined_and_array_without_items():
    tools = [{"functionDeclarations": [{"name": "f", "description": "d", "parameters": {
        "type": "OBJECT", "properties": {"tags": {"type": "ARRAY"}}, "required": ["tags", "city"]}}]}]
    a = run(gen(tools=tools))
    assert found(a, "GL334") == [("/tools/0/functionDeclarations/0/parameters/required/1", "error")]
    assert "parameters.required[1]: property is not defined" in next(f.message for f in a.findings if f.code == "GL334")
    assert found(a, "GL335") == [("/tools/0/functionDeclarations/0/parameters/properties/tags", "error")]
    assert "parameters.properties[tags].items: missing field." in next(f.message for f in a.findings if f.code == "GL335")
    tools[0]["functionDeclarations"][0]["parameters"] = {
        "type": "OBJECT", "properties": {"tags": {"type": "ARRAY", "items": {"type": "STRING"}}}, "required": ["tags"]}
    ok = run(gen(tools=tools))
    assert found(ok, "GL334") == found(ok, "GL335") == []


def test_ref_with_siblings():
    schema = {"$defs": {"A": {"type": "string"}}, "type": "object",
              "properties": {"draft": {"$ref": "#/$defs/A", "type": "string"}}}
    a = run(gen({"responseMimeType": "application/json", "responseJsonSchema": schema}))
    assert found(a, "GL336") == [("/generationConfig/responseJsonSchema/properties/draft/type", "error")]
    assert "schema at properties.draft can only contain" in next(f.message for f in a.findings if f.code == "GL336")
    # the API's own text: "only description and default can be set alongside it"
    schema["properties"]["draft"] = {"$ref": "#/$defs/A", "description": "a draft", "default": "x"}
    assert found(run(gen({"responseMimeType": "application/json", "responseJsonSchema": schema})), "GL336") == []
    schema["properties"]["draft"] = {"$ref": "#/$defs/A", "title": "Draft"}
    assert found(run(gen({"responseMimeType": "application/json", "responseJsonSchema": schema})), "GL336") == [
        ("/generationConfig/responseJsonSchema/properties/draft/title", "error")]
    schema["properties"]["draft"] = {"$ref": "#/$defs/A"}
    assert found(run(gen({"responseMimeType": "application/json", "responseJsonSchema": schema})), "GL336") == []


def test_ref_at_the_root_with_annotations_is_accepted():
    # a root `$ref` with `title` beside it was answered 200 (tests/accepted/ref-root-with-title.gemini.json)
    root = {"$defs": {"A": {"type": "object", "properties": {"x": {"type": "string"}}}}, "$ref": "#/$defs/A",
            "title": "A", "description": "an A"}
    assert found(run(gen({"responseMimeType": "application/json", "responseJsonSchema": root})), "GL336") == []
    root["type"] = "object"  # a constraint beside the root $ref: no report either way, so only a warning
    assert found(run(gen({"responseMimeType": "application/json", "responseJsonSchema": root})), "GL336") == [
        ("/generationConfig/responseJsonSchema/type", "warning")]


def test_object_with_empty_properties():
    tools = [{"functionDeclarations": [{"name": "next", "description": "d",
                                        "parameters": {"type": "object", "properties": {}}}]}]
    assert found(run(gen(tools=tools)), "GL337") == [("/tools/0/functionDeclarations/0/parameters/properties", "warning")]
    del tools[0]["functionDeclarations"][0]["parameters"]["properties"]
    assert found(run(gen(tools=tools)), "GL337") == []


# ---------------------------------------------------------------------------------------------- tools


def test_builtin_tools_with_functions():
    tools = [{"googleSearch": {}}, *FUNCTIONS]
    old = run(gen(tools=tools, model="models/gemini-2.5-flash"))
    assert found(old, "GL340") == [("/tools", "error")]
    new = run(gen(tools=tools, model="models/gemini-3.8-flash"))
    assert found(new, "GL340") == [("/tools", "warning")]
    flagged = run(gen(tools=tools, model="models/gemini-3.8-flash",
                      toolConfig={"includeServerSideToolInvocations": True}))
    assert found(flagged, "GL340") == []
    assert found(run(gen(tools=[{"googleSearch": {}}], model="models/gemini-2.5-flash")), "GL340") == []


def test_google_search_retrieval_where_the_model_needs_google_search():
    a = run(gen(tools=[{"googleSearchRetrieval": {}}]), model="plain-model", catalog=TEST_CATALOG)
    assert found(a, "GL341") == [("/tools/0/googleSearchRetrieval", "error")]
    assert found(run(gen(tools=[{"googleSearch": {}}]), model="plain-model", catalog=TEST_CATALOG), "GL341") == []


def test_allowed_function_names_needs_mode_any():
    config = {"functionCallingConfig": {"mode": "AUTO", "allowedFunctionNames": ["get_weather"]}}
    a = run(gen(tools=FUNCTIONS, toolConfig=config))
    assert found(a, "GL342") == [("/toolConfig/functionCallingConfig/allowedFunctionNames", "warning")]
    config["functionCallingConfig"]["mode"] = "ANY"
    assert found(run(gen(tools=FUNCTIONS, toolConfig=config)), "GL342") == []


def history(call_name="get_weather", *, signature=False, response=True):
    call = {"functionCall": {"name": call_name, "args": {"city": "Paris"}}}
    if signature:
        call["thoughtSignature"] = "c2lnbmF0dXJl"
    turns = [USER, {"role": "model", "parts": [call]}]
    if response:
        turns.append({"role": "user", "parts": [{"functionResponse": {"name": call_name, "response": {"t": 20}}}]})
    return turns


def test_function_call_to_an_undeclared_function():
    a = run({"contents": history("get_time"), "tools": FUNCTIONS})
    assert found(a, "GL343") == [("/contents/1/parts/0/functionCall/name", "warning")]
    assert found(run({"contents": history(), "tools": FUNCTIONS}), "GL343") == []


# ---------------------------------------------------------------------------------------------- conversation


def test_function_call_turn_order():
    turns = history()
    turns.insert(1, {"role": "model", "parts": [{"text": "Let me check."}]})
    a = run({"contents": turns, "tools": FUNCTIONS})
    assert found(a, "GL350") == [("/contents/2", "error")]
    assert found(run({"contents": history(), "tools": FUNCTIONS}), "GL350") == []
    starts_with_call = run({"contents": history()[1:], "tools": FUNCTIONS})
    assert found(starts_with_call, "GL350") == [("/contents/0", "error")]


def test_function_response_turn_order_and_count():
    turns = history()
    del turns[1]
    a = run({"contents": turns, "tools": FUNCTIONS})
    assert found(a, "GL351") == [("/contents/1", "error")]
    turns = history()
    turns[2]["parts"].append({"functionResponse": {"name": "get_weather", "response": {"t": 21}}})
    b = run({"contents": turns, "tools": FUNCTIONS})
    assert found(b, "GL353") == [("/contents/2/parts", "error")]
    function_role = history()
    function_role[2]["role"] = "function"  # accepted role for the response turn (tests/corpus/README.md, lenient forms)
    ok = run({"contents": function_role, "tools": FUNCTIONS})
    assert found(ok, "GL351") == found(ok, "GL353") == found(ok, "GL350") == []


def test_gemini_3_function_call_without_thought_signature():
    body = {"model": "models/gemini-3.8-flash", "contents": history(), "tools": FUNCTIONS}
    assert found(run(body), "GL352") == [("/contents/1/parts/0", "warning")]
    body["contents"] = history(signature=True)
    assert found(run(body), "GL352") == []
    old = {"model": "models/gemini-2.5-flash", "contents": history(), "tools": FUNCTIONS}
    assert found(run(old), "GL352") == []
    earlier_turn = history() + [{"role": "model", "parts": [{"text": "20 degrees"}]}, USER]
    assert found(run({"model": "models/gemini-3.8-flash", "contents": earlier_turn, "tools": FUNCTIONS}), "GL352") == []


# ---------------------------------------------------------------------------------------------- caching, embeddings, safety


def test_cached_content_with_tools_and_tool_config():
    a = run(gen(cachedContent="cachedContents/x", tools=FUNCTIONS, toolConfig={"functionCallingConfig": {"mode": "ANY"}}))
    assert found(a, "GL360") == [("/tools", "error"), ("/toolConfig", "error")]


def test_count_tokens_conflict_is_the_schema_oneof():
    body = {"contents": [USER], "generateContentRequest": {"model": "models/gemini-3.8-flash", "contents": [USER]}}
    a = run(body, path="c.countTokens.gemini.json")
    assert ("GL106", "") in [(f.code, f.pointer) for f in a.findings]


def _batch(n, model="models/gemini-embedding-001"):
    return {"requests": [{"model": model, "content": {"parts": [{"text": str(i)}]}} for i in range(n)]}


def test_batch_embed_limits_and_models():
    path = "b.batchEmbedContents.gemini.json"
    assert found(run(_batch(101), model="gemini-embedding-001", path=path), "GL371") == [("/requests", "error")]
    assert found(run(_batch(100), model="gemini-embedding-001", path=path), "GL371") == []
    mixed = _batch(2)
    mixed["requests"][1]["model"] = "models/text-embedding-004"
    a = run(mixed, model="gemini-embedding-001", path=path)
    assert found(a, "GL372") == [("/requests/1/model", "error")]
    assert found(run(_batch(2), model="gemini-embedding-001", path=path), "GL372") == []


def test_embedding_title_without_retrieval_document():
    path = "e.embedContent.gemini.json"
    body = {"content": {"parts": [{"text": "x"}]}, "title": "Doc", "taskType": "RETRIEVAL_QUERY"}
    assert found(run(body, path=path), "GL373") == [("/title", "warning")]
    body["taskType"] = "RETRIEVAL_DOCUMENT"
    assert found(run(body, path=path), "GL373") == []


def test_one_safety_setting_per_category():
    settings = [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"},
                {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"}]
    assert found(run(gen(safetySettings=settings)), "GL380") == [("/safetySettings/1", "warning")]
    settings[1]["category"] = "HARM_CATEGORY_HATE_SPEECH"
    assert found(run(gen(safetySettings=settings)), "GL380") == []


def test_every_gl3_rule_names_its_source():
    from gemini_lsp.rules import RULES

    for code, rule in RULES.items():
        if code.startswith("GL3"):
            assert rule.evidence, f"{code} {rule.name} declares no evidence"
