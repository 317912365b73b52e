"""Table-driven: every real error answer in tests/data/api_errors.json maps to the field the API meant (or says it
names none), on the request body it belongs to."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gemini_lsp.document import parse
from gemini_lsp.schema import load_request_schema
from gemini_lsp.sending.errors import parse_error_answer
from gemini_lsp.sending.mapping import Index, Key, Name, parse_path, place_error

CASES = json.loads((Path(__file__).parent / "data" / "api_errors.json").read_text(encoding="utf-8"))["cases"]


def test_the_table_is_large_and_sourced() -> None:
    assert len(CASES) >= 20
    for case in CASES:
        assert case["source"].startswith("https://"), case["id"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_error_maps_to_the_field_the_api_meant(case: dict) -> None:
    api, version, method = case["surface"].split("/")
    error = parse_error_answer(case["answer"])
    assert error is not None
    doc = parse(case["request"])
    placements = place_error(error, doc, load_request_schema(api, version, method))
    located = [p for p in placements if p.pointer is not None]
    wanted = [e for e in case["expect"] if e["pointer"] is not None]
    if not wanted:
        assert located == [], [p.text for p in located]
        assert placements and all(p.grammar == "D" for p in placements)
    else:
        assert [p.pointer for p in located] == [e["pointer"] for e in wanted]
        for p, e in zip(located, wanted):
            assert p.exact, p
            assert case["request"][p.start:p.end] == e["range"], (p, case["request"][p.start:p.end])
    for e in case["expect"]:
        if "code" in e:
            assert error.diagnostic_code == e["code"]


def test_path_grammar() -> None:
    assert parse_path("generation_config.response_schema.properties[7].value") == [
        Name("generation_config"), Name("response_schema"), Name("properties"), Index(7, "7"), Name("value")]
    assert parse_path("a.properties[time ranges.x].items") == [Name("a"), Name("properties"), Key("time ranges.x"),
                                                                Name("items")]


def test_map_key_that_looks_like_a_number() -> None:
    """`properties[3]` on an object with a property called "3" but fewer than four: the key reading wins."""
    body = '{"generationConfig": {"responseSchema": {"type": "object", "properties": {"3": {"type": "strin"}}}}}'
    error = parse_error_answer("* GenerateContentRequest.generation_config.response_schema.properties[3].type: bad")
    assert error is not None
    [p] = place_error(error, parse(body), load_request_schema("gemini", "v1beta", "generateContent"))
    assert p.pointer == "/generationConfig/responseSchema/properties/3/type" and body[p.start:p.end] == '"strin"'


def test_both_spellings_first_wins_and_missing_index_says_so() -> None:
    body = '{"contents": [{"parts": [{"text": "a"}]}]}'
    error = parse_error_answer("* GenerateContentRequest.contents[4].parts[0].text: nope")
    assert error is not None
    [p] = place_error(error, parse(body), load_request_schema("gemini", "v1beta", "generateContent"))
    assert not p.exact and p.note and "[4]" in p.note and p.pointer == "/contents"
