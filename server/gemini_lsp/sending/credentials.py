"""Credentials, read from the environment of this process only (never from a request file or an LSP message).

Gemini Developer API: an API key from `GEMINI_API_KEY` (else `GOOGLE_API_KEY`), sent as `x-goog-api-key`.
Vertex AI: project and location from the settings or `GOOGLE_CLOUD_PROJECT` / `GOOGLE_CLOUD_LOCATION`, and a bearer
token from Application Default Credentials (the optional `google-auth` extra) or `gcloud auth print-access-token`,
cached for 50 minutes and refreshed once on a 401; without a project, an express-mode API key.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["CredentialError", "Credentials", "api_key_from_env", "vertex_settings", "TOKEN_LIFETIME_S"]

KEY_VARIABLES = ("GEMINI_API_KEY", "GOOGLE_API_KEY")
TOKEN_LIFETIME_S = 50 * 60
_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


class CredentialError(Exception):
    """No usable credential; the message says what to set (never holds a secret)."""


def api_key_from_env(env: Mapping[str, str]) -> tuple[str, str] | None:
    """(key, variable name) of the first non-empty key variable."""
    for name in KEY_VARIABLES:
        value = (env.get(name) or "").strip()
        if value:
            if not all(33 <= ord(ch) < 127 for ch in value):
                raise CredentialError(f"{name} holds characters an API key cannot have")
            return value, name
    return None


def vertex_settings(env: Mapping[str, str], project: str | None, location: str | None) -> tuple[str | None, str]:
    """(project, location): the given values first, then GOOGLE_CLOUD_PROJECT / GOOGLE_CLOUD_LOCATION; location
    defaults to "global"."""
    project = project or (env.get("GOOGLE_CLOUD_PROJECT") or "").strip() or None
    location = location or (env.get("GOOGLE_CLOUD_LOCATION") or "").strip() or "global"
    return project, location


@dataclass
class Credentials:
    """Headers for one surface. `kind` "api-key" or "oauth"; `secrets()` lists what must never be shown."""

    kind: str
    source: str
    _key: str | None = None
    _token: str | None = None
    _token_time: float = 0.0
    quota_project: str | None = None

    @classmethod
    def for_target(cls, api: str, express: bool, env: Mapping[str, str], quota_project: str | None = None) -> Credentials:
        if api != "vertex" or express:
            found = api_key_from_env(env)
            if found is None:
                raise CredentialError("no API key: set GEMINI_API_KEY (or GOOGLE_API_KEY) in the environment"
                                      + (" (a Vertex AI express-mode key)" if api == "vertex" else ""))
            return cls("api-key", found[1], _key=found[0])
        return cls("oauth", "google-auth or gcloud", quota_project=quota_project or env.get("GOOGLE_CLOUD_QUOTA_PROJECT"))

    def secrets(self) -> list[str]:
        return [s for s in (self._key, self._token) if s]

    async def headers(self, refresh: bool = False) -> dict[str, str]:
        if self.kind == "api-key":
            assert self._key is not None
            return {"x-goog-api-key": self._key}
        if refresh or self._token is None or time.monotonic() - self._token_time > TOKEN_LIFETIME_S:
            self._token = await _access_token()
            self._token_time = time.monotonic()
        headers = {"Authorization": f"Bearer {self._token}"}
        if self.quota_project:
            headers["x-goog-user-project"] = self.quota_project
        return headers


async def _access_token() -> str:
    try:
        import google.auth  # type: ignore[import-not-found]
        import google.auth.transport.requests  # type: ignore[import-not-found]
    except ImportError:
        return await _gcloud_token()

    def fetch() -> str:
        credentials, _ = google.auth.default(scopes=[_SCOPE])
        credentials.refresh(google.auth.transport.requests.Request())
        return str(credentials.token)

    try:
        return await asyncio.to_thread(fetch)
    except Exception as error:  # noqa: BLE001 - google-auth raises its own types; say which, never the token
        raise CredentialError(f"Application Default Credentials failed ({type(error).__name__}); "
                              "run `gcloud auth application-default login`") from None


async def _gcloud_token() -> str:
    gcloud = shutil.which("gcloud", path=os.environ.get("PATH"))
    if gcloud is None:
        raise CredentialError("no Vertex AI credentials: install the extra `gemini-lsp[vertex]` (google-auth) or "
                              "the gcloud CLI, or use an express-mode API key")
    process = await asyncio.create_subprocess_exec(gcloud, "auth", "print-access-token",
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
    try:
        out, _ = await asyncio.wait_for(process.communicate(), 60)
    except asyncio.TimeoutError:
        process.kill()
        raise CredentialError("`gcloud auth print-access-token` did not answer within 60 s") from None
    token = out.decode("utf-8", errors="replace").strip()
    if process.returncode != 0 or not token:
        raise CredentialError("`gcloud auth print-access-token` failed; run `gcloud auth login`")
    return token
