"""The model catalogue: model IDs, aliases, status and dates, limits, thinking, modalities and capabilities.

The data lives in ``schemas/models.json`` (installed as ``gemini_lsp.schemas/models.json``); ``schemas/MODELS.md``
describes its format and the sources policy. This module only reads it: no network, no editor protocol.

Every fact is three-valued: a value a public source states, or ``None`` when no source states it. Checks must stay
silent on ``None``. The real date is read in one place only, :func:`today`; everything else takes ``today`` as an
argument so that tests can pin it.
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import json
import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

__all__ = [
    "FACT_FIELDS",
    "AfterShutdown",
    "FEATURE_KEYS",
    "SOURCE_TIERS",
    "STATUSES",
    "THINKING_FACTS",
    "Catalog",
    "CatalogError",
    "ModelInfo",
    "ModelRef",
    "ShutdownAlternative",
    "ThinkingInfo",
    "apply_refresh",
    "default_refresh_cache_path",
    "load_catalog",
    "parse_generation",
    "parse_model_ref",
    "read_refresh_cache",
    "today",
]

STATUSES = ("current", "preview", "deprecated", "retired")
"""Lifecycle states, from best to worst."""

SOURCE_TIERS = ("official", "sdk", "3p")
"""Evidence tiers of a source, strongest first (see MODELS.md)."""

FEATURE_KEYS = (
    "function_calling",
    "code_execution",
    "google_search",
    "google_search_retrieval",
    "google_maps",
    "url_context",
    "file_search",
    "computer_use",
    "structured_output",
    "penalties",
    "caching",
    "batch",
    "live",
    "image_config",
    "speech_config",
    "json_with_function_calling",
    "builtin_with_functions",
    "builtin_with_functions_needs_server_side_flag",
    "thought_signatures_required",
    "system_instruction",
    "json_mode",
    "model_turn_prefill",
    "speech_config_required",
)
"""Capability flags a model entry may carry (each True / False / None = unknown)."""

FACT_FIELDS = (
    "status",
    "release_date",
    "deprecation_date",
    "shutdown_date",
    "replacement",
    "methods",
    "input_token_limit",
    "output_token_limit",
    "response_modalities",
    "response_modalities_must_include",
    "top_k",
    "candidate_count_max",
    "recommended_temperature",
    "output_dimensionality",
    "limits_text",
    "description",
    "after_shutdown",
)
"""Top-level facts of a model entry that need a source when not null (thinking.* and features.* too)."""

THINKING_FACTS = (
    "supported",
    "budget_min",
    "budget_max",
    "budget_zero_allowed",
    "budget_dynamic_allowed",
    "default_budget",
    "level_accepted",
    "levels_accepted",
    "levels_rejected",
    "default_level",
)

Status = Literal["current", "preview", "deprecated", "retired"]
RefKind = Literal["model", "tuned", "unknown"]

_STATUS_RANK = {s: i for i, s in enumerate(STATUSES)}
_TIER_RANK = {t: i for i, t in enumerate(SOURCE_TIERS)}
_DOCUMENTING_FACTS = ("release_date", "limits_text", "input_token_limit", "output_token_limit", "deprecation_date",
                      "shutdown_date", "replacement", "description")
_CATEGORY_RANK = {c: i for i, c in enumerate(
    ("text", "alias", "image", "tts", "speech-to-text", "live", "embedding", "video", "music", "robotics",
     "open-model"))}


class CatalogError(ValueError):
    """The catalogue data is malformed (raised while loading, never while checking a document)."""


def today() -> date:
    """The real current date. The only place in the engine that reads the clock."""
    return date.today()


# --------------------------------------------------------------------------------------------- dataclasses


@dataclass(frozen=True)
class ThinkingInfo:
    """What a model accepts in ``generationConfig.thinkingConfig``. ``None`` = no source says."""

    supported: bool | None = None
    budget_min: int | None = None          # smallest positive thinkingBudget accepted
    budget_max: int | None = None
    budget_zero_allowed: bool | None = None     # thinkingBudget 0 (thinking off)
    budget_dynamic_allowed: bool | None = None  # thinkingBudget -1 (dynamic)
    default_budget: int | None = None
    level_accepted: bool | None = None      # is thinkingLevel accepted at all (Gemini 3+)
    levels_accepted: tuple[str, ...] | None = None  # the levels the sources list for the model
    levels_rejected: tuple[str, ...] | None = None  # levels a source says the API rejects
    default_level: str | None = None

    def accepts_level(self, level: str) -> bool | None:
        """True / False when a source settles it, None when unknown. ``level`` is compared case-insensitively."""
        lv = level.upper()
        if self.level_accepted is False:
            return False
        if self.levels_rejected is not None and lv in self.levels_rejected:
            return False
        if self.levels_accepted is not None and lv in self.levels_accepted:
            return True
        if self.default_level is not None and lv == self.default_level:
            return True
        return None

    def accepts_budget(self, budget: int) -> bool | None:
        """True / False when the recorded range settles it, None when unknown."""
        if budget == 0:
            return self.budget_zero_allowed
        if budget == -1:
            return self.budget_dynamic_allowed
        if budget < -1:
            return False
        if self.budget_max is not None and budget > self.budget_max:
            return False
        if self.budget_min is not None and budget < self.budget_min:
            return False
        if self.budget_min is not None and self.budget_max is not None:
            return True
        return None


@dataclass(frozen=True)
class AfterShutdown:
    """What the API does with a model's requests once it is shut down: ``behavior`` "not_found" (404) or "routed"
    (served by ``routed_to``), or "unavailable" (an outage some proxy reported; never the chosen reading)."""

    behavior: Literal["not_found", "routed", "unavailable"]
    routed_to: str | None = None
    note: str = ""
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShutdownAlternative:
    """A shutdown date some source gives that was not chosen as ``ModelInfo.shutdown_date``."""

    date: date
    note: str
    sources: tuple[str, ...]


_GEN_RE = re.compile(r"^gemini-(?:live-)?(\d+(?:\.\d+)?)(?=-|$)")
_TIERS = ("flash-lite", "flash-8b", "flash", "pro")


def parse_generation(model_id: str) -> float | None:
    """The Gemini generation in a model ID: ``gemini-3.8-flash`` → 3.8, ``gemini-4-argon`` → 4.0,
    ``gemini-live-2.5-flash-native-audio`` → 2.5; None for IDs without one (``gemini-pro``, Gemma, embeddings)."""
    m = _GEN_RE.match(model_id)
    return float(m.group(1)) if m else None


def _family(model_id: str) -> str:
    for prefix, fam in (("gemma-", "gemma"), ("lyria-", "lyria"), ("gemini-embedding-", "embedding"),
                        ("text-embedding-", "embedding"), ("embedding-", "embedding"),
                        ("gemini-robotics-", "robotics"), ("gemini-omni-", "omni"), ("nano-banana", "nano-banana"),
                        ("gemini-nano-banana", "nano-banana")):
        if model_id.startswith(prefix):
            return fam
    return "gemini" if model_id.startswith("gemini") else "other"


def _tier(model_id: str) -> str | None:
    parts = model_id.split("-")
    joined = "-" + "-".join(parts) + "-"
    for t in _TIERS:
        if f"-{t}-" in joined:
            return t
    return None


@dataclass(frozen=True)
class ModelInfo:
    """One model ID of the catalogue. Any fact may be None (= no public source states it)."""

    id: str
    display_name: str
    category: str                     # text | image | tts | speech-to-text | live | embedding | ... | alias
    status: Status                    # as recorded on the collection date; see Catalog.effective_status
    release_date: date | None = None
    deprecation_date: date | None = None   # when the deprecation was announced
    shutdown_date: date | None = None      # the date chosen per MODELS.md (the milder reading)
    shutdown_date_alternatives: tuple[ShutdownAlternative, ...] = ()
    after_shutdown: AfterShutdown | None = None            # None: no source says; a shut-down model answers 404
    after_shutdown_alternatives: tuple[AfterShutdown, ...] = ()  # other readings (MODELS.md: the milder one wins)
    replacement: str | None = None
    replacement_source: Literal["google", "recommendation"] | None = None
    methods: tuple[str, ...] | None = None
    input_token_limit: int | None = None
    output_token_limit: int | None = None
    thinking: ThinkingInfo | None = None
    response_modalities: tuple[tuple[str, ...], ...] | None = None   # accepted combinations, exact
    response_modalities_must_include: tuple[str, ...] | None = None
    features: Mapping[str, bool | None] = field(default_factory=lambda: MappingProxyType({}))
    top_k_min: int | None = None
    top_k_max: int | None = None
    candidate_count_max: int | None = None
    recommended_temperature: float | None = None
    description: str | None = None
    notes: str | None = None
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    sources: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    source_tiers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), repr=False,
                                            compare=False)
    synthetic: bool = False           # built from a retired-family pattern, not a listed ID

    def __hash__(self) -> int:        # the mapping fields are not hashable; an ID names one entry
        return hash((self.id, self.synthetic))

    # ---- derived from the ID
    @property
    def generation(self) -> float | None:
        """Gemini generation parsed from the ID (2.5, 3.0, 3.8, 4.0, ...), None when the ID has none."""
        return parse_generation(self.id)

    @property
    def family(self) -> str:
        """Product line: gemini | gemma | lyria | embedding | robotics | omni | nano-banana | other."""
        return _family(self.id)

    @property
    def tier(self) -> str | None:
        """pro | flash | flash-lite | flash-8b, when the ID names one."""
        return _tier(self.id)

    @property
    def is_alias(self) -> bool:
        """A moving alias such as ``gemini-flash-latest`` (its facts are not recorded)."""
        return self.category == "alias"

    @property
    def is_gemini3_or_later(self) -> bool | None:
        g = self.generation
        return None if g is None else g >= 3.0

    def feature(self, name: str) -> bool | None:
        """A capability flag (see FEATURE_KEYS); None when unknown."""
        return self.features.get(name)

    def supports_method(self, method: str) -> bool | None:
        """Whether ``method`` is among the model's supported methods; None when they are unknown."""
        if self.methods is None:
            return None
        return method in self.methods

    def sources_of(self, fact: str) -> tuple[str, ...]:
        """Sources of a fact (``"shutdown_date"``, ``"thinking.levels_rejected"``, ``"features.penalties"``)."""
        return self.sources.get(fact, ())

    def evidence(self, fact: str) -> str | None:
        """Strongest tier among the fact's sources: ``"official"`` | ``"sdk"`` | ``"3p"``; None without source.

        Checks use it to pick a severity: error on official evidence, warning on third-party (the team rule: weak evidence gives a warning)."""
        tiers = [self.source_tiers.get(s, "3p") for s in self.sources_of(fact)]
        if not tiers:
            return None
        return min(tiers, key=lambda t: _TIER_RANK.get(t, len(SOURCE_TIERS)))


