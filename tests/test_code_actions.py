"""Code actions: every quick fix is applied and the result re-checked; fix-all; key case and strict-JSON rewrites."""

from __future__ import annotations

import json

import pytest
from lsprotocol import types

from conftest import FIXED_TODAY  # type: ignore[import-not-found]
from gemini_lsp.analysis import Analysis, analyze
from gemini_lsp.catalog import load_catalog
from gemini_lsp.document import parse
from gemini_lsp.features.code_actions import (
    CAMEL_CASE_KIND,
    FIX_ALL_KIND,
    SNAKE_CASE_KIND,
    STRICT_JSON_KIND,
    CodeActionSupport,
    apply_edits,
    code_actions,
    merge_edits,
)
from gemini_lsp.features.diagnostics import to_diagnostics
from gemini_lsp.findings import Edit
from gemini_lsp.positions import LineIndex
from gemini_lsp.schema import load_request_schema
from gemini_lsp.settings import Settings

URI = "file:///work/request.gemini.json"
VERSION = 7
HI = '[{"role": "user", "parts": [{"text": "hi"}]}]'


def check(text: str) -> Analysis:
    return analyze(text, "request.gemini.json", Settings(), today=FIXED_TODAY, catalog=load_catalog())


def actions_for(text: str, *, diagnostics: list[types.Diagnostic] | None = None, only: list[str] | None = None,
                version: int | None = VERSION, support: CodeActionSupport | None = None,
                data_version: int | None = VERSION) -> list[types.CodeAction]:
    analysis = check(text)
    index = LineIndex(text)
    if diagnostics is None:
        diagnostics = to_diagnostics(analysis.findings, index, data_version)
    context = types.CodeActionContext(diagnostics=diagnostics, only=only)
    return code_actions(uri=URI, version=version, doc=parse(text), index=index,
                        schema=load_request_schema("gemini", "v1beta", "generateContent"), context=context,
                        analysis=lambda: analysis, support=support or CodeActionSupport())


def apply_action(text: str, action: types.CodeAction) -> str:
    assert action.edit is not None
    if action.edit.document_changes:
        (change,) = action.edit.document_changes
        assert isinstance(change, types.TextDocumentEdit)
        assert change.text_document.uri == URI and change.text_document.version == VERSION
        edits = change.edits
    else:
        assert action.edit.changes is not None
        edits = action.edit.changes[URI]
    index = LineIndex(text)
    spans = []
    for e in edits:
        start = index.offset(e.range.start.line, e.range.start.character)
        end = index.offset(e.range.end.line, e.range.end.character)
        spans.append(Edit(start, end, e.new_text))
    for a, b in zip(sorted(spans, key=lambda e: e.start), sorted(spans, key=lambda e: e.start)[1:]):
        assert a.end <= b.start, "overlapping edits"
    return apply_edits(text, spans)


def errors(analysis: Analysis) -> set[tuple[str, str]]:
    return {(f.code, f.pointer) for f in analysis.findings if f.severity == "error"}


