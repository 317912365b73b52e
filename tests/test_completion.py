"""Completion in the style of vscode-json-languageservice's tests: `|` marks the cursor; the chosen item's text edit
(and its additional edits) are applied and the whole resulting text is compared."""

from __future__ import annotations

from lsprotocol import types

from conftest import FIXED_TODAY  # type: ignore[import-not-found]
from gemini_lsp.catalog import load_catalog
from gemini_lsp.document import parse
from gemini_lsp.features.completion import CompletionSupport, complete
from gemini_lsp.positions import LineIndex
from gemini_lsp.schema import load_request_schema

SNIPPETS = CompletionSupport(snippets=True, markdown=True)
PLAIN = CompletionSupport(snippets=False, markdown=False, deprecated_tag=False)


def completions(
    text_with_cursor: str,
    *,
    support: CompletionSupport = SNIPPETS,
    method: str = "generateContent",
    api: str = "gemini",
    api_version: str = "v1beta",
) -> tuple[str, list[types.CompletionItem]]:
    offset = text_with_cursor.index("|")
    text = text_with_cursor[:offset] + text_with_cursor[offset + 1 :]
    schema = load_request_schema(api, api_version, method)
    result = complete(parse(text), offset, schema=schema, catalog=load_catalog(), index=LineIndex(text),
                      method=method, support=support, today=FIXED_TODAY)
    return text, result.items


def labels(text_with_cursor: str, **kw) -> list[str]:
    return [item.label for item in completions(text_with_cursor, **kw)[1]]


def apply(text: str, item: types.CompletionItem) -> str:
    index = LineIndex(text)
    edits = [item.text_edit] + list(item.additional_text_edits or [])
    spans = []
    for e in edits:
        assert isinstance(e, types.TextEdit)
        start = index.offset(e.range.start.line, e.range.start.character)
        end = index.offset(e.range.end.line, e.range.end.character)
        spans.append((start, end, e.new_text))
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def complete_with(text_with_cursor: str, label: str, **kw) -> str:
    text, items = completions(text_with_cursor, **kw)
    chosen = [i for i in items if i.label == label]
    assert chosen, f"{label!r} not proposed; got {[i.label for i in items]}"
    return apply(text, chosen[0])


def item(text_with_cursor: str, label: str, **kw) -> types.CompletionItem:
    return next(i for i in completions(text_with_cursor, **kw)[1] if i.label == label)


# --- keys at each level ------------------------------------------------------------------------------------------


def test_top_level_keys_in_empty_object_required_first():
    _, items = completions("{|}")
    names = [i.label for i in items]
    assert {"contents", "generationConfig", "safetySettings", "tools", "systemInstruction", "model"} <= set(names)
    first = min(items, key=lambda i: i.sort_text or "")
    assert first.label == "contents"
    assert "required" in (first.detail or "")


def test_top_level_key_inserts_contents_snippet():
    assert complete_with("{|}", "contents") == (
        '{"contents": [{"role": "${1|user,model|}", "parts": [{"text": "$2"}]}]}'
    )


def test_key_on_opening_quote_replaces_the_whole_token():
    assert complete_with('{"|"}', "generationConfig") == '{"generationConfig": {$1}}'


def test_key_while_typing_unterminated():
    assert complete_with('{"gen|', "generationConfig") == '{"generationConfig": {$1}'


def test_key_without_any_quote_typed():
    assert complete_with("{\n  |\n}", "generationConfig") == '{\n  "generationConfig": {$1}\n}'


def test_unquoted_key_typed():
    assert complete_with("{ge|}", "generationConfig") == '{"generationConfig": {$1}}'


def test_existing_key_with_colon_only_replaces_the_key():
    assert complete_with('{"gen|": {}}', "generationConfig") == '{"generationConfig": {}}'


def test_keys_never_repeat_present_ones_under_either_spelling():
    names = labels('{"generation_config": {}, "contents": [], |}')
    assert "generationConfig" not in names and "generation_config" not in names and "contents" not in names
    assert "safety_settings" in names  # the file's own convention is snake_case


