"""Docs and data cite public sources or files inside the repository, never files outside it (the team's shared
notes such as FACTS.md or DESIGN.md, `../shared/...`, absolute paths of a work machine): someone with only the
repository must be able to follow every citation."""

from __future__ import annotations

import re
import subprocess

from conftest import ROOT

#: Data and documentation: every tracked file with one of these suffixes (code comments are not covered here).
DOC_SUFFIXES = (".md", ".json", ".txt", ".toml", ".yaml", ".yml")
OUTSIDE = re.compile(
    r"\.\./shared\b|\bshared/gemini-api\b|/work/(?:shared|main|standalone|engine|robust|send|ux|models)\b"
    r"|\b(?:FACTS|SOURCES|SENDING|DESIGN|STYLE|TOOLCHAIN|PERFORMANCE)(?:\.md\b|\s*(?:§|section\s+\d))"
)
#: Files allowed to cite outside the repository (none). Remove an entry as soon as its file is clean;
#: test_known_exceptions_are_still_needed fails then.
KNOWN_EXCEPTIONS: set[str] = set()


def _tracked_doc_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    names = [n for n in out.decode("utf-8").split("\0") if n]
    return sorted(n for n in names if n.endswith(DOC_SUFFIXES) and (ROOT / n).is_file())


def _citations_outside(name: str) -> list[str]:
    text = (ROOT / name).read_text(encoding="utf-8", errors="replace")
    hits = []
    for number, line in enumerate(text.splitlines(), 1):
        for match in OUTSIDE.finditer(line):
            hits.append(f"{name}:{number}: {match.group(0)!r} in {line.strip()[:160]!r}")
    return hits


def test_the_scan_covers_data_and_docs() -> None:
    files = _tracked_doc_files()
    for expected in ("README.md", "schemas/overlay.json", "schemas/models.json", "schemas/README.md",
                     "schemas/MODELS.md", "schemas/request_rules.json", "tests/corpus/README.md",
                     "tests/corpus/invalid/manifest.json", "tests/accepted/manifest.json", "docs/architecture.md",
                     "schemas/generated/gemini-v1beta/GenerateContentRequest.schema.json"):
        assert expected in files, expected


def test_the_pattern_finds_what_it_must() -> None:
    for text in ("see FACTS.md §8", "(FACTS §3.4)", "../shared/gemini-api/SOURCES.md", "DESIGN.md 'The request file'",
                 "FACTS.md section 8", "/work/shared/gemini-api/aiplatform.v1.json"):
        assert OUTSIDE.search(text), text
    for text in ("THINKING_FACTS", "https://protobuf.dev/programming-guides/json/", "benchmarks/RESULTS.md",
                 "shared for all tools", "README.md, 'The request file'"):
        assert not OUTSIDE.search(text), text


def test_no_data_or_doc_file_cites_a_file_outside_the_repository() -> None:
    hits = [hit for name in _tracked_doc_files() if name not in KNOWN_EXCEPTIONS for hit in _citations_outside(name)]
    assert not hits, f"{len(hits)} citations of files outside the repository:\n" + "\n".join(hits[:40])


def test_known_exceptions_are_still_needed() -> None:
    clean = [name for name in sorted(KNOWN_EXCEPTIONS) if not _citations_outside(name)]
    assert not clean, f"{clean} no longer cite files outside the repository: remove them from KNOWN_EXCEPTIONS"
