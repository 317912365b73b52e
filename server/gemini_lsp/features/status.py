"""What an editor's status bar shows for a request file, answered from the catalogue the server checks with.

`geminiLsp/documentContext` (one document: surface, method, model and that model's status) and `geminiLsp/models`
(the models a picker offers). The client never reads `models.json` itself: with `geminiLsp.server.path` or a
refreshed catalogue (`geminiLsp.models.allowRefresh`) only the server knows which catalogue is in force.
Pure functions over plain data; no LSP types.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..analysis import RequestContext
from ..catalog import Catalog
from .descriptions import model_summary

__all__ = ["DOCUMENT_CONTEXT", "MODELS", "catalog_json", "document_context", "model_choices"]

#: Custom requests: params `{"uri": ...}` and `{}` (optionally `{"method": ...}`).
DOCUMENT_CONTEXT = "geminiLsp/documentContext"
MODELS = "geminiLsp/models"


def catalog_json(catalog: Catalog, refreshed: bool) -> dict[str, Any]:
    """Which catalogue is in force: its collection date and whether the refreshed model list is applied."""
    return {"collected": catalog.collected.isoformat() if catalog.collected else None, "refreshed": refreshed}


def document_context(context: RequestContext, catalog: Catalog, today: date, refreshed: bool) -> dict[str, Any]:
    """The request context plus what the catalogue says about its model.

    ``modelStatus`` is the effective status on ``today`` ("current" | "preview" | "deprecated" | "retired"),
    "unknown" for a model ID the catalogue does not know, "tuned" for a tuned model, None without a model.
    """
    out: dict[str, Any] = dict(context.as_json())
    status: str | None = None
    info = catalog.lookup(context.model) if context.model and context.model_kind == "model" else None
    if info is not None:
        status = catalog.effective_status(info, today)
    elif context.model:
        status = "tuned" if context.model_kind == "tuned" else "unknown"
    replacement = catalog.final_replacement(info, today) if info is not None and status in (
        "deprecated", "retired") else None
    out.update({
        "modelStatus": status,
        "modelDisplayName": info.display_name if info is not None and info.display_name else None,
        "modelSummary": model_summary(info, status) if info is not None and status is not None else None,
        "modelShutdownDate": info.shutdown_date.isoformat() if info is not None and info.shutdown_date else None,
        "modelReplacement": replacement.id if replacement is not None else None,
        "catalog": catalog_json(catalog, refreshed),
    })
    return out


def model_choices(catalog: Catalog, today: date) -> list[dict[str, Any]]:
    """Every model that is not retired on ``today``, in completion order, with a one-line detail."""
    out = []
    for m in catalog.current_models(today):
        status = catalog.effective_status(m, today)
        detail = " · ".join(x for x in (m.display_name, model_summary(m, status)) if x)
        out.append({"id": m.id, "status": status, "category": m.category, "detail": detail})
    return out