def test_generation_config_keys_with_documentation_and_type():
    it = item('{"generationConfig": {|}}', "temperature")
    assert it.detail == "number (float)"
    assert isinstance(it.documentation, types.MarkupContent)
    assert "Controls the randomness of the output" in it.documentation.value
    assert complete_with('{"generationConfig": {"|"}}', "temperature") == (
        '{"generationConfig": {"temperature": ${1:0}}}'
    )


def test_thinking_config_keys():
    assert set(labels('{"generationConfig": {"thinkingConfig": {|}}}')) == {
        "includeThoughts", "thinkingBudget", "thinkingLevel",
    }
    assert complete_with('{"generationConfig": {"thinkingConfig": {|}}}', "thinkingLevel") == (
        '{"generationConfig": {"thinkingConfig": {"thinkingLevel": "${1|MINIMAL,LOW,MEDIUM,HIGH,XHIGH|}"}}}'
    )


def test_part_keys_and_oneof_siblings_left_out():
    names = labels('{"contents": [{"parts": [{|}]}]}')
    assert {"text", "inlineData", "fileData", "functionCall"} <= set(names)
    names = labels('{"contents": [{"parts": [{"text": "hi", |}]}]}')
    assert "text" not in names and "inlineData" not in names and "thought" in names


def test_safety_setting_keys_both_required():
    _, items = completions('{"safetySettings": [{|}]}')
    assert [i.label for i in sorted(items, key=lambda i: i.sort_text or "")][:2] == ["category", "threshold"]


def test_comma_added_when_the_next_member_follows():
    assert complete_with('{\n  "|\n  "contents": []\n}', "generationConfig") == (
        '{\n  "generationConfig": {$1},\n  "contents": []\n}'
    )


def test_missing_comma_before_is_added():
    assert complete_with('{"contents": [] |}', "generationConfig") == '{"contents": [], "generationConfig": {$1}}'


def test_after_comma_new_key():
    assert complete_with('{"contents": [], |}', "store") == '{"contents": [], "store": ${1:false}}'


def test_snake_case_file_gets_snake_case_keys_and_skeletons():
    assert complete_with('{"generation_config": {"max_output_tokens": 1, |}}', "top_p") == (
        '{"generation_config": {"max_output_tokens": 1, "top_p": ${1:0}}}'
    )


def test_unknown_object_has_no_key_proposals():
    assert labels('{"foo": {|}}') == []
    assert labels('{"labels": {|}}') == []  # a map: the keys are the user's
    assert labels('{"contents": [{"parts": [{"functionCall": {"name": "f", "args": {|}}}]}]}') == []


# --- values -------------------------------------------------------------------------------------------------------


def test_enum_values_harm_category_with_descriptions():
    text, items = completions('{"safetySettings": [{"category": "|"}]}')
    names = [i.label for i in items]
    assert names[0] == "HARM_CATEGORY_HARASSMENT"
    assert names[-1] == "HARM_CATEGORY_UNSPECIFIED"
    harassment = items[0]
    assert isinstance(harassment.documentation, types.MarkupContent)
    assert "Harassment content" in harassment.documentation.value
    assert apply(text, harassment) == '{"safetySettings": [{"category": "HARM_CATEGORY_HARASSMENT"}]}'


def test_enum_value_after_colon_on_the_next_line_adds_comma():
    assert complete_with('{"safetySettings": [{"category": |\n "threshold": "OFF"}]}', "HARM_CATEGORY_HATE_SPEECH") == (
        '{"safetySettings": [{"category": "HARM_CATEGORY_HATE_SPEECH",\n "threshold": "OFF"}]}'
    )


def test_enum_value_after_colon_adds_space_and_comma():
    assert complete_with('{"safetySettings": [{"category":| "threshold": "OFF"}]}', "HARM_CATEGORY_HATE_SPEECH") == (
        '{"safetySettings": [{"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "OFF"}]}'
    )


def test_thinking_level_values():
    assert complete_with('{"generationConfig": {"thinkingConfig": {"thinkingLevel": "hi|"}}}', "HIGH") == (
        '{"generationConfig": {"thinkingConfig": {"thinkingLevel": "HIGH"}}}'
    )


