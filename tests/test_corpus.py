"""The data-driven corpus: Google's own valid samples raise no error; each invalid sample raises its findings."""

from __future__ import annotations

import json

import pytest

from conftest import CORPUS
from helpers import check

VALID = CORPUS / "valid"
INVALID = CORPUS / "invalid"


def _manifest(folder):
    path = folder / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


VALID_MANIFEST = _manifest(VALID)
INVALID_MANIFEST = _manifest(INVALID)


def _analyze(folder, name, entry):
    text = (folder / name).read_bytes().decode("utf-8", errors="surrogateescape")  # as the CLI reads files
    return check(
        text,
        str(folder / name),
        api=entry.get("api", "gemini"),
        api_version=entry.get("apiVersion", "v1" if entry.get("api") == "vertex" else "v1beta"),
        model=entry.get("model") or None,
    )


def test_corpus_is_large_enough_and_sourced():
    assert len(VALID_MANIFEST) >= 60
    assert len(INVALID_MANIFEST) >= 60
    for name, entry in {**VALID_MANIFEST}.items():
        assert (VALID / name).is_file(), name
        assert entry.get("source"), f"{name} has no source"
    for name, entry in INVALID_MANIFEST.items():
        assert (INVALID / name).is_file(), name
        assert entry.get("expect"), f"{name} expects nothing"


@pytest.mark.parametrize("name", sorted(VALID_MANIFEST))
def test_valid_sample_has_no_error(name):
    entry = VALID_MANIFEST[name]
    analysis = _analyze(VALID, name, entry)
    errors = [(f.code, f.pointer, f.message) for f in analysis.findings if f.severity == "error"]
    if entry.get("modelStatus") == "retired":
        # the body was accepted when it was published; its model has been shut down since (a 404, not a 400)
        errors = [e for e in errors if e[0] != "GL302"]
    assert errors == []


@pytest.mark.parametrize("name", sorted(INVALID_MANIFEST))
def test_invalid_sample_reports_its_findings(name):
    entry = INVALID_MANIFEST[name]
    analysis = _analyze(INVALID, name, entry)
    found = {(f.code, f.pointer) for f in analysis.findings}
    found_pointers = {f.pointer for f in analysis.findings if f.severity in ("error", "warning")}
    for expected in entry["expect"]:
        if expected.get("code"):
            assert (expected["code"], expected["pointer"]) in found, (expected, sorted(found))
        else:  # a rule without an assigned code yet: something must be reported there
            assert expected["pointer"] in found_pointers, (expected, sorted(found))


def _exact(folder, name):
    entry = {**VALID_MANIFEST, **INVALID_MANIFEST}[name] if folder in (VALID, INVALID) else {}
    analysis = _analyze(folder, name, entry)
    return [f"{f.code} {f.severity} {f.pointer}" for f in analysis.findings]


@pytest.mark.parametrize(
    "folder, name", [(VALID, n) for n in sorted(VALID_MANIFEST)] + [(INVALID, n) for n in sorted(INVALID_MANIFEST)]
)
def test_corpus_findings_are_exactly_the_listed_ones(folder, name):
    """Every finding on every corpus file is listed in its manifest (`findings`: "CODE severity pointer", in the
    order reported): a new finding, a lost one or a changed severity fails until the manifest is updated."""
    entry = (VALID_MANIFEST if folder == VALID else INVALID_MANIFEST)[name]
    assert "findings" in entry, f"{name}: the manifest lists no findings"
    assert _exact(folder, name) == entry["findings"]


ACCEPTED = CORPUS.parent / "accepted"
ACCEPTED_MANIFEST = {k: v for k, v in _manifest(ACCEPTED).items() if not k.startswith("$")}


@pytest.mark.parametrize("name", sorted(ACCEPTED_MANIFEST))
def test_accepted_request_raises_nothing(name):
    """Requests a false-alarm hunt found in Google's docs and samples: no error, no unexpected warning."""
    entry = ACCEPTED_MANIFEST[name]
    analysis = _analyze(ACCEPTED, name, entry)
    serious = [(f.code, f.pointer) for f in analysis.findings if f.severity in ("error", "warning")]
    assert sorted(code for code, _ in serious) == sorted(entry.get("warnings", []))
