"""User settings (section `geminiLsp`) and what a request file is checked against.

Bad values fall back to the defaults; `parse_settings` returns the problems so the server can say so once.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from .findings import SEVERITIES

APIS = ("gemini", "vertex")
API_VERSIONS = ("v1beta", "v1")
METHODS = (
    "generateContent",
    "streamGenerateContent",
    "countTokens",
    "embedContent",
    "batchEmbedContents",
    "cachedContents",
)
DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024
DEFAULT_DEBOUNCE_MS = 150


@dataclass(frozen=True)
class Settings:
    """The `geminiLsp` settings as the server uses them."""

    api: str = "gemini"
    api_version: str = "v1beta"
    model: str | None = None
    methods: tuple[tuple[str, str], ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    debounce_ms: int = DEFAULT_DEBOUNCE_MS
    allow_model_refresh: bool = False
    documentation_url: str | None = None
    origin: str = "editor"  # who set these: "editor" (the geminiLsp settings) or "cli" (`gemini-lsp check` options)


_CLI_OPTIONS = {"model": "--model", "maxFileSize": "--max-file-size", "api": "--api", "apiVersion": "--api-version",
                "methods": "--method"}


def control_name(settings: Settings, key: str) -> str:
    """How to name the control behind setting `key` (e.g. "maxFileSize") in a message: the command-line option the
    user of `gemini-lsp check` has, or the editor setting."""
    if settings.origin == "cli":
        return f"`{_CLI_OPTIONS[key]}`"
    return f"the setting `geminiLsp.{key}`"


def parse_settings(raw: Any) -> tuple[Settings, list[str]]:
    """Read a `geminiLsp` settings object; return the settings and a list of problems found in it."""
    problems: list[str] = []
    if raw is None:
        return Settings(), problems
    if not isinstance(raw, Mapping):
        return Settings(), ["geminiLsp settings must be an object; using the defaults"]

    def choice(name: str, allowed: tuple[str, ...], default: str) -> str:
        value = raw.get(name, default)
        if value is None:
            return default
        if value not in allowed:
            problems.append(f"geminiLsp.{name} must be one of {', '.join(allowed)}; using {default!r}")
            return default
        return str(value)

    def integer(name: str, default: int, minimum: int) -> int:
        value = raw.get(name, default)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
            problems.append(f"geminiLsp.{name} must be a number >= {minimum}; using {default}")
            return default
        return int(value)

    api = choice("api", APIS, "gemini")
    api_version = choice("apiVersion", API_VERSIONS, "v1beta")
    if api == "vertex" and api_version != "v1":
        api_version = "v1"

    model = raw.get("model")
    if model is not None and not isinstance(model, str):
        problems.append("geminiLsp.model must be a string; ignoring it")
        model = None
    model = (model or "").strip() or None

    methods: list[tuple[str, str]] = []
    raw_methods = raw.get("methods") or {}
    if isinstance(raw_methods, Mapping):
        for glob, method in raw_methods.items():
            if method in METHODS:
                methods.append((str(glob), str(method)))
            else:
                problems.append(f"geminiLsp.methods[{glob!r}] must be one of {', '.join(METHODS)}")
    else:
        problems.append("geminiLsp.methods must be an object mapping globs to methods")

    severity: dict[str, str] = {}
    raw_severity = raw.get("severity") or {}
    if isinstance(raw_severity, Mapping):
        for key, level in raw_severity.items():
            if level in SEVERITIES or level == "off":
                severity[str(key)] = str(level)
            else:
                problems.append(f"geminiLsp.severity[{key!r}] must be error, warning, information, hint or off")
    else:
        problems.append("geminiLsp.severity must be an object mapping codes or names to severities")

    models = raw.get("models")
    allow_refresh = bool(models.get("allowRefresh")) if isinstance(models, Mapping) else False
    doc_url = raw.get("documentationUrl")
    return (
        Settings(
            api=api,
            api_version=api_version,
            model=model,
            methods=tuple(methods),
            severity=severity,
            max_file_size=integer("maxFileSize", DEFAULT_MAX_FILE_SIZE, 0),
            debounce_ms=integer("debounceMs", DEFAULT_DEBOUNCE_MS, 0),
            allow_model_refresh=allow_refresh,
            documentation_url=doc_url if isinstance(doc_url, str) and doc_url else None,
        ),
        problems,
    )


_METHOD_SUFFIX = re.compile(r"\.(" + "|".join(METHODS) + r")\.gemini\.json$")


def method_from_file_name(path: str) -> str | None:
    """The method that `NAME.<method>.gemini.json` names, or None for a plain `NAME.gemini.json`."""
    match = _METHOD_SUFFIX.search(path.replace("\\", "/").rsplit("/", 1)[-1])
    return match.group(1) if match else None


def resolve_method(path: str, settings: Settings, override: str | None = None) -> str:
    """Which request type a file holds: `--method`, then `geminiLsp.methods` globs, then the file name."""
    if override:
        return override
    normalized = path.replace("\\", "/")
    name = normalized.rsplit("/", 1)[-1]
    for glob, method in settings.methods:
        if fnmatch.fnmatch(normalized, glob) or fnmatch.fnmatch(name, glob):
            return method
    return method_from_file_name(path) or "generateContent"


def effective_severity(settings: Settings, code: str, name: str, default: str) -> str | None:
    """The severity a finding gets after the user's overrides; None when the user turned it off."""
    level = settings.severity.get(code) or settings.severity.get(name) or default
    return None if level == "off" else level