def test_deprecated_enum_values_are_tagged_and_last_but_one():
    _, items = completions('{"safetySettings": [{"category": "|"}]}')
    civic = next(i for i in items if i.label == "HARM_CATEGORY_CIVIC_INTEGRITY")
    assert civic.tags == [types.CompletionItemTag.Deprecated]
    assert "deprecated" in (civic.detail or "")
    assert [i.label for i in items].index("HARM_CATEGORY_CIVIC_INTEGRITY") == len(items) - 2
    others = [i for i in items if i is not civic]
    assert all(not i.tags for i in others)


def test_deprecated_key_is_tagged_on_vertex():
    it = item('{"generationConfig": {|}}', "responseMimeType", api="vertex", api_version="v1")
    assert it.tags == [types.CompletionItemTag.Deprecated]


def test_booleans():
    assert labels('{"generationConfig": {"thinkingConfig": {"includeThoughts": |}}}') == ["true", "false"]
    assert complete_with('{"generationConfig": {"thinkingConfig": {"includeThoughts": t|}}}', "true") == (
        '{"generationConfig": {"thinkingConfig": {"includeThoughts": true}}}'
    )


def test_numbers_show_range_and_default_in_detail():
    it = item('{"generationConfig": {"candidateCount": |}}', "1")
    assert "default 1" in (it.detail or "") and "≥ 1" in (it.detail or "")
    it = item('{"generationConfig": {"temperature": |}}', "0")
    assert "range [0, 2]" in (it.detail or "")


def test_list_value_snippet_for_repeated_enum():
    assert complete_with('{"generationConfig": {"responseModalities": |}}', "[]") == (
        '{"generationConfig": {"responseModalities": ["${1|TEXT,IMAGE,AUDIO,VIDEO|}"]}}'
    )


def test_role_values():
    assert labels('{"contents": [{"role": "|"}]}') == ["user", "model"]


# --- snippets ------------------------------------------------------------------------------------------------------


def test_contents_entry_snippet():
    assert complete_with('{"contents": [|]}', "{ role, parts }") == (
        '{"contents": [{"role": "${1|user,model|}", "parts": [{"text": "$2"}]}]}'
    )


def test_second_contents_entry_gets_comma_before():
    assert complete_with('{"contents": [{"role": "user", "parts": []} |]}', "{ role, parts }") == (
        '{"contents": [{"role": "user", "parts": []}, {"role": "${1|user,model|}", "parts": [{"text": "$2"}]}]}'
    )


def test_safety_setting_snippet_has_category_and_threshold():
    result = complete_with('{"safetySettings": [|]}', "{ category, threshold }")
    assert result.startswith('{"safetySettings": [{"category": "${1|HARM_CATEGORY_HARASSMENT,')
    assert '"threshold": "${2|BLOCK_LOW_AND_ABOVE,' in result
    assert "UNSPECIFIED" not in result


def test_function_declaration_skeleton():
    assert complete_with('{"tools": [{"functionDeclarations": [|]}]}', "{ name, description, parameters }") == (
        '{"tools": [{"functionDeclarations": [{"name": "$1", "description": "$2", '
        '"parameters": {"type": "${3:OBJECT}", "properties": {$4}}}]}]}'
    )


def test_system_instruction_has_no_role():
    assert complete_with("{|}", "systemInstruction") == '{"systemInstruction": {"parts": [{"text": "$1"}]}}'


def test_part_alternatives():
    assert complete_with('{"contents": [{"parts": [|]}]}', "{ inlineData }") == (
        '{"contents": [{"parts": [{"inlineData": {"mimeType": "$1", "data": "$2"}}]}]}'
    )


def test_plain_text_client_gets_no_snippet_syntax():
    text, items = completions("{|}", support=PLAIN)
    contents = next(i for i in items if i.label == "contents")
    assert contents.insert_text_format == types.InsertTextFormat.PlainText
    assert apply(text, contents) == '{"contents": [{"role": "", "parts": [{"text": ""}]}]}'
    assert isinstance(contents.documentation, str)
    assert complete_with('{"generationConfig": {|}}', "temperature", support=PLAIN) == (
        '{"generationConfig": {"temperature": 0}}'
    )


# --- model names ------------------------------------------------------------------------------------------------------


