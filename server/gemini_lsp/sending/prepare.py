"""From a request file to what is sent: surface, method and model resolved as `check` resolves them, the URL, and
the body. The file's bytes are sent as they are (so `curl -d @file` stays true), except for "Count tokens" on the
Gemini API, which wraps a generateContent body in `generateContentRequest` (countTokens' own field for that)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..analysis import Analysis
from .endpoint import Target, build_url
from .credentials import api_key_from_env, vertex_settings
from .transport import Prepared

__all__ = ["SendOptions", "prepare", "count_tokens_body"]

GENERATE_METHODS = ("generateContent", "streamGenerateContent")


@dataclass(frozen=True)
class SendOptions:
    api: str = "gemini"
    api_version: str = "v1beta"
    method: str | None = None          # None: the file's method; "countTokens" for the lens
    stream: bool = False
    model: str | None = None           # used when the body names none
    project: str | None = None
    location: str | None = None
    base_url: str | None = None


def _model_text(analysis: Analysis, options: SendOptions) -> str | None:
    from ..analysis import body_model

    return body_model(analysis.doc) or options.model


def prepare(body: bytes, analysis: Analysis, options: SendOptions, env: Mapping[str, str]) -> tuple[Prepared, Target]:
    """The request to send. Raises EndpointError / CredentialError (messages never hold a secret)."""
    method = options.method or analysis.context.method
    if options.stream and method == "generateContent":
        method = "streamGenerateContent"
    project, location = vertex_settings(env, options.project, options.location)
    express = options.api == "vertex" and project is None and api_key_from_env(env) is not None
    target = Target(options.api, options.api_version, method, _model_text(analysis, options), project, location,
                    express, options.base_url)
    url = build_url(target)
    if method == "countTokens" and analysis.context.method in GENERATE_METHODS and options.api == "gemini":
        body = count_tokens_body(body, analysis, target.model)
    return Prepared(url, body, method, target.stream), target


def count_tokens_body(body: bytes, analysis: Analysis, model: str | None) -> bytes:
    """`{"generateContentRequest": <the file's body with "model" set>}`: the file's text stays inside as written."""
    text = body.decode("utf-8", errors="surrogateescape")
    root = analysis.doc.root
    if root is not None and root.kind == "object" and model and not any(m.key.value == "model" for m in root.members):
        name = model if model.startswith(("models/", "tunedModels/")) else f"models/{model}"
        import json

        insert = json.dumps("model") + ": " + json.dumps(name) + ("," if root.members else "")
        text = text[:root.start + 1] + insert + text[root.start + 1:]
    return ('{"generateContentRequest": ' + text + "}").encode("utf-8", errors="surrogateescape")
