"""Hostile input (issue 11): work and memory grow linearly with the text, whatever its shape.

No wall-clock limits: each test compares the CPU time of size n with size 4n (linear work gives about 4x, quadratic
16x; the bound is a generous 8x plus a small constant for noise), or reads `tracemalloc` peaks, which are exact.
Everything goes through public functions (`analyze`, `parse`, `LineIndex`, `skip_trivia`), so the tests survive a
reshaping of the checks behind them.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from collections.abc import Callable

import pytest

from gemini_lsp.analysis import analyze
from gemini_lsp.document import parse
from gemini_lsp.features.context import skip_trivia
from gemini_lsp.settings import Settings

PATH = "hostile.gemini.json"


def _cpu(fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(3):
        gc.collect()
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def assert_linear(make: Callable[[int], str], run: Callable[[str], object], n: int, slack: float = 0.05) -> None:
    """CPU time at 4n is at most 8x the time at n (+ `slack` seconds of noise); retried once on a busy machine."""
    small, large = make(n), make(4 * n)
    for attempt in range(2):
        t1 = _cpu(lambda: run(small))
        t4 = _cpu(lambda: run(large))
        if t4 <= 8 * t1 + slack:
            return
    raise AssertionError(f"superlinear: {t1:.4f}s at n={n}, {t4:.4f}s at 4n")


def peak_bytes(fn: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def check(text: str) -> object:
    return analyze(text, PATH, Settings()).findings


def _request(generation_config: str) -> str:
    return '{"contents": [{"parts": [{"text": "hi"}]}], "generationConfig": {' + generation_config + "}}"


# -- 1. quadratic regular expressions --------------------------------------------------------------------------------


def test_long_digit_string_in_a_number_field_is_linear() -> None:
    # `"temperature": "111…1x"`: values._NUMERIC_STRING backtracked quadratically (8.5 s at 20,000 digits)
    assert_linear(lambda n: _request('"temperature": "' + "1" * n + 'x"'), check, 3000)


@pytest.mark.parametrize(
    ("body", "wrong"),
    [("1" * 50 + "x", True), ("." + "1" * 50 + "e", True), ("-" + "1" * 50 + "e+", True), ("1" * 50 + ".", False),
     ("-1" + "0" * 50 + "e5", False), (".5", False)],
)
def test_number_field_near_misses_keep_their_verdict(body: str, wrong: bool) -> None:
    # the rewritten pattern accepts exactly what the old one accepted (a numeric string is only a hint)
    findings = analyze(_request(f'"temperature": "{body}"'), PATH, Settings()).findings
    assert any(f.code == "GL102" and f.severity == "error" for f in findings) == wrong


@pytest.mark.parametrize(
    "value",
    ["1" * 4000 + "x", "9" * 4000, "1" * 2000 + "." + "1" * 2000 + "e", " " * 4000 + "1" * 4000 + " x"],
)
def test_numeric_strings_of_every_shape_are_linear(value: str) -> None:
    assert_linear(lambda n: _request('"temperature": "' + value * (n // 1000) + '"'), check, 1000)


# -- 2. memory per line break ----------------------------------------------------------------------------------------


def test_a_run_of_line_breaks_costs_no_memory_per_break_in_the_parser() -> None:
    # document._WS kept ~240 bytes of regex backtracking state per line break of one whitespace run
    text = '{"contents": []' + "\n" * 1_000_000 + "}"
    peak = peak_bytes(lambda: parse(text))
    assert peak < 4_000_000, f"{peak:,} bytes traced for 1 MB of line breaks"


@pytest.mark.parametrize("trivia", ["//\n", "/* */\n", " \r\n", "// x\r"])
def test_skipping_comments_and_whitespace_costs_no_memory_per_repetition(trivia: str) -> None:
    # features/context._WS_OR_COMMENT: one million `//` lines cost 126 MB on completion
    text = trivia * 50_000 + "x"
    peak = peak_bytes(lambda: skip_trivia(text, 0))
    assert skip_trivia(text, 0) == len(text) - 1
    assert peak < 500_000, f"{peak:,} bytes traced"  # the regex took ~120 bytes per repetition: 6 MB here


@pytest.mark.parametrize("field", ["temperature", "candidateCount", "seed"])
@pytest.mark.parametrize("digits", [400, 5000])
@pytest.mark.parametrize("quoted", [False, True])
def test_huge_numbers_are_findings_not_crashes(field: str, digits: int, quoted: bool) -> None:
    # int("9" * 5000) raises ValueError (Python's 4,300-digit limit) and float(10**400) OverflowError: both used to
    # escape from the checks as an internal error
    value = "9" * digits
    findings = analyze(_request(f'"{field}": ' + (f'"{value}"' if quoted else value)), PATH, Settings()).findings
    assert findings and all(f.code != "GL900" for f in findings)


# -- 7. limits applied before the work ---------------------------------------------------------------------------


def _unknown_keys(n: int) -> str:
    keys = ", ".join(f'"unknownKey{i}": {i}' for i in range(n))
    return '{"contents": [{"parts": [{"text": "hi"}]}], "generationConfig": {' + keys + "}}"


def test_unknown_keys_past_the_cap_are_counted_not_built(monkeypatch: pytest.MonkeyPatch) -> None:
    import difflib

    from gemini_lsp import rule as rule_module
    from gemini_lsp.engine import MAX_FINDINGS

    calls = {"difflib": 0, "built": 0}
    real_close, real_make = difflib.get_close_matches, rule_module.make_finding

    def counting_close(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["difflib"] += 1
        return real_close(*args, **kwargs)

    def counting_make(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["built"] += 1
        return real_make(*args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counting_close)
    import gemini_lsp.checks.structure as structure

    monkeypatch.setattr(structure, "make_finding", counting_make)
    n = 20_000
    result = analyze(_unknown_keys(n), PATH, Settings()).findings
    assert calls["difflib"] <= MAX_FINDINGS and calls["built"] <= 2 * MAX_FINDINGS, calls
    shown = [f for f in result if f.code == "GL101"]
    assert len(shown) == MAX_FINDINGS
    [note] = [f for f in result if f.code == "GL902"]
    assert note.message.startswith(f"{n - MAX_FINDINGS} more findings"), note.message


def test_many_unknown_keys_are_linear() -> None:
    assert_linear(_unknown_keys, check, 2_000)


def test_bad_escapes_stop_at_the_error_cap() -> None:
    # 10 MB of bare `\u` escapes took 61 s and 3 GB: one GL007 per escape, past the decoder's error cap
    from gemini_lsp.document import MAX_ERRORS

    text = '{"contents": [{"parts": [{"text": "' + "\\u" * 200_000 + '"}]}]}'
    doc = parse(text)
    assert len(doc.errors) <= MAX_ERRORS + 1
    peak = peak_bytes(lambda: parse(text))
    assert peak < 20 * len(text), f"{peak:,} bytes traced for {len(text):,} characters"
    assert_linear(lambda n: '{"contents": [{"parts": [{"text": "' + "\\u" * n + '"}]}]}', check, 50_000)


def test_a_huge_unknown_key_gets_no_suggestion_work() -> None:
    assert_linear(lambda n: '{"contents": [], "' + "contentz" * n + '": 1}', check, 20_000)


@pytest.mark.parametrize("brk", ["\n", "\r\n", "\r"])
def test_the_line_index_costs_a_few_bytes_per_line(brk: str) -> None:
    from gemini_lsp.positions import LineIndex

    lines = 50_000
    text = "{" + brk * lines + "}"
    peak = peak_bytes(lambda: LineIndex(text))
    # two offsets per line at 4 bytes each (a list of Python ints took ~80 bytes per line)
    assert peak < 14 * lines + 1_000_000, f"{peak:,} bytes traced for {lines:,} lines"
    index = LineIndex(text)
    assert index.line_count == lines + 1 and index.position(len(text)) == (lines, 1)


def test_an_edited_line_index_stays_compact() -> None:
    from gemini_lsp.text_store import update_line_index
    from gemini_lsp.positions import LineIndex

    lines = 50_000
    text = "\n" * lines
    index = LineIndex(text)

    def edit() -> None:
        new = text[:10] + "x\n" + text[10:]
        update_line_index(index, new, 10, 10, 2).position(len(new))

    assert peak_bytes(edit) < 20 * lines + 1_000_000


# -- 8. many nodes ---------------------------------------------------------------------------------------------------


def _schema_properties(n: int) -> str:
    props = ", ".join(f'"p{i}": {{"type": "STRING"}}' for i in range(n))
    return ('{"contents": [{"parts": [{"text": "hi"}]}], "generationConfig": {"responseMimeType": '
            '"application/json", "responseSchema": {"type": "OBJECT", "properties": {' + props + "}}}}")


def test_schema_nodes_do_not_convert_the_same_names_again() -> None:
    # structured_output._walk_schema asked request_queries for the snake_case spelling of the same constant names five
    # times per schema node: 200,000 properties converted names a million times (half of a 5.8 s check)
    from gemini_lsp.checks import request_queries

    request_queries.snake.cache_clear()
    request_queries.spellings.cache_clear()
    analyze(_schema_properties(5_000), PATH, Settings())
    conversions = request_queries.snake.cache_info().misses
    lookups = request_queries.spellings.cache_info()
    assert conversions < 200 and lookups.misses < 200, (conversions, lookups)


def test_many_schema_properties_and_items_are_linear() -> None:
    assert_linear(_schema_properties, check, 1_500)
    assert_linear(lambda n: _request('"responseMimeType": "application/json", "responseSchema": {"type": "ARRAY", '
                                     '"items": {"type": "OBJECT"}, "example": [' + ", ".join(['{"a": 1}'] * n) + "]}"),
                  check, 5_000)


def test_bad_enum_values_past_the_cap_get_no_suggestion_work(monkeypatch: pytest.MonkeyPatch) -> None:
    import difflib

    calls = {"difflib": 0}
    real = difflib.get_close_matches

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["difflib"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counting)
    text = '{"contents": [' + ", ".join(['{"role": "usr", "parts": [{"text": "x"}]}'] * 3000) + "]}"
    findings = analyze(text, PATH, Settings()).findings
    assert calls["difflib"] <= 600, calls
    [note] = [f for f in findings if f.code == "GL902"]
    assert note.message.startswith("2500 more findings"), note.message