# (name, document, code of the diagnostic to fix, expected text after the first fix or None to skip the comparison)
BAD_DOCUMENTS = [
    ("unknown-key-rename", '{"contents": ' + HI + ', "generationConfig": {"temprature": 0.5}}', "GL101",
     '{"contents": ' + HI + ', "generationConfig": {"temperature": 0.5}}'),
    ("top-level-temperature-moved", '{"contents": ' + HI + ', "temperature": 0.5}', "GL101",
     '{"contents": ' + HI + ', "generationConfig": {"temperature": 0.5}}'),
    ("top-level-temperature-into-existing-config",
     '{\n  "contents": ' + HI + ',\n  "generationConfig": {\n    "topK": 3\n  },\n  "temperature": 0.5\n}', "GL101",
     '{\n  "contents": ' + HI + ',\n  "generationConfig": {\n    "topK": 3,\n    "temperature": 0.5\n  }\n}'),
    ("pasted-api-key",
     '{"contents": [{"role": "user", "parts": [{"text": "key AIzaSy' + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q" + '"}]}]}',
     "GL201", None),
    ("canonical-enum-name",
     '{"contents": ' + HI + ', "safetySettings": [{"category": "harm_category_harassment", "threshold": "OFF"}]}',
     "GL056",
     '{"contents": ' + HI + ', "safetySettings": [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "OFF"}]}'),
    ("duplicate-removed", '{"contents": ' + HI + ', "generationConfig": {"topK": 3, "topK": 3}}', "GL107",
     '{"contents": ' + HI + ', "generationConfig": {"topK": 3}}'),
    ("role-assistant-to-model", '{"contents": [{"role": "assistant", "parts": [{"text": "hi"}]}]}', "GL112",
     '{"contents": [{"role": "model", "parts": [{"text": "hi"}]}]}'),
    ("single-value-wrapped", '{"contents": {"role": "user", "parts": [{"text": "hi"}]}}', "GL053",
     '{"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}'),
    ("mixed-naming", '{"contents": ' + HI + ', "generationConfig": {"max_output_tokens": 3, "topK": 3, "topP": 0.5}}',
     "GL054", '{"contents": ' + HI + ', "generationConfig": {"maxOutputTokens": 3, "topK": 3, "topP": 0.5}}'),
    ("retired-model", '{"model": "models/gemini-1.5-flash", "contents": ' + HI + "}", "GL302", None),
    ("unknown-model-typo", '{"model": "models/gemini-3.8-flsh", "contents": ' + HI + "}", "GL301",
     '{"model": "models/gemini-3.8-flash", "contents": ' + HI + "}"),
    ("deprecated-model", '{"model": "models/gemini-2.5-flash", "contents": ' + HI + "}", "GL303", None),
    ("trailing-comma", '{"contents": ' + HI + ",}", "GL050", '{"contents": ' + HI + "}"),
    ("single-quotes", "{'contents': " + HI + "}", "GL051", '{"contents": ' + HI + "}"),
]


@pytest.mark.parametrize("name,text,code,expected", BAD_DOCUMENTS, ids=[d[0] for d in BAD_DOCUMENTS])
def test_quick_fix_removes_the_diagnostic_and_adds_no_error(name, text, code, expected):
    before = check(text)
    targets = [f for f in before.findings if f.code == code]
    assert targets, f"{code} not reported: {[(f.code, f.pointer) for f in before.findings]}"
    target = targets[0]
    assert target.fixes, f"{code} carries no fix"
    index = LineIndex(text)
    diagnostic = next(d for d in to_diagnostics(before.findings, index, VERSION) if d.code == code)
    actions = actions_for(text, diagnostics=[diagnostic], only=[types.CodeActionKind.QuickFix])
    assert len(actions) == len(target.fixes)
    assert all(a.kind == types.CodeActionKind.QuickFix and a.diagnostics == [diagnostic] for a in actions)
    assert sum(bool(a.is_preferred) for a in actions) <= 1
    for action in actions:
        fixed = apply_action(text, action)
        after = check(fixed)
        assert (code, target.pointer) not in {(f.code, f.pointer) for f in after.findings}, action.title
        assert errors(after) <= errors(before) - {(code, target.pointer)}, action.title
    if expected is not None:
        assert apply_action(text, actions[0]) == expected


def test_quick_fix_is_preferred_when_the_check_says_so():
    text = '{"contents": [{"role": "assistant", "parts": [{"text": "hi"}]}]}'
    (action,) = actions_for(text, only=[types.CodeActionKind.QuickFix])
    assert action.is_preferred is True
    assert action.title == "Use role 'model'"


def test_no_quick_fix_for_a_stale_version():
    text = '{"contents": [{"role": "assistant", "parts": [{"text": "hi"}]}]}'
    assert actions_for(text, only=[types.CodeActionKind.QuickFix], data_version=VERSION - 1) == []


def test_quick_fix_recovered_when_the_client_drops_data():
    text = '{"contents": [{"role": "assistant", "parts": [{"text": "hi"}]}]}'
    (diagnostic,) = [d for d in to_diagnostics(check(text).findings, LineIndex(text), VERSION) if d.code == "GL112"]
    diagnostic.data = None
    (action,) = actions_for(text, diagnostics=[diagnostic], only=[types.CodeActionKind.QuickFix])
    assert apply_action(text, action) == '{"contents": [{"role": "model", "parts": [{"text": "hi"}]}]}'


