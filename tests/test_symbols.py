"""Outline (document symbols), folding ranges and selection ranges."""

from __future__ import annotations

from lsprotocol import types

from gemini_lsp.document import parse
from gemini_lsp.features.symbols import document_symbols, folding_ranges, selection_ranges
from gemini_lsp.positions import LineIndex

TEXT = """{
  "model": "models/gemini-3.8-flash",
  "systemInstruction": {"parts": [{"text": "You are a terse assistant who answers in one line."}]},
  "contents": [
    {"role": "user", "parts": [{"text": "Summarise the following article about the history of Rome"}]},
    {"role": "model", "parts": [{"functionCall": {"name": "get_weather", "args": {"city": "Rome"}}}]},
    {"role": "user", "parts": [{"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}}, {"text": "and this"}]}
  ],
  "tools": [
    {"functionDeclarations": [
      {"name": "get_weather", "description": "Current weather for a city", "parameters": {"type": "OBJECT"}},
      {"name": "get_time", "description": "Local time"}
    ]},
    {"googleSearch": {}}
  ],
  "safetySettings": [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"}],
  "generationConfig": {
    "temperature": 0.5,
    "thinkingConfig": {"thinkingLevel": "HIGH"}
  }
}"""


def symbols(text: str = TEXT, hierarchical: bool = True):
    return document_symbols(parse(text), LineIndex(text), hierarchical=hierarchical, uri="file:///x.gemini.json")


def by_name(items, name):
    return next(s for s in items if s.name == name)


def test_outline_shows_the_conversation():
    top = symbols()
    assert [s.name for s in top] == ["model", "systemInstruction", "contents", "tools", "safetySettings",
                                     "generationConfig"]
    contents = by_name(top, "contents")
    assert [c.name for c in contents.children] == [
        'contents[0] · user · "Summarise the following artic…"',
        "contents[1] · model · functionCall get_weather",
        "contents[2] · user · inlineData image/png (+1)",
    ]
    assert contents.detail == "3 turns"
    assert [p.name for p in contents.children[2].children] == ["parts[0] · inlineData image/png",
                                                               'parts[1] · "and this"']


def test_outline_shows_system_instruction_tools_and_functions():
    top = symbols()
    system = by_name(top, "systemInstruction")
    assert system.detail == '"You are a terse assistant who…"'
    assert "You are a terse" in system.children[0].name
    tools = by_name(top, "tools")
    assert [t.name for t in tools.children] == ["tools[0] · functionDeclarations", "tools[1] · googleSearch"]
    functions = tools.children[0].children
    assert [(f.name, f.kind, f.detail) for f in functions] == [
        ("get_weather", types.SymbolKind.Function, "Current weather for a city"),
        ("get_time", types.SymbolKind.Function, "Local time"),
    ]
    # the selection range is the function's name
    assert functions[0].selection_range.start.line == 10


def test_outline_shows_generation_config_and_safety():
    top = symbols()
    config = by_name(top, "generationConfig")
    assert [c.name for c in config.children] == ["temperature", "thinkingConfig"]
    assert config.children[0].detail == "0.5"
    safety = by_name(top, "safetySettings")
    assert safety.children[0].detail == "HARM_CATEGORY_HARASSMENT → BLOCK_NONE"


def test_every_selection_range_is_inside_its_range():
    def walk(items):
        for s in items:
            r, sel = s.range, s.selection_range
            assert (r.start.line, r.start.character) <= (sel.start.line, sel.start.character)
            assert (sel.end.line, sel.end.character) <= (r.end.line, r.end.character)
            assert s.name
            walk(s.children or [])

    walk(symbols())


def test_flat_symbols_for_clients_without_hierarchy():
    flat = symbols(hierarchical=False)
    assert all(isinstance(s, types.SymbolInformation) for s in flat)
    weather = next(s for s in flat if s.name == "get_weather")
    assert weather.container_name == "tools[0] · functionDeclarations"
    assert weather.location.uri == "file:///x.gemini.json"


def test_outline_of_broken_and_empty_documents():
    assert symbols("") == []
    broken = symbols('{"contents": [{"role": "user", "parts": [{"text": "hi')
    assert broken[0].name == "contents"
    assert broken[0].children[0].name.startswith("contents[0] · user")
    single = symbols('{"contents": {"parts": [{"text": "x"}]}}')
    assert single[0].children[0].name == 'contents[0] · "x"'


def test_folding_ranges_keep_the_closing_bracket_visible():
    text = '{\n  "contents": [\n    {"role": "user"}\n  ],\n  /* a\n  comment */\n  "x": 1\n}'
    ranges = folding_ranges(parse(text), LineIndex(text))
    assert [(r.start_line, r.end_line, r.kind) for r in ranges] == [
        (0, 6, None),
        (1, 2, None),
        (4, 5, types.FoldingRangeKind.Comment),
    ]


def test_folding_range_limit():
    text = "{\n" + ",\n".join(f'  "k{i}": {{\n    "a": 1\n  }}' for i in range(10)) + "\n}"
    assert len(folding_ranges(parse(text), LineIndex(text), range_limit=3)) == 3


def test_selection_ranges_grow_from_the_token_to_the_document():
    text = '{"generationConfig": {"temperature": 0.5}}'
    offset = text.index("temperature") + 2
    (sel,) = selection_ranges(parse(text), LineIndex(text), [offset])
    spans = []
    node = sel
    while node is not None:
        spans.append((node.range.start.character, node.range.end.character))
        node = node.parent
    key = text.index('"temperature"')
    assert spans == [
        (key + 1, key + 12),  # temperature
        (key, key + 13),  # "temperature"
        (key, key + 18),  # "temperature": 0.5
        (21, 41),  # {...}
        (1, 41),  # "generationConfig": {...}
        (0, 42),  # the document
    ]


def test_selection_range_on_a_value():
    text = '{"model": "models/gemini-3.8-flash"}'
    (sel,) = selection_ranges(parse(text), LineIndex(text), [text.index("gemini")])
    assert (sel.range.start.character, sel.range.end.character) == (11, 34)
    assert (sel.parent.range.start.character, sel.parent.range.end.character) == (10, 35)
    assert (sel.parent.parent.range.start.character, sel.parent.parent.range.end.character) == (1, 35)
