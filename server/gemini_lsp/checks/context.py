"""What a check may read: the parsed request, the schema of its method, the model catalogue, the settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..catalog import Catalog, ModelInfo
from ..document import ParsedDocument
from ..schema import RequestSchema
from ..settings import Settings


@dataclass
class CheckContext:
    """Everything a check may read. Checks never mutate it."""

    doc: ParsedDocument
    schema: RequestSchema | None
    catalog: Catalog
    settings: Settings
    method: str
    today: date
    model: ModelInfo | None = None  # the model whose rules apply: the named one, or what serves a shut-down one
    named_model: ModelInfo | None = None  # set only when `model` is not the model the file names (it is shut down)
    serving_reason: str | None = None  # "routed" | "replacement" | None: why `model` differs from `named_model`
    model_id: str | None = None
    model_source: str | None = None  # "body" | "setting" | None
    model_kind: str | None = None  # "model" | "tuned" | "unknown" | None
    too_large: bool = False
    facts: dict = field(default_factory=dict)  # scratch shared between families (e.g. seen naming styles)
