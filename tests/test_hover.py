"""Hover: a key's official documentation and facts, an enum value's description, the model's catalogue facts."""

from __future__ import annotations

from lsprotocol import types

from conftest import FIXED_TODAY  # type: ignore[import-not-found]
from gemini_lsp.catalog import load_catalog
from gemini_lsp.document import parse
from gemini_lsp.features.hover import HoverSupport, hover
from gemini_lsp.positions import LineIndex
from gemini_lsp.schema import load_request_schema

TEXT = """{
  "model": "models/gemini-3.8-flash",
  "contents": [{"role": "user", "parts": [{"text": "hi"}]}],
  "generation_config": {"temperature": 0.5, "candidateCount": 1,
    "thinkingConfig": {"thinkingLevel": "high"}},
  "safetySettings": [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": 4}],
  "unknownThing": 1
}"""


def hover_at(text: str, needle: str, *, delta: int = 2, markdown: bool = True, api: str = "gemini",
             api_version: str = "v1beta") -> types.Hover | None:
    offset = text.index(needle) + delta
    return hover(parse(text), offset, schema=load_request_schema(api, api_version, "generateContent"),
                 catalog=load_catalog(), index=LineIndex(text), support=HoverSupport(markdown=markdown),
                 today=FIXED_TODAY)


def value(h: types.Hover | None) -> str:
    assert h is not None
    assert isinstance(h.contents, types.MarkupContent)
    return h.contents.value


def test_key_shows_official_documentation_type_range_and_required():
    h = hover_at(TEXT, '"temperature"')
    text = value(h)
    assert h.contents.kind == types.MarkupKind.Markdown
    assert "Controls the randomness of the output." in text
    assert "number (float)" in text
    assert "[0, 2]" in text
    assert "**Required:** no" in text
    # the key's range
    assert h.range.start == types.Position(line=3, character=24)
    assert h.range.end == types.Position(line=3, character=37)


def test_key_shows_default_and_both_spellings():
    text = value(hover_at(TEXT, '"candidateCount"'))
    assert "**Default:** 1" in text
    assert "`candidateCount`, `candidate_count`" in text


def test_snake_case_key_is_documented_too():
    text = value(hover_at(TEXT, '"generation_config"'))
    assert text.startswith("**generation_config**")
    assert "Configuration options for model generation and outputs." in text


def test_required_key():
    text = value(hover_at(TEXT, '"contents"'))
    assert "**Required:** yes" in text
    assert "list of object `Content`" in text


def test_top_level_model_is_not_required_in_a_body_file():
    text = value(hover_at(TEXT, '"model"'))
    assert "**Required:** no" in text


def test_enum_value_shows_its_description_in_any_letter_case():
    text = value(hover_at(TEXT, '"high"'))
    assert "HIGH" in text and "High thinking level." in text


def test_enum_value_by_number():
    text = value(hover_at(TEXT, "4}", delta=0))
    assert "BLOCK_NONE" in text or "OFF" in text or "BLOCK" in text


def test_harm_category_value():
    text = value(hover_at(TEXT, '"HARM_CATEGORY_HARASSMENT"'))
    assert "Harassment content." in text


def test_model_name_shows_catalogue_facts():
    text = value(hover_at(TEXT, "gemini-3.8-flash"))
    assert "Gemini 3.8 Flash" in text
    assert "**Status:** current" in text
    assert "**Released:** 2026-09-02" in text
    assert "1,048,576" in text and "65,536" in text
    assert "thinkingLevel LOW, MEDIUM, HIGH" in text
    assert "**Response modalities:** TEXT" in text
    assert "function calling" in text


def test_deprecated_model_shows_dates_and_replacement():
    text = '{"model": "gemini-2.5-flash"}'
    shown = value(hover_at(text, "gemini-2.5"))
    assert "deprecated" in shown
    assert "**Shutdown:** 2026-12-01" in shown
    assert "Replacement" in shown


def test_plain_text_when_the_client_has_no_markdown():
    h = hover_at(TEXT, '"temperature"', markdown=False)
    assert h is not None and h.contents.kind == types.MarkupKind.PlainText
    assert value(h).startswith("temperature\n")
    assert "Type: number (float)" in value(h)
    assert "Accepted spellings: temperature" in value(h)
    assert "**Type" not in value(h)


def test_nothing_on_an_unknown_key_or_value_that_a_diagnostic_explains():
    assert hover_at(TEXT, '"unknownThing"') is None
    assert hover_at('{"model": "models/gemini-9-nonexistent"}', "gemini-9") is None
    assert hover_at('{"safetySettings": [{"category": "NOT_A_CATEGORY"}]}', "NOT_A") is None


def test_nothing_on_punctuation_or_free_form_values():
    assert hover_at(TEXT, "{", delta=0) is None
    text = '{"contents": [{"parts": [{"functionCall": {"name": "f", "args": {"temperature": 1}}}]}]}'
    assert hover_at(text, '"temperature"') is None


def test_broken_document_still_hovers():
    text = '{"generationConfig": {"temperature": 0.5,\n  "topK": '
    shown = value(hover_at(text, '"topK"'))
    assert shown.startswith("**topK**") and "integer (int32)" in shown


def test_descriptions_follow_the_files_spelling_but_leave_paths_urls_and_enum_values():
    from gemini_lsp.features.descriptions import in_file_spelling

    text = ("Ignored when `generate_content_request` is set; see `models/{model_id}`, https://x.dev/a_b and "
            "`HARM_CATEGORY_HATE_SPEECH`.")
    camel = in_file_spelling(text, "camel")
    assert "`generateContentRequest`" in camel
    assert "`models/{model_id}`" in camel and "https://x.dev/a_b" in camel and "HARM_CATEGORY_HATE_SPEECH" in camel
    assert in_file_spelling("Set `responseMimeType` too.", "snake") == "Set `response_mime_type` too."