@dataclass(frozen=True)
class ModelRef:
    """A parsed model reference. ``kind`` "model": ``id`` is a catalogue-style ID; "tuned": a tuned model or a
    Vertex endpoint the catalogue cannot know (rules stay silent); "unknown": not a recognisable reference."""

    kind: RefKind
    id: str | None
    text: str = ""


_VERTEX_PUBLISHER_RE = re.compile(r"^(?:projects/[^/]+/locations/[^/]+/)?publishers/([^/]+)/models/([^/]+)$")
_VERTEX_ENDPOINT_RE = re.compile(r"^projects/[^/]+/locations/[^/]+/endpoints/[^/]+$")


def parse_model_ref(text: str) -> ModelRef:
    """Parse the forms a request may name a model with:
    ``models/ID``, ``ID``, ``publishers/google/models/ID``, ``projects/P/locations/L/publishers/google/models/ID``
    → kind "model"; ``tunedModels/X`` (also under ``models/``) and Vertex ``projects/P/locations/L/endpoints/E``
    → kind "tuned"; anything else (empty, another publisher, extra path segments) → kind "unknown"."""
    if not isinstance(text, str) or not text:
        return ModelRef("unknown", None, text if isinstance(text, str) else "")
    t = text
    if t.startswith(("tunedModels/", "models/tunedModels/")):
        rest = t.split("tunedModels/", 1)[1]
        return ModelRef("tuned", rest or None, text)
    if _VERTEX_ENDPOINT_RE.match(t):
        return ModelRef("tuned", t.rsplit("/", 1)[1], text)
    m = _VERTEX_PUBLISHER_RE.match(t)
    if m:
        publisher, mid = m.group(1), m.group(2)
        if publisher != "google":
            return ModelRef("unknown", mid, text)
        return ModelRef("model", mid, text)
    t = t.removeprefix("models/")
    if not t or "/" in t:
        return ModelRef("unknown", None, text)
    return ModelRef("model", t, text)


