"""Schema-level checks: each reason for a 400 at its pointer, and no error on what the API accepts."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT, server_env
from helpers import check, codes, errors

KEY = "AIza" + "SyD3m0-Fak3Key_f0r-T3sts00000000000"  # shaped like a key, not a key


def _body(**extra: object) -> str:
    return json.dumps({"contents": [{"parts": [{"text": "hi"}]}], **extra})


# -- the issue's examples through the CLI's JSON output ---------------------------------------------------------------

ISSUE_ERRORS = [
    ('{"content": [{"parts": [{"text": "hi"}]}]}', "GL101", "/content"),
    ('{"contents": []}', "GL104", "/contents"),
    (_body(generationConfig={"temperature": "hot"}), "GL102", "/generationConfig/temperature"),
    (
        '{"contents": [{"parts": [{"text": "hi", "inlineData": {"mimeType": "image/png", "data": "aGk="}}]}]}',
        "GL106",
        "/contents/0/parts/0",
    ),
    (_body(generationConfig={"thinkingConfig": {"thinkingBudget": 1.5}}), "GL102",
     "/generationConfig/thinkingConfig/thinkingBudget"),
    ('{"contents": [{"role": "system", "parts": [{"text": "hi"}]}]}', "GL112", "/contents/0/role"),
    ('{"contents": [{"parts": [{"text": "my key is ' + KEY + '"}]}]}', "GL201", "/contents/0/parts/0/text"),
    (
        '{"contents": [{"parts": [{"inlineData": {"mimeType": "image/png", "data": "not base64!"}}]}]}',
        "GL110",
        "/contents/0/parts/0/inlineData/data",
    ),
]


def _cli_json(tmp_path, text: str, name: str = "req.gemini.json", *args: str) -> dict:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "gemini_lsp", "check", "--format", "json", *args, str(path)],
        capture_output=True,
        text=True,
        env=server_env(),
        cwd=ROOT,
    )
    report = json.loads(result.stdout)
    report["exit"] = result.returncode
    return report


@pytest.mark.parametrize(("text", "code", "pointer"), ISSUE_ERRORS)
def test_cli_reports_error_at_pointer(tmp_path, text, code, pointer):
    report = _cli_json(tmp_path, text)
    found = [(d["code"], d["pointer"]) for d in report["files"][0]["diagnostics"] if d["severity"] == "error"]
    assert (code, pointer) in found
    assert report["exit"] == 1


@pytest.mark.parametrize(
    "text",
    [
        "{'contents': {'parts': {'text': 'hi'}}, 'generation_config': {'temperature': 0.5,},}",
        '{"contents": [{"parts": [{"text": "hi"}]}], "safetySettings": [{"category": 7, "threshold": 4}]}',
    ],
)
def test_cli_no_error_on_lenient_requests_the_api_accepts(tmp_path, text):
    report = _cli_json(tmp_path, text)
    diagnostics = report["files"][0]["diagnostics"]
    assert [d for d in diagnostics if d["severity"] == "error"] == []
    assert report["exit"] == 0
    assert {d["severity"] for d in diagnostics} <= {"hint"}
    for d in diagnostics:
        assert set(d) >= {"code", "name", "severity", "message", "pointer", "range"}


def test_secret_never_repeated_in_any_output(tmp_path):
    text = '{"contents": [{"parts": [{"text": "' + KEY + '"}]}]}'
    for fmt in ("text", "json", "sarif"):
        path = tmp_path / "k.gemini.json"
        path.write_text(text)
        out = subprocess.run(
            [sys.executable, "-m", "gemini_lsp", "check", "--format", fmt, str(path)],
            capture_output=True, text=True, env=server_env(),
        )
        assert "GL201" in out.stdout
        assert KEY not in out.stdout  # the text format masks it in the echoed source line too
        assert KEY[8:20] not in out.stdout


def test_cli_exit_status_and_usage(tmp_path):
    assert _cli_json(tmp_path, _body())["exit"] == 0
    missing = subprocess.run(
        [sys.executable, "-m", "gemini_lsp", "check", str(tmp_path / "nope.gemini.json")],
        capture_output=True, text=True, env=server_env(),
    )
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_cli_directory_walk_and_method_from_file_name(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.countTokens.gemini.json").write_text('{"contents": [{"parts": [{"text": "x"}]}]}')
    (tmp_path / "sub" / "b.embedContent.gemini.json").write_text('{"content": {"parts": [{"text": "x"}]}}')
    (tmp_path / "ignored.json").write_text("{")
    result = subprocess.run(
        [sys.executable, "-m", "gemini_lsp", "check", "--format", "json", str(tmp_path)],
        capture_output=True, text=True, env=server_env(),
    )
    report = json.loads(result.stdout)
    assert [f["path"].rsplit("/", 1)[-1] for f in report["files"]] == ["a.countTokens.gemini.json", "b.embedContent.gemini.json"]
    assert all(f["diagnostics"] == [] for f in report["files"])


def test_cli_sarif_shape(tmp_path):
    path = tmp_path / "x.gemini.json"
    path.write_text('{"content": []}')
    out = subprocess.run(
        [sys.executable, "-m", "gemini_lsp", "check", "--format", "sarif", str(path)],
        capture_output=True, text=True, env=server_env(),
    )
    sarif = json.loads(out.stdout)
    assert sarif["version"] == "2.1.0"
    [result] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "GL101"]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1


def test_cli_text_format_has_caret(tmp_path):
    path = tmp_path / "x.gemini.json"
    path.write_text('{\n  "content": []\n}\n')
    out = subprocess.run(
        [sys.executable, "-m", "gemini_lsp", "check", str(path)], capture_output=True, text=True, env=server_env()
    )
    lines = out.stdout.splitlines()
    assert lines[0].startswith(f"{path}:2:3: error GL101 [unknown-field]")
    assert lines[1] == '      "content": []' and lines[2] == "      ^^^^^^^^^"


# -- unit checks ------------------------------------------------------------------------------------------------------


def test_openai_vocabulary_gets_targeted_hints_and_move_fix():
    analysis = check('{"messages": [], "max_tokens": 5, "contents": [{"parts": [{"text": "x"}]}]}')
    by_key = {f.data["key"]: f for f in analysis.findings if f.code == "GL101"}
    assert "contents" in by_key["messages"].message
    assert "maxOutputTokens" in by_key["max_tokens"].message
    assert any("generationConfig" in fix.title for fix in by_key["max_tokens"].fixes)


def test_all_lowercase_field_name_is_unknown_with_exact_suggestion():
    analysis = check(_body(generationconfig={"temperature": 1}))
    [finding] = [f for f in analysis.findings if f.code == "GL101"]
    assert finding.pointer == "/generationconfig"
    assert finding.fixes[0].edits[0].new_text == '"generationConfig"'


def test_json_schema_keyword_in_schema_points_to_json_schema_fields():
    body = _body(generationConfig={"responseMimeType": "application/json",
                                   "responseSchema": {"type": "OBJECT", "additionalProperties": False}})
    [finding] = [f for f in check(body).findings if f.code == "GL101"]
    assert finding.pointer == "/generationConfig/responseSchema/additionalProperties"
    assert "responseJsonSchema" in finding.message


def test_wrong_types():
    assert ("GL102", "/generationConfig/stopSequences") not in errors(check(_body(generationConfig={"stopSequences": "x"})))
    assert ("GL102", "/generationConfig") in errors(check(_body(generationConfig=[{"temperature": 1}])))
    assert ("GL102", "/contents/0/parts/0/functionCall/args") in errors(
        check('{"contents": [{"role": "model", "parts": [{"functionCall": {"name": "f", "args": "x"}}]}]}')
    )
    assert ("GL102", "/tools/0/functionDeclarations/0/parameters/enum/0") in errors(
        check(_body(tools=[{"functionDeclarations": [{"name": "f", "description": "d",
                                                      "parameters": {"type": "STRING", "enum": [1]}}]}]))
    )


def test_missing_required_reported_at_parent_with_member_named():
    analysis = check('{"contents": [{"role": "model", "parts": [{"functionCall": {"args": {}}}]}]}')
    [finding] = [f for f in analysis.findings if f.code == "GL103"]
    assert finding.pointer == "/contents/0/parts/0/functionCall"
    assert finding.data["member"] == "name"


def test_empty_parts_and_empty_part():
    assert ("GL104", "/contents/0/parts") in errors(check('{"contents": [{"parts": []}]}'))
    assert ("GL103", "/contents/0/parts/0") in errors(check('{"contents": [{"parts": [{}]}]}'))


def test_empty_text_is_an_error_only_in_user_turns():
    user = '{"contents": [{"role": "user", "parts": [{"text": ""}]}]}'
    model = '{"contents": [{"role": "user", "parts": [{"text": "a"}]}, {"role": "model", "parts": [{"text": ""}]}]}'
    assert ("GL113", "/contents/0/parts/0/text") in errors(check(user))
    assert errors(check(model)) == []


def test_enum_forms():
    assert ("GL105", "/safetySettings/0/category") in errors(
        check(_body(safetySettings=[{"category": "HARASSMENT", "threshold": "BLOCK_NONE"}]))
    )
    lower = check(_body(safetySettings=[{"category": "harm_category_harassment", "threshold": "block_none"}]))
    assert errors(lower) == [] and ("GL056", "/safetySettings/0/category") in codes(lower)
    numbers = check(_body(safetySettings=[{"category": 7, "threshold": 4}]))
    assert errors(numbers) == [] and ("GL055", "/safetySettings/0/category") in codes(numbers)


def test_ranges_and_list_limits():
    assert ("GL109", "/generationConfig/temperature") in errors(check(_body(generationConfig={"temperature": 3})))
    assert ("GL109", "/generationConfig/logprobs") in errors(
        check(_body(generationConfig={"responseLogprobs": True, "logprobs": 25}))
    )
    assert ("GL111", "/generationConfig/stopSequences") in errors(
        check(_body(generationConfig={"stopSequences": list("abcdef")}))
    )
    assert errors(check(_body(generationConfig={"temperature": "0.5", "topK": "40"}))) == []


def test_formats():
    assert ("GL110", "/contents/0/parts/0/fileData") not in errors(check(
        '{"contents": [{"parts": [{"fileData": {"fileUri": "gs://b/v.mp4"}, "videoMetadata": {"startOffset": "1.5s"}}]}]}'
    ))
    bad_duration = '{"contents": [{"parts": [{"fileData": {"fileUri": "gs://b/v.mp4"}, "videoMetadata": {"startOffset": "90"}}]}]}'
    assert ("GL110", "/contents/0/parts/0/videoMetadata/startOffset") in errors(check(bad_duration))
    urlsafe = '{"contents": [{"parts": [{"inlineData": {"mimeType": "image/png", "data": "a-_b"}}]}]}'
    assert errors(check(urlsafe)) == []


def test_schema_enum_only_with_string_type():
    body = _body(tools=[{"functionDeclarations": [{"name": "f", "description": "d", "parameters": {
        "type": "OBJECT", "properties": {"op": {"type": "INTEGER", "enum": ["1", "2"]}}}}]}])
    assert ("GL114", "/tools/0/functionDeclarations/0/parameters/properties/op/enum") in errors(check(body))


def test_duplicates_and_both_spellings_are_warnings():
    analysis = check('{"contents": [{"parts": [{"text": "x"}]}], "generationConfig": {}, "generation_config": {}}')
    assert ("GL107", "/generation_config") in codes(analysis, "warning")
    assert errors(analysis) == []


def test_invalid_user_json_schema_is_a_warning():
    body = _body(generationConfig={"responseMimeType": "application/json", "responseJsonSchema": {"type": 5}})
    assert any(f.code == "GL115" and f.severity == "warning" for f in check(body).findings)


def test_surface_differences():
    body = _body(systemInstruction={"parts": [{"text": "x"}]})
    assert errors(check(body)) == []
    assert ("GL101", "/systemInstruction") in errors(check(body, api_version="v1"))
    assert errors(check(_body(labels={"team": "a"}), api="vertex", api_version="v1")) == []


def test_method_missing_on_surface_is_information_only():
    analysis = check('{"model": "models/x", "bogus": 1}', "x.cachedContents.gemini.json", api_version="v1")
    assert [(f.code, f.severity) for f in analysis.findings] == [("GL116", "information")]


def test_syntax_errors_do_not_cascade_into_schema_errors():
    analysis = check('{"contents": [{"parts": [{"text": "hi"}]}], "generationConfig": {"temperature": 1,')
    assert all(f.code.startswith("GL0") for f in analysis.findings if f.severity == "error")


def test_large_file_limit_keeps_syntax_and_secrets():
    text = '{"content": "' + KEY + '", "x": }'
    analysis = check(text, max_file_size=10)
    found = {f.code for f in analysis.findings}
    assert {"GL201", "GL901", "GL005"} <= found and "GL101" not in found


def test_binary_and_nul_input_do_not_crash():
    for text in ["\x00\x00\x00", "\ufeff{}", "\udcff", "{" * 5000, "[" * 100_000, ""]:
        check(text)


def test_no_schema_or_model_finding_cascades_from_a_broken_value():
    text = (
        '{"contents": [{"parts": [{"text": "x"}]}],\n'
        ' "generationConfig": {"responseMimeType": "application/json,\n'
        '   "responseSchema": {"type": "OBJECT"}}}\n'
    )
    analysis = check(text, model="gemini-3.8-flash")
    assert {f.code for f in analysis.findings if f.severity == "error"} <= {"GL002", "GL003", "GL004", "GL010"}
    # the same document with the quote typed: the value is checked again
    fixed = text.replace("application/json,", 'application/json",')
    assert errors(check(fixed, model="gemini-3.8-flash")) == []


def test_missing_comma_does_not_hide_the_schema_findings_around_it():
    analysis = check('{"contents": [{"parts": [{"text": "x"}]}], "generationConfg": {} "safetySettings": []}')
    assert {"GL003", "GL101"} <= {f.code for f in analysis.findings}


# -- rules no other test named (each rule has at least one test: tests/test_rule_coverage.py) ---------------------


def test_gl118_deprecated_enum_value_is_a_warning():
    analysis = check('{"contents": [{"parts": [{"text": "hi"}]}], "safetySettings": '
                     '[{"category": "HARM_CATEGORY_CIVIC_INTEGRITY", "threshold": "BLOCK_NONE"}]}')
    assert [(f.code, f.severity, f.pointer) for f in analysis.findings] == [
        ("GL118", "warning", "/safetySettings/0/category")
    ]


def test_gl057_numbers_and_booleans_as_strings_are_hints():
    analysis = check('{"contents": [{"parts": [{"text": "hi"}]}], '
                     '"generationConfig": {"temperature": "0.7", "responseLogprobs": "true"}}')
    assert [(f.code, f.severity, f.pointer) for f in analysis.findings] == [
        ("GL057", "hint", "/generationConfig/temperature"),
        ("GL057", "hint", "/generationConfig/responseLogprobs"),
    ]
    assert [fx.edits[0].new_text for f in analysis.findings for fx in f.fixes] == ["0.7", "true"]


def test_gl052_raw_line_break_and_gl060_unquoted_key_are_hints():
    analysis = check('{"contents": [{"parts": [{"text": "a\nb"}]}], generationConfig: {}}')
    assert [(f.code, f.severity) for f in analysis.findings] == [("GL052", "hint"), ("GL060", "hint")]


def test_gl902_caps_the_findings():
    body = {"contents": [{"parts": [{"text": "hi"}]}], **{f"x{i}": 1 for i in range(520)}}
    analysis = check(json.dumps(body))
    assert len(analysis.findings) == 501
    [cap] = [f for f in analysis.findings if f.code == "GL902"]
    assert cap.severity == "information" and cap.message.startswith("20 more findings are not shown")
