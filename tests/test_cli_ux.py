"""`gemini-lsp check` as CI and a new user meet it, through the real console script: what a folder walk checks and
skips, exit statuses, and messages that name the command-line options the user actually used."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import server_env

GOOD = '{"contents": [{"parts": [{"text": "hi"}]}]}'
BAD = '{"content": [{"parts": [{"text": "hi"}]}]}'


def console_script() -> str:
    """The installed `gemini-lsp` entry point (next to this Python), as a user runs it."""
    candidate = Path(sys.executable).parent / "gemini-lsp"
    found = str(candidate) if candidate.exists() else shutil.which("gemini-lsp")
    if found is None:
        pytest.fail("the gemini-lsp console script is not installed (pip install -e .)")
    return found


def run(*args: str, cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [console_script(), *args], capture_output=True, text=True, env=server_env(), cwd=cwd,
        input=stdin if stdin is not None else "", timeout=120,
    )


def checked_names(result: subprocess.CompletedProcess[str], root: Path) -> list[str]:
    """The checked files, relative to `root` (the paths printed are relative to `root` or absolute)."""
    report = json.loads(result.stdout)
    return [(root / f["path"]).resolve().relative_to(root.resolve()).as_posix() for f in report["files"]]


# -- 1. nothing checked is never a pass ----------------------------------------------------------------------------


def test_missing_path_is_a_usage_error_without_a_no_problems_line(tmp_path):
    (tmp_path / "ok.gemini.json").write_text(GOOD)
    result = run("check", str(tmp_path / "ok.gemini.json"), str(tmp_path / "typo"))
    assert result.returncode == 2
    assert f"{tmp_path / 'typo'}: no such file or directory" in result.stderr
    assert "no problems" not in result.stdout
    assert "1 path given could not be checked" in result.stdout


def test_missing_path_alone_exits_2(tmp_path):
    result = run("check", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "no such file or directory" in result.stderr
    assert "no problems" not in result.stdout + result.stderr


def test_folder_without_request_files_fails_unless_allowed(tmp_path):
    (tmp_path / "notes.json").write_text("{}")
    result = run("check", str(tmp_path))
    assert result.returncode == 2
    assert "no *.gemini.json files in this folder" in result.stderr
    assert "--allow-empty" in result.stderr
    assert "no problems" not in result.stdout
    allowed = run("check", "--allow-empty", str(tmp_path))
    assert allowed.returncode == 0
    assert "no *.gemini.json files in this folder" in allowed.stderr
    assert allowed.stdout.strip() == "0 files checked: no problems"


def test_empty_folder_message_says_what_was_skipped(tmp_path):
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "x.gemini.json").write_text(GOOD)
    result = run("check", str(tmp_path))
    assert result.returncode == 2
    assert "1 hidden, vendored or .gitignore'd entry skipped; --no-ignore includes them" in result.stderr


def test_findings_and_clean_exit_statuses(tmp_path):
    (tmp_path / "good.gemini.json").write_text(GOOD)
    assert run("check", str(tmp_path)).returncode == 0
    (tmp_path / "bad.gemini.json").write_text(BAD)
    result = run("check", str(tmp_path))
    assert result.returncode == 1
    assert "GL101" in result.stdout


# -- 2. what a folder walk skips -----------------------------------------------------------------------------------


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_walk_skips_hidden_vendored_and_virtual_environments(tmp_path):
    _tree(tmp_path, {
        "a.gemini.json": GOOD,
        "sub/b.gemini.json": GOOD,
        ".git/c.gemini.json": BAD,
        ".hidden/d.gemini.json": BAD,
        "node_modules/pkg/e.gemini.json": BAD,
        "__pycache__/f.gemini.json": BAD,
        "env/pyvenv.cfg": "home = /usr/bin\n",
        "env/lib/g.gemini.json": BAD,
        ".h.gemini.json": BAD,
    })
    result = run("check", "--format", "json", str(tmp_path))
    assert result.returncode == 0, result.stdout
    assert checked_names(result, tmp_path) == ["a.gemini.json", "sub/b.gemini.json"]
    everything = run("check", "--format", "json", "--no-ignore", str(tmp_path))
    assert everything.returncode == 1
    assert sorted(checked_names(everything, tmp_path)) == sorted([
        "a.gemini.json", "sub/b.gemini.json", ".git/c.gemini.json", ".hidden/d.gemini.json",
        "node_modules/pkg/e.gemini.json", "__pycache__/f.gemini.json", "env/lib/g.gemini.json", ".h.gemini.json",
    ])


def test_walk_honours_nested_gitignore_files_and_negation(tmp_path):
    _tree(tmp_path, {
        ".git/HEAD": "ref: refs/heads/main\n",
        ".gitignore": "build/\n*.draft.gemini.json\n",
        "build/a.gemini.json": BAD,
        "x.draft.gemini.json": BAD,
        "keep.gemini.json": GOOD,
        "sub/.gitignore": "!kept.draft.gemini.json\nlocal-*.gemini.json\n",
        "sub/kept.draft.gemini.json": GOOD,
        "sub/other.draft.gemini.json": BAD,
        "sub/local-1.gemini.json": BAD,
        "sub/deeper/local-2.gemini.json": BAD,
        "sub/deeper/fine.gemini.json": GOOD,
    })
    result = run("check", "--format", "json", str(tmp_path))
    assert result.returncode == 0, result.stdout
    assert checked_names(result, tmp_path) == ["keep.gemini.json", "sub/deeper/fine.gemini.json",
                                              "sub/kept.draft.gemini.json"]


def test_gitignore_of_the_repository_applies_to_a_walked_subfolder(tmp_path):
    _tree(tmp_path, {
        ".git/HEAD": "ref: refs/heads/main\n",
        ".gitignore": "generated/\n",
        "requests/generated/a.gemini.json": BAD,
        "requests/b.gemini.json": GOOD,
    })
    result = run("check", "--format", "json", "requests", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert checked_names(result, tmp_path) == ["requests/b.gemini.json"]


def test_a_file_named_on_the_command_line_is_always_checked(tmp_path):
    _tree(tmp_path, {
        ".git/HEAD": "ref: refs/heads/main\n",
        ".gitignore": "*.gemini.json\n",
        "node_modules/x.gemini.json": BAD,
        "notes.json": BAD,
    })
    result = run("check", "--format", "json", str(tmp_path / "node_modules" / "x.gemini.json"),
                 str(tmp_path / "notes.json"))
    assert result.returncode == 1
    assert checked_names(result, tmp_path) == ["node_modules/x.gemini.json", "notes.json"]


def test_a_file_named_twice_is_checked_once(tmp_path):
    (tmp_path / "a.gemini.json").write_text(BAD)
    result = run("check", "--format", "json", str(tmp_path), str(tmp_path / "a.gemini.json"))
    assert checked_names(result, tmp_path) == ["a.gemini.json"]


# -- 3. messages name the control the user used ---------------------------------------------------------------------


def test_model_from_the_command_line_is_called_the_option(tmp_path):
    path = tmp_path / "a.gemini.json"
    path.write_text(GOOD)
    result = run("check", "--model", "nope", str(path))
    assert "GL301" in result.stdout
    assert "(from `--model`)" in result.stdout
    assert "geminiLsp" not in result.stdout


def test_large_file_notice_names_the_option(tmp_path):
    path = tmp_path / "a.gemini.json"
    path.write_text(GOOD)
    result = run("check", "--max-file-size", "10", str(path))
    assert "GL901" in result.stdout
    assert "`--max-file-size`" in result.stdout
    assert "geminiLsp" not in result.stdout and "setting" not in result.stdout


def test_method_not_on_surface_names_the_options(tmp_path):
    path = tmp_path / "b.cachedContents.gemini.json"
    path.write_text(GOOD)
    result = run("check", "--api-version", "v1", str(path))
    assert "GL116" in result.stdout
    assert "`--api` / `--api-version`" in result.stdout
    assert "geminiLsp" not in result.stdout


# -- 4. first contact in a terminal --------------------------------------------------------------------------------


def _run_with_terminal_stdin(*args: str) -> tuple[int, str]:
    """Run the console script with a pseudo-terminal as its standard input (a person at a shell prompt)."""
    pty = pytest.importorskip("pty", reason="pseudo-terminals are POSIX only")
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen([console_script(), *args], stdin=terminal, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env=server_env())
        try:
            out, err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise AssertionError(f"`gemini-lsp {' '.join(args)}` waited for input in a terminal") from None
    finally:
        os.close(terminal)
        os.close(controller)
    return process.returncode, out + err


def test_bare_command_in_a_terminal_prints_usage_and_exits_2():
    status, output = _run_with_terminal_stdin()
    assert status == 2
    assert output.startswith("usage: gemini-lsp")
    assert "gemini-lsp check PATH" in output and "gemini-lsp serve" in output
    assert "Traceback" not in output


def test_serve_with_stdin_at_end_says_so_in_one_line():
    result = run("serve", stdin="")
    assert result.returncode == 1
    assert result.stderr.strip() == "gemini-lsp serve: standard input ended before a language client connected"
    assert result.stdout == ""


def test_serve_with_stdin_closed_says_so_in_one_line():
    result = subprocess.run([console_script(), "serve"], capture_output=True, text=True, env=server_env(),
                            stdin=subprocess.DEVNULL, timeout=60, preexec_fn=_close_stdin)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gemini-lsp serve: standard input is closed"), result.stderr


def _close_stdin() -> None:
    os.close(0)


def test_bare_command_without_a_terminal_still_serves_editors():
    """Editors configured with a bare `gemini-lsp` keep working: with a pipe on stdin it is the server."""
    result = run(stdin="")
    assert result.returncode == 1
    assert "before a language client connected" in result.stderr
