"""LineIndex: str offsets <-> LSP (line, UTF-16 character) positions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gemini_lsp.positions import LineIndex, utf16_len


def test_utf16_len_counts_astral_characters_twice() -> None:
    assert utf16_len("") == 0
    assert utf16_len("abc") == 3
    assert utf16_len("é日本") == 3  # BMP characters are one unit each
    assert utf16_len("😀") == 2
    assert utf16_len("a😀b𝄞") == 6
    assert utf16_len("\ud800") == 1  # a lone surrogate is one unit


def test_ascii_positions_and_offsets() -> None:
    text = '{\n  "a": 1\n}'
    index = LineIndex(text)
    assert index.line_count == 3
    assert index.position(0) == (0, 0)
    assert index.position(2) == (1, 0)
    assert index.position(5) == (1, 3)
    assert index.position(len(text)) == (2, 1)
    assert index.offset(1, 3) == 5
    assert index.offset(2, 1) == len(text)


def test_emoji_counts_two_utf16_units() -> None:
    text = '{"text": "😀 hi"}'
    index = LineIndex(text)
    h = text.index("h")
    assert index.position(h) == (0, h + 1)  # the emoji before it is one str char but two UTF-16 units
    assert index.offset(0, h + 1) == h
    end = len(text)
    assert index.position(end) == (0, end + 1)


def test_non_latin_bmp_text_is_one_unit_per_character() -> None:
    text = '"日本語": "ß"'
    index = LineIndex(text)
    assert index.position(text.index(":")) == (0, text.index(":"))


def test_offset_inside_surrogate_pair_rounds_down() -> None:
    text = "a😀b"
    index = LineIndex(text)
    assert index.offset(0, 1) == 1
    assert index.offset(0, 2) == 1  # between the two halves of the emoji
    assert index.offset(0, 3) == 2
    assert index.offset(0, 4) == 3


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_all_lsp_line_breaks(newline: str) -> None:
    text = newline.join(["{", '  "a": "😀",', '  "b": 2', "}"])
    index = LineIndex(text)
    assert index.line_count == 4
    b = text.index('"b"')
    assert index.position(b) == (2, 2)
    assert index.offset(2, 2) == b
    assert index.position(len(text)) == (3, 1)
    # a character past the end of a line clamps to the line's end (before the break)
    line1_end = text.index(newline, text.index('"a"'))
    assert index.offset(1, 100) == line1_end
    assert index.line_range(1) == (text.index('  "a"'), line1_end)


def test_offset_inside_crlf_maps_to_line_end() -> None:
    text = "ab\r\ncd"
    index = LineIndex(text)
    assert index.position(3) == (0, 2)  # between \r and \n
    assert index.position(4) == (1, 0)


def test_clamping() -> None:
    text = "ab\ncd"
    index = LineIndex(text)
    assert index.position(-5) == (0, 0)
    assert index.position(100) == (1, 2)
    assert index.offset(-1, 0) == 0
    assert index.offset(7, 0) == len(text)
    assert index.offset(0, -3) == 0
    assert index.offset(1, 99) == len(text)


def test_trailing_newline_gives_an_empty_last_line() -> None:
    index = LineIndex("{}\n")
    assert index.line_count == 2
    assert index.position(3) == (1, 0)
    assert index.offset(1, 0) == 3


def test_empty_text() -> None:
    index = LineIndex("")
    assert index.line_count == 1
    assert index.position(0) == (0, 0)
    assert index.offset(0, 5) == 0


def test_range() -> None:
    text = 'x\n"😀"'
    index = LineIndex(text)
    assert index.range(2, 5) == ((1, 0), (1, 4))


@settings(deadline=None, max_examples=200)
@given(st.lists(st.sampled_from(["a", " ", "é", "😀", "\n", "\r", "\r\n", "𝄞", "\t"]), max_size=40).map("".join))
def test_round_trip_every_offset(text: str) -> None:
    index = LineIndex(text)
    for offset in range(len(text) + 1):
        line, character = index.position(offset)
        back = index.offset(line, character)
        if offset > 0 and text[offset - 1] == "\r" and text[offset : offset + 1] == "\n":
            assert back == offset - 1  # inside a CRLF: the line's end
        else:
            assert back == offset