def test_quick_fixes_ignore_other_sources():
    text = '{"contents": [{"role": "assistant", "parts": [{"text": "hi"}]}]}'
    (diagnostic,) = [d for d in to_diagnostics(check(text).findings, LineIndex(text), VERSION) if d.code == "GL112"]
    diagnostic.source = "json"
    assert actions_for(text, diagnostics=[diagnostic], only=[types.CodeActionKind.QuickFix]) == []


# --- fix all -----------------------------------------------------------------------------------------------------------


def test_fix_all_applies_every_safe_fix_in_one_edit():
    text = (
        "{\n"
        '  "contents": [{"role": "assistant", "parts": [{"text": "hi"}]}],\n'
        '  "generationConfig": {"temprature": 0.5, "topK": 3, "topK": 3},\n'
        '  "safetySettings": {"category": "harm_category_harassment", "threshold": "OFF"},\n'
        "}"
    )
    before = check(text)
    assert {"GL112", "GL101", "GL107", "GL056", "GL053", "GL050"} <= {f.code for f in before.findings}
    (action,) = actions_for(text, diagnostics=[], only=[FIX_ALL_KIND])
    assert action.kind == FIX_ALL_KIND
    assert action.title == "Fix all safe problems in this file"
    fixed = apply_action(text, action)
    after = check(fixed)
    assert errors(after) == set()
    assert {f.code for f in after.findings} & {"GL112", "GL101", "GL107", "GL056", "GL053", "GL050"} == set()
    json.loads(fixed)


def test_fix_all_leaves_unsafe_fixes_alone():
    text = '{"model": "models/gemini-3.8-flsh", "contents": ' + HI + "}"
    assert actions_for(text, diagnostics=[], only=[FIX_ALL_KIND]) == []


def test_fix_all_on_source_request():
    text = '{"contents": ' + HI + ",}"
    kinds = [a.kind for a in actions_for(text, diagnostics=[], only=["source.fixAll"])]
    assert kinds == [FIX_ALL_KIND]


# --- refactorings ------------------------------------------------------------------------------------------------------

SNAKE = """{
  "contents": [{"role": "model", "parts": [{"function_call": {"name": "f", "args": {"max_output_tokens": 1}}}]},
               {"role": "user", "parts": [{"function_response": {"name": "f", "response": {"top_k": 2}}}]}],
  "generation_config": {
    "max_output_tokens": 10,
    "response_mime_type": "application/json",
    "response_schema": {"type": "OBJECT", "properties": {"first_name": {"type": "STRING"}}}
  },
  "tools": [{"function_declarations": [{"name": "f", "description": "d",
      "parameters_json_schema": {"type": "object", "properties": {"max_items": {"type": "string"}}}}]}],
  "labels": {"my_label": "x"}
}"""

CAMEL = """{
  "contents": [{"role": "model", "parts": [{"functionCall": {"name": "f", "args": {"max_output_tokens": 1}}}]},
               {"role": "user", "parts": [{"functionResponse": {"name": "f", "response": {"top_k": 2}}}]}],
  "generationConfig": {
    "maxOutputTokens": 10,
    "responseMimeType": "application/json",
    "responseSchema": {"type": "OBJECT", "properties": {"first_name": {"type": "STRING"}}}
  },
  "tools": [{"functionDeclarations": [{"name": "f", "description": "d",
      "parametersJsonSchema": {"type": "object", "properties": {"max_items": {"type": "string"}}}}]}],
  "labels": {"my_label": "x"}
}"""


def test_convert_to_camel_case_only_touches_schema_keys():
    (action,) = actions_for(SNAKE, diagnostics=[], only=[CAMEL_CASE_KIND])
    assert action.title == "Convert all keys to camelCase"
    assert apply_action(SNAKE, action) == CAMEL


