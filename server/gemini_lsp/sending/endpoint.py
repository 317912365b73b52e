"""The URL a request file goes to: surface, version, model and method, resolved as `check` resolves them
(SENDING.md §6). The model comes from the body's top-level `"model"`, else the command line or the setting."""

from __future__ import annotations

import ipaddress
import urllib.parse
from dataclasses import dataclass

from ..catalog import parse_model_ref

__all__ = ["Target", "EndpointError", "build_url", "validate_base_url", "default_base_url", "MULTI_REGIONS"]

GEMINI_BASE = "https://generativelanguage.googleapis.com"
VERTEX_GLOBAL_BASE = "https://aiplatform.googleapis.com"
MULTI_REGIONS = ("us", "eu")


class EndpointError(ValueError):
    """The URL cannot be built (no model, no project, a bad base URL); the message says what to give."""


@dataclass(frozen=True)
class Target:
    api: str                 # "gemini" | "vertex"
    api_version: str
    method: str              # generateContent, streamGenerateContent, countTokens, embedContent, ...
    model: str | None        # as written (models/x, x, publishers/google/models/x, tunedModels/x, projects/…)
    project: str | None = None
    location: str | None = None
    express: bool = False    # Vertex express mode (an API key, no project)
    base_url: str | None = None

    @property
    def stream(self) -> bool:
        return self.method == "streamGenerateContent"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate_base_url(base_url: str) -> str:
    """The base URL without a trailing slash. Plain http only to a loopback host; no credentials, query or
    fragment. Raises EndpointError."""
    parts = urllib.parse.urlsplit(base_url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise EndpointError("the base URL must be an https:// URL")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise EndpointError("the base URL must not hold credentials, a query or a fragment")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise EndpointError("the base URL must use https:// (plain http:// only for localhost)")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def default_base_url(target: Target) -> str:
    if target.api != "vertex":
        return GEMINI_BASE
    location = target.location or "global"
    if target.express or location == "global":
        return VERTEX_GLOBAL_BASE
    if location in MULTI_REGIONS:
        return f"https://aiplatform.{location}.rep.googleapis.com"
    return f"https://{location}-aiplatform.googleapis.com"


def _segment(text: str) -> str:
    return urllib.parse.quote(text, safe="-._~")


def build_url(target: Target) -> str:
    """The full URL (streaming adds `?alt=sse`). Raises EndpointError when a part is missing."""
    base = validate_base_url(target.base_url) if target.base_url else default_base_url(target)
    version = target.api_version
    query = "?alt=sse" if target.stream else ""
    if target.api == "vertex" and not target.express:
        if not target.project:
            raise EndpointError("Vertex AI needs a project: set GOOGLE_CLOUD_PROJECT or geminiLsp.send.vertexProject "
                                "(or use an express-mode API key)")
        location = target.location or "global"
        if not location.replace("-", "").isalnum():
            raise EndpointError(f"not a Vertex AI location: {location!r}")
        parent = f"projects/{_segment(target.project)}/locations/{_segment(location)}"
    else:
        parent = ""
    if target.method == "cachedContents":
        return f"{base}/{version}/{parent + '/' if parent else ''}cachedContents"
    model_path = _model_path(target, parent)
    return f"{base}/{version}/{model_path}:{target.method}{query}"


def _model_path(target: Target, parent: str) -> str:
    if not target.model:
        raise EndpointError('no model: put "model" in the body or give --model (or the setting geminiLsp.model)')
    text = target.model.strip()
    if target.api == "vertex":
        if text.startswith("projects/"):
            return "/".join(_segment(p) for p in text.split("/"))
        ref = parse_model_ref(text)
        if ref.id is None or ref.kind == "unknown" and "/" in text:
            raise EndpointError(f"cannot send to the model {text!r} on Vertex AI")
        path = f"publishers/google/models/{_segment(ref.id)}"
        return f"{parent}/{path}" if parent else path
    if text.startswith(("tunedModels/", "models/tunedModels/")):
        return "tunedModels/" + _segment(text.split("tunedModels/", 1)[1])
    ref = parse_model_ref(text)
    if ref.kind != "model" or ref.id is None:
        raise EndpointError(f"cannot send to the model {text!r} on the Gemini API")
    return f"models/{_segment(ref.id)}"
