"""Where users run linters: `--format sarif` is valid SARIF 2.1.0 (for GitHub code scanning), validated offline
against the OASIS schema vendored in tests/sarif/, and the pre-commit hook definition is usable."""

from __future__ import annotations

import json
import re
import subprocess

import jsonschema

from conftest import ROOT, server_env
from test_cli_ux import console_script

SCHEMA = json.loads((ROOT / "tests" / "sarif" / "sarif-schema-2.1.0.json").read_text())
KEY = "AIza" + "SyD3m0-Fak3Key_f0r-T3sts00000000000"  # shaped like a key, not a key


def _sarif(*paths: str) -> dict:
    result = subprocess.run([console_script(), "check", "--format", "sarif", *paths], capture_output=True, text=True,
                            env=server_env(), timeout=120)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def _validator() -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(SCHEMA)
    cls.check_schema(SCHEMA)
    return cls(SCHEMA, format_checker=cls.FORMAT_CHECKER)


def test_sarif_output_with_findings_is_valid_sarif_2_1_0(tmp_path):
    broken = tmp_path / "broken.gemini.json"
    broken.write_text('{\n  "content": [],\n  "generationConfig": {"temperature": "hot"},\n'
                      f'  "note": "{KEY}"\n}}\n')
    truncated = tmp_path / "cut.gemini.json"
    truncated.write_text('{"contents": [{"parts": [{"text": "hi"')
    good = tmp_path / "good.gemini.json"
    good.write_text('{"contents": [{"parts": [{"text": "hi"}]}]}')
    sarif = _sarif(str(broken), str(truncated), str(good), str(ROOT / "examples"))
    errors = sorted(_validator().iter_errors(sarif), key=lambda e: list(e.path))
    assert errors == [], "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    results = sarif["runs"][0]["results"]
    assert {"GL101", "GL201"} <= {r["ruleId"] for r in results}
    rule_ids = {rule["id"] for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in results} <= rule_ids
    assert KEY not in json.dumps(sarif)


def test_sarif_output_without_findings_is_valid(tmp_path):
    good = tmp_path / "good.gemini.json"
    good.write_text('{"contents": [{"parts": [{"text": "hi"}]}]}')
    sarif = _sarif(str(good))
    assert list(_validator().iter_errors(sarif)) == []
    assert sarif["runs"][0]["results"] == []


def test_the_validator_rejects_what_is_not_sarif():
    """The vendored schema really constrains: a result without a message is refused."""
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "GL101"}]}]}
    assert list(_validator().iter_errors(bad))


def test_pre_commit_hook_definition():
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    entries = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert entries[0] == "- id: gemini-lsp-check"
    fields = dict(line.lstrip("- ").split(": ", 1) for line in entries)
    assert fields["entry"] == "gemini-lsp check"
    assert fields["language"] == "python"
    pattern = re.compile(fields["files"])
    assert pattern.search("requests/story.gemini.json") and pattern.search("a.countTokens.gemini.json")
    assert not pattern.search("package.json") and not pattern.search("x.gemini.json.bak")


def test_readme_shows_pre_commit_and_code_scanning():
    readme = (ROOT / "README.md").read_text()
    assert "id: gemini-lsp-check" in readme
    assert "--format sarif" in readme and "github/codeql-action/upload-sarif" in readme