def test_convert_to_snake_case_only_touches_schema_keys():
    (action,) = actions_for(CAMEL, diagnostics=[], only=[SNAKE_CASE_KIND])
    assert apply_action(CAMEL, action) == SNAKE


def test_no_case_action_when_nothing_to_change():
    assert actions_for(CAMEL, diagnostics=[], only=[CAMEL_CASE_KIND]) == []


def test_convert_to_strict_json():
    text = """{
  // the conversation
  'contents': {"role": 'user', "parts": [{text: "line one
line two"},],},
  "generationConfig": {"temperature": .5, /* why */ "topK": +3,},
}"""
    (action,) = actions_for(text, diagnostics=[], only=[STRICT_JSON_KIND])
    fixed = apply_action(text, action)
    assert fixed == """{
  "contents": [{"role": "user", "parts": [{"text": "line one\\nline two"}]}],
  "generationConfig": {"temperature": 0.5, "topK": 3}
}"""
    json.loads(fixed)


def test_no_strict_json_action_for_strict_json():
    assert actions_for('{"contents": ' + HI + "}", diagnostics=[], only=[STRICT_JSON_KIND]) == []


# --- kinds -------------------------------------------------------------------------------------------------------------


def test_only_kinds_the_client_knows():
    text = '{"contents": {"role": "assistant", "parts": [{"text": "hi"}]}, "generation_config": {}, "safetySettings": [],}'
    every = {a.kind for a in actions_for(text)}
    assert every == {types.CodeActionKind.QuickFix, FIX_ALL_KIND, CAMEL_CASE_KIND, SNAKE_CASE_KIND, STRICT_JSON_KIND}
    quickfix_only = CodeActionSupport(kinds=("quickfix",))
    assert {a.kind for a in actions_for(text, support=quickfix_only)} == {types.CodeActionKind.QuickFix}
    vscode = CodeActionSupport(kinds=("", "quickfix", "refactor", "refactor.extract", "refactor.inline",
                                      "refactor.rewrite", "source", "source.organizeImports"))
    assert {a.kind for a in actions_for(text, support=vscode)} == every
    assert {a.kind for a in actions_for(text, only=["refactor"])} == {CAMEL_CASE_KIND, SNAKE_CASE_KIND,
                                                                      STRICT_JSON_KIND}


def test_key_case_rewrites_unasked_only_where_spellings_mix():
    camel = '{"contents": [], "generationConfig": {"maxOutputTokens": 5}}'
    snake = '{"contents": [], "generation_config": {"max_output_tokens": 5}}'
    mixed = '{"contents": [], "generationConfig": {"max_output_tokens": 5}}'
    case_kinds = {CAMEL_CASE_KIND, SNAKE_CASE_KIND}
    assert not case_kinds & {a.kind for a in actions_for(camel)}
    assert not case_kinds & {a.kind for a in actions_for(snake)}
    assert case_kinds <= {a.kind for a in actions_for(mixed)}
    # asked for in the refactor menu, the rewrite that changes something is offered
    assert {a.kind for a in actions_for(camel, only=["refactor"])} == {SNAKE_CASE_KIND}
    assert {a.kind for a in actions_for(snake, only=["refactor.rewrite"])} == {CAMEL_CASE_KIND}
    assert not case_kinds & {a.kind for a in actions_for(mixed, only=["quickfix"])}


def test_unversioned_changes_when_the_client_lacks_document_changes():
    text = '{"contents": [{"role": "assistant", "parts": [{"text": "hi"}]}]}'
    (action,) = actions_for(text, only=["quickfix"], support=CodeActionSupport(document_changes=False))
    assert action.edit is not None and action.edit.changes is not None and action.edit.document_changes is None
    assert apply_action(text, action) == '{"contents": [{"role": "model", "parts": [{"text": "hi"}]}]}'


def test_merge_edits_fuses_touching_edits():
    text = "abcdef"
    edits = [Edit(0, 0, "["), Edit(0, 2, "XY"), Edit(2, 2, "]"), Edit(4, 5, "")]
    merged = merge_edits(text, edits)
    assert apply_edits(text, merged) == "[XY]cdf"
    assert len(merged) == 2