def test_model_names_current_first_with_models_prefix():
    text, items = completions('{"model": "|"}')
    ids = [i.label for i in items]
    assert "gemini-3.8-flash" in ids
    catalog = load_catalog()
    models = [catalog.lookup(i) for i in ids]
    statuses = [catalog.effective_status(m, FIXED_TODAY) for m in models]
    groups = [catalog.completion_group(m, FIXED_TODAY) for m in models]
    assert groups == sorted(groups)  # documented GA, previews, aliases, deprecated, undocumented
    assert "retired" not in statuses
    for item, model in zip(items, models):
        if not catalog.is_documented(model):
            assert "current" not in (item.detail or "") and "undocumented" in (item.detail or ""), item.label
    flash = next(i for i in items if i.label == "gemini-3.8-flash")
    assert "current" in (flash.detail or "") and "1,048,576" in (flash.detail or "") and "65,536" in flash.detail
    assert apply(text, flash) == '{"model": "models/gemini-3.8-flash"}'


def test_model_names_deprecated_tagged_retired_left_out():
    _, items = completions('{"model": "|"}')
    catalog = load_catalog()
    for i in items:
        status = catalog.effective_status(catalog.lookup(i.label), FIXED_TODAY)
        assert status != "retired"
        assert (types.CompletionItemTag.Deprecated in (i.tags or [])) == (status == "deprecated")
    retired = [m.id for m in catalog.models() if catalog.effective_status(m, FIXED_TODAY) == "retired"]
    assert retired and not set(retired) & {i.label for i in items}


def test_model_name_bare_when_typed_bare():
    assert complete_with('{"model": "gemini-3.8-f|"}', "gemini-3.8-flash") == '{"model": "gemini-3.8-flash"}'


def test_model_name_with_prefix_when_typed_with_prefix():
    assert complete_with('{"model": "models/gem|"}', "gemini-3.8-flash") == '{"model": "models/gemini-3.8-flash"}'


def test_model_name_after_colon_without_quote():
    assert complete_with('{"model":|, "contents": []}', "gemini-3.8-flash") == (
        '{"model": "models/gemini-3.8-flash", "contents": []}'
    )


def test_model_name_in_unterminated_string():
    assert complete_with('{"model": "models/gemini-3.8|', "gemini-3.8-flash") == (
        '{"model": "models/gemini-3.8-flash"'
    )


def test_model_names_for_cached_content_and_batch_requests():
    assert "gemini-3.8-flash" in labels('{"model": "|"}', method="cachedContents")
    names = labels('{"requests": [{"model": "|"}]}', method="batchEmbedContents")
    assert "gemini-embedding-001" in names and "gemini-3.8-flash" not in names


def test_no_live_only_models_for_generate_content():
    names = labels('{"model": "|"}')
    assert "gemini-3.8-live" not in names


# --- broken documents --------------------------------------------------------------------------------------------------


def test_empty_object():
    assert "contents" in labels("{|}")


def test_empty_file():
    assert complete_with("|", "New GenerateContentRequest") == (
        '{"contents": [{"role": "${1|user,model|}", "parts": [{"text": "$2"}]}]}'
    )
    assert complete_with("|", "{}") == "{$1}"


def test_unclosed_object():
    assert complete_with('{\n  "contents": [],\n  "generationConfig": {\n    "te|', "temperature") == (
        '{\n  "contents": [],\n  "generationConfig": {\n    "temperature": ${1:0}'
    )


def test_unclosed_nested_object_before_other_members():
    text = '{\n  "generationConfig": {\n    "|\n  "contents": []\n}'
    assert complete_with(text, "topK") == '{\n  "generationConfig": {\n    "topK": ${1:0}\n  "contents": []\n}'


def test_trailing_comma():
    assert complete_with('{"contents": [], "generationConfig": {"temperature": 1,|},}', "topP") == (
        '{"contents": [], "generationConfig": {"temperature": 1,"topP": ${1:0}},}'
    )


def test_unterminated_string_value():
    assert complete_with('{"safetySettings": [{"threshold": "BLOCK_N|\n}]}', "BLOCK_NONE") == (
        '{"safetySettings": [{"threshold": "BLOCK_NONE"\n}]}'
    )


def test_nothing_after_a_closed_value():
    assert labels('{"model": "x"|}') == []
    assert labels("{}|") == []


def test_vertex_surface_has_no_top_level_model_key():
    assert "model" not in labels("{|}", api="vertex", api_version="v1")
