"""The model catalogue: data integrity of schemas/models.json and the behaviour of gemini_lsp.catalog."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from gemini_lsp import catalog as catalog_module
from gemini_lsp.catalog import (
    FACT_FIELDS,
    FEATURE_KEYS,
    SOURCE_TIERS,
    STATUSES,
    THINKING_FACTS,
    Catalog,
    CatalogError,
    ModelInfo,
    ModelRef,
    ThinkingInfo,
    load_catalog,
    parse_generation,
    parse_model_ref,
)

MODELS_JSON = Path(__file__).resolve().parents[1] / "schemas" / "models.json"
RAW = json.loads(MODELS_JSON.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog()


def lookup(c: Catalog, ref: str) -> ModelInfo:
    info = c.lookup(ref)
    assert info is not None, ref
    return info


def thinking(c: Catalog, ref: str) -> ThinkingInfo:
    info = lookup(c, ref).thinking
    assert info is not None, ref
    return info


# ------------------------------------------------------------------------------------------- the data file


def test_top_level_shape():
    assert set(RAW) >= {"$comment", "version", "collected", "models", "aliases"}
    assert RAW["collected"] == "2026-11-26"
    date.fromisoformat(RAW["collected"])


def test_every_entry_has_a_valid_status_and_unique_id():
    ids = [m["id"] for m in RAW["models"]]
    assert len(ids) == len(set(ids))
    for m in RAW["models"]:
        assert m["status"] in STATUSES, m["id"]


def _non_null_facts(entry: dict) -> list[str]:
    facts = [k for k in FACT_FIELDS if entry.get(k) is not None]
    facts += [f"thinking.{k}" for k, v in (entry.get("thinking") or {}).items() if v is not None]
    facts += [f"features.{k}" for k, v in (entry.get("features") or {}).items() if v is not None]
    return facts


def test_every_non_null_fact_has_a_source():
    missing = []
    for m in RAW["models"]:
        sources = m.get("sources", {})
        for fact in _non_null_facts(m):
            if fact == "replacement" and m.get("replacement_source") == "recommendation":
                continue  # our own recommendation, flagged as such
            if not sources.get(fact):
                missing.append(f"{m['id']}: {fact}")
    assert missing == []


def test_sources_name_only_recorded_facts():
    # a source for a fact that is null/absent is a sign of a typo in the fact name
    for m in RAW["models"]:
        facts = set(_non_null_facts(m))
        for key in m.get("sources", {}):
            assert key in facts, f"{m['id']}: source for absent fact {key}"


def test_every_cited_source_has_a_tier():
    tiers = RAW["sources"]
    cited: set[str] = set()
    for m in RAW["models"]:
        for values in m.get("sources", {}).values():
            cited.update(values)
        for alt in m.get("shutdown_date_alternatives", []) + m.get("after_shutdown_alternatives", []):
            assert alt["sources"], m["id"]
            cited.update(alt["sources"])
    for p in RAW.get("retired_patterns", []):
        for values in p["sources"].values():
            cited.update(values)
    assert cited - set(tiers) == set()
    assert {v["tier"] for v in tiers.values()} <= set(SOURCE_TIERS)


def test_replacements_are_known_models_and_flagged():
    ids = {m["id"] for m in RAW["models"]}
    for m in RAW["models"] + RAW.get("retired_patterns", []):
        if m.get("replacement") is not None:
            assert m["replacement"] in ids, m
            assert m.get("replacement_source") in ("google", "recommendation"), m


def test_retired_and_deprecated_models_have_a_replacement_where_one_exists():
    for m in RAW["models"]:
        if m["status"] == "retired":
            assert m["replacement"], m["id"]


def test_thinking_and_feature_keys_are_known():
    for m in RAW["models"]:
        assert set(m.get("thinking") or {}) <= set(THINKING_FACTS), m["id"]
        assert set(m.get("features") or {}) <= set(FEATURE_KEYS), m["id"]


def test_dates_are_iso():
    for m in RAW["models"]:
        for key in ("release_date", "deprecation_date", "shutdown_date"):
            if m.get(key) is not None:
                date.fromisoformat(m[key])


def test_required_ids_are_listed(cat: Catalog):
    for mid in ("gemini-3.8-flash", "gemini-3.7-flash", "gemini-3.6-flash", "gemini-3.5-flash",
                "gemini-3.5-flash-lite", "gemini-3.1-flash-lite", "gemini-3.1-pro-preview",
                "gemini-3.1-pro-preview-customtools", "gemini-3-flash-preview", "gemini-4-argon", "gemini-4-carbon",
                "gemini-4-hydrogen", "gemini-4-neon", "gemini-embedding-001", "gemini-embedding-2",
                "gemini-flash-latest", "gemini-pro-latest", "gemini-pro", "gemini-pro-vision", "embedding-001",
                "text-embedding-004", "gemini-3-pro-preview", "gemini-2.0-flash", "gemini-2.0-flash-lite-001",
                "gemini-1.5-flash-8b", "gemini-2.5-flash-preview-tts", "gemini-2.5-pro-preview-06-05"):
        assert cat.get(mid) is not None, mid


def test_shipped_catalogue_loads_through_the_loader():
    assert len(load_catalog().models()) == len(RAW["models"])
    assert load_catalog() is load_catalog()  # cached


# ------------------------------------------------------------------------------------------- references


@pytest.mark.parametrize(
    "text, expected",
    [
        ("gemini-2.5-flash", ModelRef("model", "gemini-2.5-flash", "gemini-2.5-flash")),
        ("models/gemini-2.5-flash", ModelRef("model", "gemini-2.5-flash", "models/gemini-2.5-flash")),
        ("publishers/google/models/gemini-2.5-flash",
         ModelRef("model", "gemini-2.5-flash", "publishers/google/models/gemini-2.5-flash")),
        ("projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash",
         ModelRef("model", "gemini-2.5-flash",
                  "projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash")),
        ("tunedModels/my-model-123", ModelRef("tuned", "my-model-123", "tunedModels/my-model-123")),
        ("projects/p/locations/l/endpoints/42", ModelRef("tuned", "42", "projects/p/locations/l/endpoints/42")),
        ("publishers/anthropic/models/claude", ModelRef("unknown", "claude", "publishers/anthropic/models/claude")),
        ("", ModelRef("unknown", None, "")),
        ("models/", ModelRef("unknown", None, "models/")),
        ("a/b/c", ModelRef("unknown", None, "a/b/c")),
    ],
)
def test_parse_model_ref(text: str, expected: ModelRef):
    assert parse_model_ref(text) == expected


@pytest.mark.parametrize(
    "ref",
    [
        "gemini-3.8-flash",
        "models/gemini-3.8-flash",
        "publishers/google/models/gemini-3.8-flash",
        "projects/my-proj/locations/global/publishers/google/models/gemini-3.8-flash",
    ],
)
def test_lookup_accepts_every_reference_form(cat: Catalog, ref: str):
    info = cat.lookup(ref)
    assert info is not None and info.id == "gemini-3.8-flash"


def test_lookup_returns_none_for_unknown_tuned_and_foreign(cat: Catalog):
    assert cat.lookup("gemini-9-ultra") is None
    assert cat.lookup("tunedModels/gemini-2.5-flash") is None
    assert cat.lookup("publishers/meta/models/gemini-2.5-flash") is None
    assert cat.lookup("") is None


def test_lookup_is_case_sensitive(cat: Catalog):
    assert cat.lookup("Gemini-2.5-Flash") is None
    assert cat.nearest("Gemini-2.5-Flash")[0] == "gemini-2.5-flash"


def test_lookup_alias(cat: Catalog):
    info = lookup(cat, "models/gemini-flash-latest")
    assert info is not None and info.is_alias and info.status == "current"
    assert info.thinking is None  # a moving alias carries no model facts


def test_lookup_of_unlisted_id_in_a_retired_family(cat: Catalog):
    info = lookup(cat, "models/gemini-exp-1010")
    assert info is not None and info.synthetic and info.status == "retired"
    assert lookup(cat, "gemini-1.5-pro-exp-0827").status == "retired"


# ------------------------------------------------------------------------------------------- dates


def test_effective_status_of_gemini_2_5_pro_around_its_shutdown(cat: Catalog):
    pro = lookup(cat, "gemini-2.5-pro")
    assert pro.shutdown_date == date(2026, 12, 1)
    assert cat.effective_status(pro, date(2026, 11, 26)) == "deprecated"
    assert cat.effective_status(pro, date(2026, 11, 30)) == "deprecated"
    assert cat.effective_status(pro, date(2026, 12, 1)) == "retired"
    assert cat.effective_status("models/gemini-2.5-pro", date(2027, 1, 1)) == "retired"


def test_effective_status_of_a_current_model_with_a_planned_shutdown(cat: Catalog):
    lite = lookup(cat, "gemini-3.1-flash-lite")
    assert cat.effective_status(lite, date(2026, 11, 26)) == "current"
    assert cat.effective_status(lite, date(2027, 5, 7)) == "retired"


def test_milder_reading_when_sources_disagree(cat: Catalog):
    lite = lookup(cat, "gemini-2.5-flash-lite")
    assert lite.shutdown_date is None and lite.shutdown_date_alternatives
    assert cat.effective_status(lite, date(2026, 11, 26)) == "current"
    image = lookup(cat, "gemini-2.5-flash-image")
    assert cat.effective_status(image, date(2026, 11, 26)) == "deprecated"


def test_effective_status_of_unknown_model_raises(cat: Catalog):
    with pytest.raises(KeyError):
        cat.effective_status("gemini-9-ultra", date(2026, 1, 1))


def test_today_reads_the_real_date():
    assert catalog_module.today() == date.today()


def test_final_replacement_follows_the_chain(cat: Catalog):
    vision = lookup(cat, "gemini-pro-vision")
    assert vision.replacement == "gemini-1.5-flash" and vision.replacement_source == "google"
    final = cat.final_replacement(vision, date(2026, 11, 26))
    assert final is not None and cat.effective_status(final, date(2026, 11, 26)) != "retired"


def test_every_retired_model_leads_to_a_live_replacement(cat: Catalog):
    for m in cat.models():
        if cat.effective_status(m, date(2026, 11, 26)) == "retired":
            assert cat.final_replacement(m, date(2026, 11, 26)) is not None, m.id


# ------------------------------------------------------------------------------------------- suggestions


def test_nearest_suggests_the_intended_model(cat: Catalog):
    assert cat.nearest("gemini-3.8-flsh")[0] == "gemini-3.8-flash"
    assert cat.nearest("models/gemini-3.8-flsh", n=1) == ["gemini-3.8-flash"]
    assert len(cat.nearest("gemini-3.8-flsh", n=3)) <= 3


def test_nearest_never_suggests_retired_models(cat: Catalog):
    retired = {m.id for m in cat.models() if m.status == "retired"}
    for probe in ("gemini-1.5-flsh", "gemini-pro-vison", "gemini-2.0-flsh"):
        assert not set(cat.nearest(probe, n=5)) & retired
    # after 2026-12-01 the deprecated 2.5 models drop out as well
    assert "gemini-2.5-pro" not in cat.nearest("gemini-2.5-pr", n=5, today=date(2026, 12, 2))


def test_current_models_order(cat: Catalog):
    """Documented generally available models first, then documented previews, aliases, deprecated models, and last
    the names no documentation describes; newest first within a category."""
    day = date(2026, 11, 26)
    ordered = cat.current_models(day)
    statuses = [cat.effective_status(m, day) for m in ordered]
    assert "retired" not in statuses
    groups = [cat.completion_group(m, day) for m in ordered]
    assert groups == sorted(groups)
    for m, group, status in zip(ordered, groups, statuses):
        if group == 0:
            assert status == "current" and cat.is_documented(m) and not m.is_alias
        elif group == 1:
            assert status == "preview" and cat.is_documented(m)
        elif group == 2:
            assert m.is_alias
        elif group == 4:
            assert not cat.is_documented(m)
    first_text = [m for m, g in zip(ordered, groups) if g == 0 and m.category == "text"]
    gens = [m.generation for m in first_text]
    assert gens == sorted(gens, reverse=True)
    assert ordered[0].id == "gemini-3.8-flash"
    ids = [m.id for m in ordered]
    assert ids.index("gemini-3.8-flash") < ids.index("gemini-3.1-pro-preview") < ids.index("gemini-flash-latest")
    assert ids.index("gemini-flash-latest") < ids.index("gemini-2.5-pro") < ids.index("gemini-4-argon")


def test_names_only_an_sdk_lists_are_not_documented(cat: Catalog):
    for name in ("gemini-4-argon", "gemini-4-carbon", "gemini-4-hydrogen", "gemini-4-neon"):
        info = cat.get(name)
        assert info is not None and not cat.is_documented(info), name
    for name in ("gemini-3.8-flash", "gemini-3.6-flash", "gemini-3.1-pro-preview", "gemini-embedding-001"):
        info = cat.get(name)
        assert info is not None and cat.is_documented(info), name


# ------------------------------------------------------------------------------------------- facts


def test_thinking_facts_of_sourced_models(cat: Catalog):
    flash = thinking(cat, "gemini-3.8-flash")
    assert flash.accepts_level("MINIMAL") is False
    assert flash.accepts_level("medium") is True and flash.default_level == "MEDIUM"
    pro31 = thinking(cat, "gemini-3.1-pro-preview")
    assert pro31.accepts_level("MINIMAL") is False and pro31.budget_zero_allowed is False
    pro25 = thinking(cat, "gemini-2.5-pro")
    assert pro25.level_accepted is False and pro25.accepts_level("HIGH") is False
    assert pro25.accepts_budget(0) is False and pro25.accepts_budget(-1) is True
    assert pro25.accepts_budget(127) is False and pro25.accepts_budget(32768) is True
    assert pro25.accepts_budget(52428) is False
    assert thinking(cat, "gemini-2.5-flash").accepts_budget(0) is True
    assert lookup(cat, "gemini-4-argon").thinking is None  # nothing sourced: silent


def test_modalities_methods_and_features(cat: Catalog):
    assert lookup(cat, "gemini-3.8-flash-tts").response_modalities == (("AUDIO",),)
    assert lookup(cat, "gemini-3.1-flash-image").response_modalities_must_include == ("IMAGE",)
    assert lookup(cat, "gemini-embedding-001").supports_method("generateContent") is False
    assert lookup(cat, "gemini-3.8-live").supports_method("generateContent") is False
    assert lookup(cat, "gemini-3.8-flash").supports_method("generateContent") is None
    assert lookup(cat, "gemini-3.8-flash").feature("json_with_function_calling") is True
    assert lookup(cat, "gemini-2.5-flash").feature("json_with_function_calling") is False
    assert lookup(cat, "gemini-2.5-flash").feature("google_search_retrieval") is None


def test_evidence_tiers(cat: Catalog):
    flash = lookup(cat, "gemini-3.8-flash")
    assert flash.evidence("thinking.levels_rejected") == "official"
    assert flash.evidence("features.penalties") == "3p"
    assert flash.evidence("thinking.budget_max") is None


@pytest.mark.parametrize(
    "model_id, generation",
    [("gemini-3.8-flash", 3.8), ("gemini-3-flash-preview", 3.0), ("gemini-4-argon", 4.0), ("gemini-2.5-pro", 2.5),
     ("gemini-live-2.5-flash-native-audio", 2.5), ("gemini-pro", None), ("gemma-4-31b-it", None),
     ("gemini-embedding-001", None), ("gemini-exp-1206", None), ("gemini-robotics-er-1.6-preview", None)],
)
def test_generation_from_id(model_id: str, generation: float | None):
    assert parse_generation(model_id) == generation


def test_family_and_tier(cat: Catalog):
    assert lookup(cat, "gemini-3.5-flash-lite").tier == "flash-lite"
    assert lookup(cat, "gemini-3.1-pro-preview-customtools").tier == "pro"
    assert lookup(cat, "gemma-4-31b-it").family == "gemma"
    assert lookup(cat, "text-embedding-004").family == "embedding"


# ------------------------------------------------------------------------------------------- injection


TEST_DATA = {
    "$comment": "test-only catalogue",
    "version": 0,
    "collected": "2030-01-01",
    "sources": {"example.test/a": {"tier": "official"}, "example.test/b": {"tier": "3p"}},
    "aliases": {"fake-latest": "fake-1.0-flash"},
    "models": [
        {"id": "fake-1.0-flash", "status": "current", "input_token_limit": 10,
         "thinking": {"supported": True, "levels_rejected": ["MINIMAL"]},
         "sources": {"status": ["example.test/a"], "input_token_limit": ["example.test/b"],
                     "thinking.supported": ["example.test/a"], "thinking.levels_rejected": ["example.test/a"]}},
        {"id": "fake-0.9", "status": "deprecated", "shutdown_date": "2030-06-01", "replacement": "fake-1.0-flash",
         "replacement_source": "google", "sources": {"status": ["example.test/b"]}},
    ],
}


def test_injected_catalogue_from_data():
    c = Catalog.from_data(TEST_DATA)
    assert [m.id for m in c.models()] == ["fake-1.0-flash", "fake-0.9"]
    assert lookup(c, "models/fake-latest").id == "fake-1.0-flash"
    assert c.lookup("gemini-3.8-flash") is None
    assert lookup(c, "fake-1.0-flash").evidence("input_token_limit") == "3p"
    assert c.effective_status(c.lookup("fake-0.9"), date(2030, 6, 1)) == "retired"
    assert c.collected == date(2030, 1, 1)


def test_injected_catalogue_from_path(tmp_path: Path):
    path = tmp_path / "models.json"
    path.write_text(json.dumps(TEST_DATA), encoding="utf-8")
    c = load_catalog(path)
    assert lookup(c, "fake-0.9").replacement == "fake-1.0-flash"
    assert load_catalog().lookup("fake-0.9") is None  # the shipped catalogue is untouched


@pytest.mark.parametrize(
    "bad",
    [
        {"models": [{"id": "x", "status": "gone"}]},
        {"models": [{"id": "x", "status": "current", "features": {"telepathy": True}}]},
        {"models": [{"id": "x", "status": "current", "shutdown_date": "next year"}]},
        {"models": [{"id": "x", "status": "current"}, {"id": "x", "status": "current"}]},
        {"nothing": []},
    ],
)
def test_malformed_catalogue_is_rejected(bad: dict):
    with pytest.raises(CatalogError):
        Catalog.from_data(bad)
