#!/usr/bin/env python3
"""Fetch, verify and extract the pinned inputs of ``generate_schemas.py`` (manifest: ``schemas/inputs.json``).

Every input is a file inside a published package at a pinned version: the package archive is downloaded with the
registry's own client (``npm pack`` / ``pip download --no-deps``) into a cache outside the repository
(``$GEMINI_LSP_INPUTS_CACHE``, default ``~/.cache/gemini-lsp-inputs``), its sha256 is checked against the manifest,
and only the files the manifest lists are extracted, each checked against its own sha256. An input whose digest
differs is refused. Nothing of Google's is copied into the repository.

Usage::

    python scripts/schema_inputs.py [--cache DIR] [--dest DIR]

fetches every input into the cache and verifies it (``.ci/run`` does this before the tests); with ``--dest`` it also
extracts the verified files there.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
MANIFEST = REPO / "schemas" / "inputs.json"
CACHE_ENV = "GEMINI_LSP_INPUTS_CACHE"
DEFAULT_CACHE = Path("~/.cache/gemini-lsp-inputs")


class InputError(Exception):
    """An input cannot be fetched, or its content differs from the manifest."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_manifest(path: Path = MANIFEST) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def cache_dir(override: Path | None = None) -> Path:
    """The download cache: ``override``, else ``$GEMINI_LSP_INPUTS_CACHE``, else ``~/.cache/gemini-lsp-inputs``."""
    if override is not None:
        return override.expanduser()
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else DEFAULT_CACHE.expanduser()


def _download(spec: dict[str, Any], dest: Path) -> Path:
    """Download the package archive of ``spec`` into the empty folder ``dest`` with the registry's client."""
    registry, package, version = spec["registry"], spec["package"], spec["version"]
    if registry == "npm":
        npm = shutil.which("npm")
        if npm is None:
            raise InputError(f"{package}@{version}: `npm` is not installed (needed to fetch this input)")
        cmd = [npm, "pack", f"{package}@{version}", "--pack-destination", str(dest), "--ignore-scripts", "--silent"]
    elif registry == "pypi":
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--no-cache-dir",
               "--disable-pip-version-check", "-q", "-d", str(dest), f"{package}=={version}"]
    else:
        raise InputError(f"{package}: unknown registry {registry!r} in the manifest")
    print(f"schema_inputs: fetching {package} {version} from {registry}", file=sys.stderr)
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise InputError(f"{' '.join(cmd[:2])} failed ({proc.returncode}) for {package} {version}:\n"
                         f"{proc.stderr.strip()[-2000:]}")
    got = dest / spec["archive"]
    if not got.is_file():
        found = sorted(p.name for p in dest.iterdir())
        raise InputError(f"{package} {version}: expected {spec['archive']} after download, found {found}")
    return got


def fetch_archive(name: str, spec: dict[str, Any], cache: Path) -> Path:
    """The verified package archive of input ``name``, downloaded into ``cache`` unless already there."""
    target = cache / "archives" / spec["archive"]
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".download-") as tmp:
            got = _download(spec, Path(tmp))
            digest = sha256_file(got)
            if digest != spec["archive_sha256"]:
                raise InputError(f"input {name}: the downloaded {spec['archive']} has sha256 {digest}, the "
                                 f"manifest says {spec['archive_sha256']}; refusing it")
            os.replace(got, target)
    digest = sha256_file(target)
    if digest != spec["archive_sha256"]:
        raise InputError(f"input {name}: cached {target} has sha256 {digest}, the manifest says "
                         f"{spec['archive_sha256']}; refusing it (delete the file to fetch it again)")
    return target


def _read_members(name: str, spec: dict[str, Any], archive: Path) -> dict[str, bytes]:
    """The bytes of every file the manifest lists, read from the package archive."""
    prefix = spec.get("archive_prefix", "")
    wanted = {prefix + rel: rel for rel in spec["files"]}
    out: dict[str, bytes] = {}
    if archive.name.endswith((".tgz", ".tar.gz")):
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                if member.name in wanted and member.isfile():
                    fh = tar.extractfile(member)
                    assert fh is not None
                    out[wanted[member.name]] = fh.read()
    elif archive.name.endswith(".whl"):
        with zipfile.ZipFile(archive) as whl:
            for member_name in whl.namelist():
                if member_name in wanted:
                    out[wanted[member_name]] = whl.read(member_name)
    else:
        raise InputError(f"input {name}: unknown archive type {archive.name}")
    missing = sorted(set(spec["files"]) - set(out))
    if missing:
        raise InputError(f"input {name}: {archive.name} lacks {missing}")
    return out


def _read_installed(name: str, spec: dict[str, Any]) -> dict[str, bytes]:
    """Files of an installed Python distribution (the compiler's well-known types), at the pinned version."""
    try:
        dist = importlib.metadata.distribution(spec["package"])
    except importlib.metadata.PackageNotFoundError as exc:
        raise InputError(f"input {name}: {spec['package']} is not installed (pip install -e '.[generate]')") from exc
    if dist.version != spec["version"]:
        raise InputError(f"input {name}: {spec['package']} {dist.version} is installed, the manifest pins "
                         f"{spec['version']} (pip install -e '.[generate]')")
    out: dict[str, bytes] = {}
    for rel in spec["files"]:
        path = Path(str(dist.locate_file(rel)))
        if not path.is_file():
            raise InputError(f"input {name}: installed {spec['package']} lacks {rel}")
        out[rel] = path.read_bytes()
    return out


def verified_files(name: str, spec: dict[str, Any], cache: Path) -> dict[str, bytes]:
    """Input ``name``'s files (path inside the package -> bytes), each checked against the manifest's sha256."""
    if spec["registry"] == "installed":
        files = _read_installed(name, spec)
    else:
        files = _read_members(name, spec, fetch_archive(name, spec, cache))
    for rel, data in files.items():
        digest = sha256_bytes(data)
        if digest != spec["files"][rel]:
            raise InputError(f"input {name}: {rel} in {spec['package']} {spec['version']} has sha256 {digest}, "
                             f"the manifest says {spec['files'][rel]}; refusing it")
    return files


def materialize(dest: Path, cache: Path | None = None, manifest: dict[str, Any] | None = None) -> dict[str, Path]:
    """Fetch and verify every input; write input ``name``'s files under ``dest/name/``; return name -> its root.

    The root of an input is ``dest/name/<strip>`` where ``strip`` is the manifest's ``root`` (a folder inside the
    package, e.g. ``build/protos``).
    """
    manifest = manifest if manifest is not None else load_manifest()
    where = cache_dir(cache)
    roots: dict[str, Path] = {}
    for name, spec in manifest["inputs"].items():
        for rel, data in verified_files(name, spec, where).items():
            path = dest / name / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        roots[name] = dest / name / spec.get("root", "")
    return roots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=None,
                        help=f"download cache (default: ${CACHE_ENV} or {DEFAULT_CACHE})")
    parser.add_argument("--dest", type=Path, default=None, help="also extract the verified files here")
    args = parser.parse_args(argv)
    try:
        if args.dest is not None:
            roots = materialize(args.dest, args.cache)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                roots = materialize(Path(tmp), args.cache)
    except InputError as exc:
        print(f"schema_inputs: {exc}", file=sys.stderr)
        return 1
    print(f"schema_inputs: {len(roots)} inputs in {cache_dir(args.cache)} match schemas/inputs.json: "
          + ", ".join(roots))
    return 0


if __name__ == "__main__":
    sys.exit(main())
