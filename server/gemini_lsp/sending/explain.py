"""An API error answer laid onto a request file: one `ApiDiagnostic` per place, each telling whether our checker
already had a finding there (if not, that is a rule we lack)."""

from __future__ import annotations

from dataclasses import dataclass

from ..analysis import Analysis
from ..schema import load_request_schema
from .errors import ApiError
from .mapping import Placement, place_error

__all__ = ["ApiDiagnostic", "explain", "SOURCE"]

SOURCE = "gemini-api"


@dataclass(frozen=True)
class ApiDiagnostic:
    placement: Placement
    error: ApiError
    checker_codes: tuple[str, ...]   # the checker's error/warning codes at that place

    @property
    def code(self) -> str:
        return self.error.diagnostic_code or "API_ERROR"

    @property
    def message(self) -> str:
        text = self.placement.text
        if self.error.localized and len(self.error.violations) <= 1 and self.placement.text == self.error.message:
            text = self.error.localized
        if self.placement.note:
            text += f"\n({self.placement.note})"
        return text

    @property
    def missed_by_checker(self) -> bool:
        return self.placement.pointer is not None and not self.checker_codes


def _segments(pointer: str) -> list[str]:
    return pointer.split("/")[1:] if pointer else []


def explain(error: ApiError, analysis: Analysis) -> list[ApiDiagnostic]:
    context = analysis.context
    schema = load_request_schema(context.api, context.api_version, context.method)
    out = []
    for placement in place_error(error, analysis.doc, schema):
        codes: list[str] = []
        if placement.pointer is not None:
            for finding in analysis.findings:
                if finding.severity not in ("error", "warning"):
                    continue
                overlaps = finding.start < max(placement.end, placement.start + 1) and placement.start < max(
                    finding.end, finding.start + 1)
                if overlaps or finding.pointer == placement.pointer:
                    codes.append(finding.code)
        out.append(ApiDiagnostic(placement, error, tuple(dict.fromkeys(codes))))
    return out
