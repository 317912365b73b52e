"""Which files `gemini-lsp check PATH...` checks: explicit files as given, folders searched for `*.gemini.json`.

A folder walk skips what linters users know skip (ruff, ripgrep): hidden folders and files (`.git`, `.venv`, ...),
vendored and generated folders (`node_modules`, `__pycache__`, ...), virtual environments (a folder holding
`pyvenv.cfg` or `conda-meta`), and whatever a `.gitignore` ignores — the `.gitignore` files inside the walked folder
and, within a git repository, those of its parent folders up to the repository root; nested files and `!` negation
follow git's rules (the deepest matching pattern decides; nothing below an ignored folder is re-included). A file or
folder named on the command line is always checked. `include_ignored` (the CLI's `--no-ignore`) turns all skipping
off.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import pathspec

REQUEST_FILE_SUFFIX = ".gemini.json"
VENDORED_FOLDERS = frozenset({"node_modules", "bower_components", "jspm_packages", "__pycache__", "__pypackages__",
                              "site-packages"})
ENVIRONMENT_MARKERS = ("pyvenv.cfg", "conda-meta")


@dataclass
class WalkResult:
    """The files to check, the named paths that do not exist, and the named folders that held no request file."""

    files: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    empty_folders: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # folder named on the command line -> folders/files skipped


@dataclass(frozen=True)
class _IgnoreFile:
    folder: Path
    spec: pathspec.GitIgnoreSpec

    def verdict(self, path: Path, is_dir: bool) -> bool | None:
        """True when this file ignores `path`, False when it re-includes it (`!`), None when no pattern matches."""
        try:
            relative = path.relative_to(self.folder).as_posix()
        except ValueError:
            return None
        result = self.spec.check_file(relative + "/" if is_dir else relative)
        return result.include


def _read_ignore_file(folder: Path) -> _IgnoreFile | None:
    path = folder / ".gitignore"
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return _IgnoreFile(folder, pathspec.GitIgnoreSpec.from_lines(lines))


def _parent_ignore_files(folder: Path) -> list[_IgnoreFile]:
    """The `.gitignore` files of the folders above `folder`, outermost first, up to the repository root (the folder
    holding `.git`); none when `folder` is not inside a git repository."""
    parents: list[Path] = []
    for parent in folder.parents:
        parents.append(parent)
        if (parent / ".git").exists():
            break
    else:
        return []
    found = [_read_ignore_file(p) for p in reversed(parents)]
    return [f for f in found if f is not None]


def is_ignored(path: Path, is_dir: bool, ignore_files: Sequence[_IgnoreFile]) -> bool:
    """Whether git would ignore `path`: the last file (the deepest) whose patterns match decides."""
    ignored = False
    for ignore_file in ignore_files:
        verdict = ignore_file.verdict(path, is_dir)
        if verdict is not None:
            ignored = verdict
    return ignored


def skipped_folder(folder: Path) -> bool:
    """A hidden, vendored or generated folder, or a virtual environment."""
    name = folder.name
    if name.startswith(".") or name in VENDORED_FOLDERS:
        return True
    return any((folder / marker).exists() for marker in ENVIRONMENT_MARKERS)


def request_files_under(root: Path, *, include_ignored: bool = False) -> tuple[list[Path], int]:
    """Every `*.gemini.json` file below `root` (sorted), and how many folders and files the walk skipped."""
    found: list[Path] = []
    skipped = 0
    base = root.resolve()
    inherited = [] if include_ignored else _parent_ignore_files(base)
    ignores_by_folder: dict[str, list[_IgnoreFile]] = {}
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        folder_path = Path(folder)
        real_folder = base / folder_path.relative_to(root)
        if include_ignored:
            ignores: list[_IgnoreFile] = []
        else:
            parent_key = str(real_folder.parent) if real_folder != base else None
            ignores = list(ignores_by_folder.get(parent_key, inherited) if parent_key else inherited)
            own = _read_ignore_file(real_folder)
            if own is not None:
                ignores.append(own)
            ignores_by_folder[str(real_folder)] = ignores
        kept = []
        for name in sorted(dirnames):
            child = real_folder / name
            if not include_ignored and (skipped_folder(child) or is_ignored(child, True, ignores)):
                skipped += 1
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in filenames:
            if not name.endswith(REQUEST_FILE_SUFFIX):
                continue
            if not include_ignored and (name.startswith(".") or is_ignored(real_folder / name, False, ignores)):
                skipped += 1
                continue
            path = folder_path / name
            if path.is_file():
                found.append(path)
    return sorted(found), skipped


def collect_request_files(paths: Sequence[str], *, include_ignored: bool = False) -> WalkResult:
    """The files `check` looks at for the paths given on the command line (each file once, in the order given)."""
    result = WalkResult()
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            result.files.append(path)

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files, skipped = request_files_under(path, include_ignored=include_ignored)
            if skipped:
                result.skipped[raw] = skipped
            if not files:
                result.empty_folders.append(raw)
            for file in files:
                add(file)
        elif path.is_file():
            add(path)
        else:
            result.missing.append(raw)
    return result