# --------------------------------------------------------------------------------------------- loading


def _date(value: Any, where: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise CatalogError(f"{where}: not an ISO date: {value!r}") from exc


def _strs(value: Any) -> tuple[str, ...] | None:
    return None if value is None else tuple(str(v) for v in value)


def _thinking(raw: Mapping[str, Any] | None, where: str) -> ThinkingInfo | None:
    if raw is None:
        return None
    unknown = set(raw) - set(THINKING_FACTS)
    if unknown:
        raise CatalogError(f"{where}: unknown thinking facts {sorted(unknown)}")
    return ThinkingInfo(
        supported=raw.get("supported"),
        budget_min=raw.get("budget_min"),
        budget_max=raw.get("budget_max"),
        budget_zero_allowed=raw.get("budget_zero_allowed"),
        budget_dynamic_allowed=raw.get("budget_dynamic_allowed"),
        default_budget=raw.get("default_budget"),
        level_accepted=raw.get("level_accepted"),
        levels_accepted=_strs(raw.get("levels_accepted")),
        levels_rejected=_strs(raw.get("levels_rejected")),
        default_level=raw.get("default_level"),
    )


_AFTER_SHUTDOWN_BEHAVIORS = ("not_found", "routed", "unavailable")


def _after_shutdown(raw: Any, where: str, sources: tuple[str, ...]) -> AfterShutdown | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or raw.get("behavior") not in _AFTER_SHUTDOWN_BEHAVIORS:
        raise CatalogError(f"{where}: after_shutdown needs a behavior among {_AFTER_SHUTDOWN_BEHAVIORS}: {raw!r:.80}")
    routed_to = raw.get("routed_to")
    if (raw["behavior"] == "routed") != isinstance(routed_to, str):
        raise CatalogError(f"{where}: after_shutdown 'routed' needs routed_to (and only it): {raw!r:.80}")
    return AfterShutdown(raw["behavior"], routed_to, str(raw.get("note", "")), sources)


_KNOWN_KEYS = set(FACT_FIELDS) | {
    "id", "display_name", "category", "thinking", "features", "sources", "notes", "replacement_source",
    "shutdown_date_alternatives", "after_shutdown_alternatives",
}


def _model_from_raw(raw: Mapping[str, Any], tiers: Mapping[str, str], synthetic: bool = False) -> ModelInfo:
    mid = raw.get("id")
    if not isinstance(mid, str) or not mid:
        raise CatalogError(f"model entry without an id: {raw!r:.80}")
    where = f"models[{mid}]"
    status = raw.get("status")
    if status not in STATUSES:
        raise CatalogError(f"{where}: status must be one of {STATUSES}, not {status!r}")
    features = raw.get("features") or {}
    bad = set(features) - set(FEATURE_KEYS)
    if bad:
        raise CatalogError(f"{where}: unknown features {sorted(bad)}")
    top_k = raw.get("top_k") or {}
    rm = raw.get("response_modalities")
    alternatives = tuple(
        ShutdownAlternative(_date(a["date"], where) or date.min, a.get("note", ""), tuple(a.get("sources", ())))
        for a in raw.get("shutdown_date_alternatives", ())
    )
    after = _after_shutdown(raw.get("after_shutdown"), where, tuple((raw.get("sources") or {}).get("after_shutdown", ())))
    after_alternatives = tuple(
        a for a in (_after_shutdown(alt, where, tuple(alt.get("sources", ()))) for alt in raw.get("after_shutdown_alternatives", ()))
        if a is not None
    )
    extra = {k: v for k, v in raw.items() if k not in _KNOWN_KEYS}
    extra.update({k: raw[k] for k in ("output_dimensionality", "limits_text") if raw.get(k) is not None})
    return ModelInfo(
        id=mid,
        display_name=raw.get("display_name") or mid,
        category=raw.get("category") or "text",
        status=status,
        release_date=_date(raw.get("release_date"), where),
        deprecation_date=_date(raw.get("deprecation_date"), where),
        shutdown_date=_date(raw.get("shutdown_date"), where),
        shutdown_date_alternatives=alternatives,
        after_shutdown=after,
        after_shutdown_alternatives=after_alternatives,
        replacement=raw.get("replacement"),
        replacement_source=raw.get("replacement_source"),
        methods=_strs(raw.get("methods")),
        input_token_limit=raw.get("input_token_limit"),
        output_token_limit=raw.get("output_token_limit"),
        thinking=_thinking(raw.get("thinking"), where),
        response_modalities=None if rm is None else tuple(tuple(c) for c in rm),
        response_modalities_must_include=_strs(raw.get("response_modalities_must_include")),
        features=MappingProxyType({k: features.get(k) for k in FEATURE_KEYS}),
        top_k_min=top_k.get("min"),
        top_k_max=top_k.get("max"),
        candidate_count_max=raw.get("candidate_count_max"),
        recommended_temperature=raw.get("recommended_temperature"),
        description=raw.get("description"),
        notes=raw.get("notes"),
        extra=MappingProxyType(extra),
        sources=MappingProxyType({k: tuple(v) for k, v in (raw.get("sources") or {}).items()}),
        source_tiers=tiers,
        synthetic=synthetic,
    )


# --------------------------------------------------------------------------------------------- catalogue


class Catalog:
    """The loaded catalogue. Immutable; share one instance."""

    def __init__(self, models: Iterable[ModelInfo], aliases: Mapping[str, str | None] | None = None,
                 retired_patterns: Iterable[Mapping[str, Any]] = (), source_tiers: Mapping[str, str] | None = None,
                 collected: date | None = None, version: Any = None) -> None:
        self._models: dict[str, ModelInfo] = {}
        for m in models:
            if m.id in self._models:
                raise CatalogError(f"duplicate model id {m.id!r}")
            self._models[m.id] = m
        self._aliases: dict[str, str | None] = dict(aliases or {})
        self._patterns = tuple(dict(p) for p in retired_patterns)
        self._source_tiers = MappingProxyType(dict(source_tiers or {}))
        self.collected = collected
        self.version = version

    # ---- construction

    @property
    def retired_patterns(self) -> tuple[dict[str, Any], ...]:
        """The retired-ID patterns the catalogue was built with."""
        return self._patterns
    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Catalog:
        """Build a catalogue from the parsed JSON of a ``models.json`` (tests inject their own this way)."""
        if not isinstance(data, Mapping) or not isinstance(data.get("models"), list):
            raise CatalogError("catalogue data needs a 'models' list")
        tiers = {s: (v.get("tier", "3p") if isinstance(v, Mapping) else str(v))
                 for s, v in (data.get("sources") or {}).items()}
        tiers_view = MappingProxyType(tiers)
        models = [_model_from_raw(raw, tiers_view) for raw in data["models"]]
        return cls(models, data.get("aliases") or {}, data.get("retired_patterns") or (), tiers_view,
                   _date(data.get("collected"), "collected"), data.get("version"))

    # ---- access
    def models(self) -> list[ModelInfo]:
        """Every listed model, in file order (retired ones included)."""
        return list(self._models.values())

    @property
    def aliases(self) -> Mapping[str, str | None]:
        """Alias ID → target ID, or None for a moving alias whose target is not recorded."""
        return MappingProxyType(self._aliases)

    @property
    def source_tiers(self) -> Mapping[str, str]:
        """Source string → "official" | "sdk" | "3p"."""
        return self._source_tiers

    def get(self, model_id: str) -> ModelInfo | None:
        """Exact catalogue ID only (no prefixes, no aliases, no patterns)."""
        return self._models.get(model_id)

    def lookup(self, model_ref: str | ModelRef) -> ModelInfo | None:
        """The model a reference names (any form :func:`parse_model_ref` accepts, or an alias), or None for an
        unknown ID, a tuned model or an unrecognisable reference. IDs of retired families that are not listed
        one by one (``gemini-exp-*``, ``gemini-1.5-*``, ...) give a synthetic retired entry."""
        ref = model_ref if isinstance(model_ref, ModelRef) else parse_model_ref(model_ref)
        if ref.kind != "model" or not ref.id:
            return None
        found = self._models.get(ref.id)
        if found is not None:
            return found
        target = self._aliases.get(ref.id)
        if target is not None and target in self._models:
            return self._models[target]
        return self._match_pattern(ref.id)

    def _match_pattern(self, model_id: str) -> ModelInfo | None:
        for p in self._patterns:
            if fnmatch.fnmatchcase(model_id, p["pattern"]):
                raw = {"id": model_id, "category": p.get("category", "text"), "status": p.get("status", "retired"),
                       "replacement": p.get("replacement"), "replacement_source": p.get("replacement_source"),
                       "sources": p.get("sources", {}),
                       "notes": f"Not listed by ID; matches the retired family {p['pattern']!r}."}
                return _model_from_raw(raw, self._source_tiers, synthetic=True)
        return None

    # ---- time
    def effective_status(self, model: ModelInfo | str, today: date) -> Status:
        """The status on ``today``: "retired" once the recorded shutdown date is reached (on that day or later),
        "deprecated" once a recorded deprecation date is reached, else the recorded status. Unknown IDs raise
        KeyError. Only ``shutdown_date`` counts, not its alternatives (the milder reading, MODELS.md)."""
        info = model if isinstance(model, ModelInfo) else self.lookup(model)
        if info is None:
            raise KeyError(model)
        if info.status == "retired":
            return "retired"
        if info.shutdown_date is not None and today >= info.shutdown_date:
            return "retired"
        if info.deprecation_date is not None and today >= info.deprecation_date and info.status != "deprecated":
            return "deprecated"
        return info.status

    def _status(self, model: ModelInfo, today: date | None) -> Status:
        return model.status if today is None else self.effective_status(model, today)

    def final_replacement(self, model: ModelInfo | str, today: date | None = None) -> ModelInfo | None:
        """Follow ``replacement`` links until a model that is not retired (on ``today``, or as recorded when
        ``today`` is None); None when the chain ends or loops."""
        info = model if isinstance(model, ModelInfo) else self.lookup(model)
        seen: set[str] = set()
        while info is not None and info.replacement and info.id not in seen:
            seen.add(info.id)
            nxt = self._models.get(info.replacement)
            if nxt is None:
                return None
            if self._status(nxt, today) != "retired":
                return nxt
            info = nxt
        return None

    def serving_model(self, model: ModelInfo, today: date) -> tuple[ModelInfo | None, str | None]:
        """The model whose rules a request naming ``model`` is checked against on ``today``, and why.

        A model that is not retired serves itself: ``(model, None)``. A retired model whose requests the API routes
        to another model (``after_shutdown``) is served by that one: ``(target, "routed")``. Any other retired model
        answers 404, and the rest of the body is checked against the replacement its quick fix proposes:
        ``(replacement, "replacement")``, or ``(None, None)`` when there is none."""
        if self.effective_status(model, today) != "retired":
            return model, None
        after = model.after_shutdown
        if after is not None and after.behavior == "routed" and after.routed_to:
            target = self._models.get(after.routed_to)
            if target is not None and self.effective_status(target, today) != "retired":
                return target, "routed"
        replacement = self.final_replacement(model, today)
        return (replacement, "replacement") if replacement is not None else (None, None)

    # ---- completion and suggestions
    def is_documented(self, model: ModelInfo) -> bool:
        """Whether Google documents the model: its token limits are known, or an official source states a product
        fact about it (release date, limits, deprecation, shutdown, replacement, description). A name known only
        from an SDK's model list, or only mentioned in passing, is not."""
        if isinstance(model.input_token_limit, int):
            return True
        return any(model.evidence(fact) == "official" for fact in _DOCUMENTING_FACTS)

    def completion_group(self, model: ModelInfo, today: date | None = None) -> int:
        """0 documented and generally available, 1 documented preview, 2 alias, 3 deprecated, 4 undocumented."""
        status = self._status(model, today)
        if model.is_alias:
            return 2
        if not self.is_documented(model):
            return 4
        return {"current": 0, "preview": 1}.get(status, 3)

    def current_models(self, today: date | None = None) -> list[ModelInfo]:
        """Models for completion, retired ones left out: documented generally available models, then documented
        previews, then moving aliases, then deprecated models, then names without documentation; within each group
        text models first and the newest first. With ``today`` the effective status is used, otherwise the
        recorded one."""
        def key(m: ModelInfo) -> tuple[Any, ...]:
            g = m.generation
            released = -m.release_date.toordinal() if m.release_date else 0
            return (self.completion_group(m, today), _CATEGORY_RANK.get(m.category, 99),
                    -(g if g is not None else -1.0), released, m.id)
        return sorted((m for m in self._models.values() if self._status(m, today) != "retired"), key=key)

    def nearest(self, model_id: str, n: int = 3, today: date | None = None) -> list[str]:
        """Up to ``n`` known, non-retired IDs closest to ``model_id`` (any reference form), best first."""
        ref = parse_model_ref(model_id)
        probe = (ref.id or model_id).casefold()
        candidates = {m.id.casefold(): m.id for m in self._models.values() if self._status(m, today) != "retired"}
        matches = difflib.get_close_matches(probe, list(candidates), n=n, cutoff=0.6)
        return [candidates[c] for c in matches]


# --------------------------------------------------------------------------------------------- entry points


def _default_text() -> str:
    try:
        return (resources.files("gemini_lsp.schemas") / "models.json").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        # Source checkout run with PYTHONPATH=server: schemas/ sits beside server/.
        return (Path(__file__).resolve().parents[2] / "schemas" / "models.json").read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _default_catalog() -> Catalog:
    return Catalog.from_data(json.loads(_default_text()))


def load_catalog(path: str | Path | None = None, refreshed: str | Path | None = None) -> Catalog:
    """The catalogue shipped with the package (cached), or the one in ``path`` (read each call).

    With ``refreshed`` (the cache file that ``gemini-lsp models refresh`` writes), the facts it holds are applied
    on top (:func:`apply_refresh`); a missing or corrupt cache file is ignored with one log line. Nothing here
    opens a network connection: the cache is only ever written by the explicit CLI command."""
    base = _default_catalog() if path is None else Catalog.from_data(
        json.loads(Path(path).read_text(encoding="utf-8")))
    if refreshed is None:
        return base
    data = read_refresh_cache(refreshed)
    if data is None:
        return base
    try:
        return apply_refresh(base, data)
    except CatalogError as error:
        _log.warning("refreshed model list %s is not usable (%s); using the shipped catalogue", refreshed, error)
        return base


# --------------------------------------------------------------------------------------------- live refresh

_log = logging.getLogger("gemini_lsp")

REFRESH_SOURCE = "models.list"
"""The ``source`` a cache file written by ``gemini-lsp models refresh`` carries."""


def default_refresh_cache_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where ``gemini-lsp models refresh`` writes and the catalogue reads the refreshed model list:
    ``$XDG_CACHE_HOME/gemini-lsp/models.json``, else ``~/.cache/gemini-lsp/models.json``."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "gemini-lsp" / "models.json"


def read_refresh_cache(path: str | Path) -> Mapping[str, Any] | None:
    """The parsed cache file, or None (with one log line) when it is missing, unreadable or not a cache."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        _log.warning("no refreshed model list at %s (run `gemini-lsp models refresh`); using the shipped catalogue",
                     path)
        return None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or type(error).__name__
        _log.warning("cannot read the refreshed model list %s (%s); using the shipped catalogue", path, reason)
        return None
    try:
        data = json.loads(text)
    except ValueError:
        _log.warning("refreshed model list %s is not valid JSON; using the shipped catalogue", path)
        return None
    if not isinstance(data, Mapping) or not isinstance(data.get("models"), Mapping):
        _log.warning("refreshed model list %s has no 'models' object; using the shipped catalogue", path)
        return None
    return data


def _positive_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and value > 0 else None


def _refresh_day(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def _refreshed_facts(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The facts of one cache entry that the catalogue uses, each only when the API gave a usable value."""
    facts: dict[str, Any] = {}
    methods = raw.get("supportedGenerationMethods")
    if isinstance(methods, list) and all(isinstance(m, str) for m in methods):
        facts["methods"] = tuple(methods)
    # models.list's `topK` is the model's *default* top_k (model.proto), not the largest it accepts: it is kept as
    # information (extra["models_list"]) and never used as a limit, which could flag valid values.
    for key, fact in (("inputTokenLimit", "input_token_limit"), ("outputTokenLimit", "output_token_limit")):
        number = _positive_int(raw.get(key))
        if number is not None:
            facts[fact] = number
    if isinstance(raw.get("thinking"), bool):
        facts["thinking.supported"] = raw["thinking"]
    return facts


def _refreshed_model(model: ModelInfo, facts: Mapping[str, Any], raw: Mapping[str, Any], source: str,
                     tiers: Mapping[str, str]) -> ModelInfo:
    sources = dict(model.sources)
    for fact in facts:
        sources[fact] = (source,)          # the refreshed value replaces the recorded one, and its sources
    thinking = model.thinking
    if "thinking.supported" in facts:
        thinking = replace(thinking or ThinkingInfo(), supported=facts["thinking.supported"])
    extra = dict(model.extra)
    extra["models_list"] = {k: raw.get(k) for k in ("temperature", "maxTemperature", "topP", "topK", "fetched")
                            if raw.get(k) is not None}
    return replace(
        model,
        methods=facts.get("methods", model.methods),
        input_token_limit=facts.get("input_token_limit", model.input_token_limit),
        output_token_limit=facts.get("output_token_limit", model.output_token_limit),
        thinking=thinking,
        extra=MappingProxyType(extra),
        sources=MappingProxyType(sources),
        source_tiers=tiers,
    )


def apply_refresh(catalog: Catalog, cache_data: Mapping[str, Any]) -> Catalog:
    """A new catalogue: ``catalog`` with the facts of a refreshed model list (the cache file of
    ``gemini-lsp models refresh``, parsed) applied.

    For a model in both, the live input/output token limits, supported methods and thinking support replace the
    recorded ones, where the API gives them; status, dates and everything else stay.
    An ID only the live list has is added as a "current" model with those facts. Alias IDs of the catalogue are
    left alone. Each applied fact is backed by the source ``models.list (refreshed <date>)``, an official one."""
    models_raw = cache_data.get("models") if isinstance(cache_data, Mapping) else None
    if not isinstance(models_raw, Mapping):
        raise CatalogError("a refreshed model list needs a 'models' object")
    top_day = _refresh_day(cache_data.get("fetched"))
    tiers = dict(catalog.source_tiers)
    models: dict[str, ModelInfo] = {m.id: m for m in catalog.models()}
    pending: list[tuple[str, Mapping[str, Any], dict[str, Any], str]] = []
    for raw_id, raw in models_raw.items():
        if not isinstance(raw_id, str) or not isinstance(raw, Mapping):
            continue
        mid = raw_id.removeprefix("models/")
        if not mid or "/" in mid:
            continue
        day = _refresh_day(raw.get("fetched")) or top_day
        source = f"{REFRESH_SOURCE} (refreshed {day})" if day else f"{REFRESH_SOURCE} (refreshed)"
        tiers[source] = "official"
        pending.append((mid, raw, _refreshed_facts(raw), source))
    tiers_view = MappingProxyType(tiers)
    for mid, raw, facts, source in pending:
        known = models.get(mid)
        if known is None:
            if mid in catalog.aliases:
                continue
            methods = facts.get("methods") or ()
            category = "embedding" if "embedContent" in methods and "generateContent" not in methods else "text"
            display = raw.get("displayName")
            known = ModelInfo(id=mid, display_name=display if isinstance(display, str) and display else mid,
                              category=category, status="current",
                              notes="Not in the shipped catalogue; listed by the API's models.list.")
        models[mid] = _refreshed_model(known, facts, raw, source, tiers_view)
    return Catalog(models.values(), catalog.aliases, catalog.retired_patterns, tiers_view,
                   catalog.collected, catalog.version)
