"""One analysis of one request file: what it is checked against (surface, method, model) and its findings.

The one entry point of the engine for `gemini-lsp check`, an opened document and every keystroke (with the
document's `incremental.AnalysisCache`), so all report exactly the same.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from . import catalog as catalog_module
from .catalog import Catalog, ModelInfo
from . import engine
from .checks.context import CheckContext
from .checks.secrets import redact_findings
from .document import ParsedDocument, parse
from .findings import Finding
from .schema import RequestSchema, load_request_schema
from .settings import Settings, effective_severity, resolve_method

if TYPE_CHECKING:
    from .incremental import AnalysisCache


@dataclass(frozen=True)
class RequestContext:
    """What a file is checked against (answered to clients as `geminiLsp/documentContext`)."""

    api: str
    api_version: str
    method: str
    model: str | None
    model_source: str | None  # "body" | "setting" | None
    model_kind: str | None  # "model" | "tuned" | "unknown" | None

    def as_json(self) -> dict[str, str | None]:
        return {
            "api": self.api,
            "apiVersion": self.api_version,
            "method": self.method,
            "model": self.model,
            "modelSource": self.model_source,
        }


@dataclass(frozen=True)
class Analysis:
    doc: ParsedDocument
    context: RequestContext
    findings: list[Finding]
    #: what failed inside gemini-lsp (a rule, a rule module, the parser); each is also a GL900 finding
    internal_errors: tuple[str, ...] = ()


def body_model(doc: ParsedDocument) -> str | None:
    """The top-level `"model"` string of the body, if any."""
    root = doc.root
    if root is None or root.kind != "object":
        return None
    for member in root.members:
        if member.key.value == "model" and member.value is not None and member.value.kind == "string":
            return str(member.value.value)
    return None


def request_context(
    doc: ParsedDocument, path: str, settings: Settings, *, method: str | None = None, model: str | None = None
) -> RequestContext:
    """Resolve surface, method and model: the body's model first, then `model` (CLI) or the setting."""
    resolved_method = resolve_method(path, settings, method)
    model_text = body_model(doc)
    source: str | None = "body"
    if model_text is None:
        model_text = model or settings.model
        source = "setting" if model_text else None
    model_id: str | None = None
    kind: str | None = None
    if model_text:
        ref = catalog_module.parse_model_ref(model_text)
        model_id, kind = ref.id, ref.kind
    return RequestContext(settings.api, settings.api_version, resolved_method, model_id, source if model_id else None, kind)


def analyze(
    text: str,
    path: str,
    settings: Settings,
    *,
    method: str | None = None,
    model: str | None = None,
    catalog: Catalog | None = None,
    today: date | None = None,
    doc: ParsedDocument | None = None,
    cache: AnalysisCache | None = None,
) -> Analysis:
    """Parse (unless given a parsed document) and check one request file; with `cache` (the document's, kept
    between keystrokes) the engine reuses what the edits since the last analysis cannot have changed."""
    doc = doc if doc is not None else parse(text)
    context = request_context(doc, path, settings, method=method, model=model)
    catalog = catalog or catalog_module.load_catalog()
    schema = load_request_schema(context.api, context.api_version, context.method)
    day = today or catalog_module.today()
    ctx = check_context(doc, context, schema, catalog, settings, day, len(text))
    if cache is not None:
        cache.begin((context, settings, catalog, day, schema, ctx.too_large), doc.root)
    result = engine.run(ctx, cache)
    findings = redact_findings(apply_severity_overrides(result.findings, settings))
    findings.sort(key=lambda f: (f.start, f.end, f.code))
    return Analysis(doc, context, findings, result.internal_errors)


def check_context(
    doc: ParsedDocument,
    context: RequestContext,
    schema: RequestSchema | None,
    catalog: Catalog,
    settings: Settings,
    today: date,
    size: int,
) -> CheckContext:
    """What the checks read, for a document whose request context is resolved."""
    info: ModelInfo | None = catalog.lookup(context.model) if context.model and context.model_kind == "model" else None
    # a shut-down model: the body is checked against the model that serves it (routed) or replaces it (404)
    serving, why = catalog.serving_model(info, today) if info is not None else (None, None)
    return CheckContext(
        named_model=info if why is not None or serving is None else None,
        serving_reason=why,
        doc=doc,
        schema=schema,
        catalog=catalog,
        settings=settings,
        method=context.method,
        today=today,
        model=serving if info is not None else None,
        model_id=context.model,
        model_source=context.model_source,
        model_kind=context.model_kind,
        too_large=size > settings.max_file_size,
    )


def apply_severity_overrides(findings: list[Finding], settings: Settings) -> list[Finding]:
    """Apply `geminiLsp.severity` (by code or name); "off" drops the finding. Internal errors (GL900) stay."""
    if not settings.severity:
        return findings
    out: list[Finding] = []
    for finding in findings:
        if finding.code == engine.INTERNAL_ERROR_CODE:
            out.append(finding)
            continue
        level = effective_severity(settings, finding.code, finding.name, finding.severity)
        if level is None:
            continue
        out.append(finding if level == finding.severity else replace(finding, severity=level))  # type: ignore[arg-type]
    return out
