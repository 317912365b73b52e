"""Project configuration a user and CI rely on: the test run reports its slowest tests."""

from __future__ import annotations

import re

from conftest import ROOT


def test_pytest_prints_the_slowest_tests():
    text = (ROOT / "pyproject.toml").read_text()  # tomllib is Python >= 3.11; we support 3.10
    section = text.split("[tool.pytest.ini_options]", 1)[1].split("\n[", 1)[0]
    match = re.search(r'^addopts = "([^"]*)"$', section, re.M)
    assert match is not None
    addopts = match.group(1).split()
    assert "--durations=25" in addopts
    assert "python -m pytest" in (ROOT / ".ci" / "run").read_text()  # CI runs pytest, which reads these addopts
