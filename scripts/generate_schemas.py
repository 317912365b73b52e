#!/usr/bin/env python3
"""Generate the request JSON Schemas in ``schemas/generated/`` from Google's published definitions.

Inputs, pinned by package, version and sha256 in ``schemas/inputs.json`` and fetched from the package registries
by ``scripts/schema_inputs.py`` into a cache outside the repository (see ``schemas/README.md``):

* the Generative Language API ``.proto`` files (v1beta and v1) and ``protos.json`` from the npm package
  ``@google-ai/generativelanguage`` 4.1.0, compiled with grpcio-tools' ``protoc`` into a FileDescriptorSet
  (comments from ``source_code_info``, ``json_name``, oneofs, ``google.api.field_behavior``, ``deprecated``),
  with the ``google/api`` and ``google/type`` protos of the PyPI package ``googleapis-common-protos`` 1.76.0;
* Vertex AI's Discovery document ``aiplatform.v1.json`` (revision 20261106) from the PyPI package
  ``google-api-python-client`` 2.202.0;
* the hand-written overlay ``schemas/overlay.json`` (every entry carries a ``source``).

Usage::

    python scripts/generate_schemas.py [--cache DIR] [--overlay FILE] [--output DIR]

The output is deterministic: running it twice on the same inputs gives byte-identical files.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import schema_inputs

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OVERLAY = REPO / "schemas" / "overlay.json"
DEFAULT_OUTPUT = REPO / "schemas" / "generated"

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

PROTO_INPUT_VERSION = "npm @google-ai/generativelanguage 4.1.0 (build/protos)"
VERTEX_PREFIX = "GoogleCloudAiplatformV1"

#: (surface, request message) -> methods whose body it is.
REQUEST_TYPES: dict[str, list[str]] = {
    "GenerateContentRequest": ["generateContent", "streamGenerateContent"],
    "CountTokensRequest": ["countTokens"],
    "EmbedContentRequest": ["embedContent"],
    "BatchEmbedContentsRequest": ["batchEmbedContents"],
    "CachedContent": ["cachedContents"],
}
#: Methods whose ``model`` is bound to the URL path: optional at the top of the body.
URL_MODEL_METHODS = {"generateContent", "streamGenerateContent", "countTokens", "embedContent", "batchEmbedContents"}

SURFACES = {
    "gemini-v1beta": {"api": "gemini", "api_version": "v1beta", "package": "google.ai.generativelanguage.v1beta"},
    "gemini-v1": {"api": "gemini", "api_version": "v1", "package": "google.ai.generativelanguage.v1"},
    "vertex-v1": {"api": "vertex", "api_version": "v1", "package": "google.cloud.aiplatform.v1"},
}
PROTO_FILES = {
    "gemini-v1beta": [
        "google/ai/generativelanguage/v1beta/generative_service.proto",
        "google/ai/generativelanguage/v1beta/cached_content.proto",
    ],
    "gemini-v1": ["google/ai/generativelanguage/v1/generative_service.proto"],
}

# Field kinds (the vocabulary of gemini_lsp.schema.FieldInfo.kind).
SCALAR_KINDS = {
    1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 6: "uint64", 7: "uint32", 8: "bool",
    9: "string", 12: "bytes", 13: "uint32", 15: "int32", 16: "int64", 17: "int32", 18: "int64",
}
WELL_KNOWN = {
    ".google.protobuf.Duration": "duration", ".google.protobuf.Timestamp": "timestamp",
    ".google.protobuf.FieldMask": "fieldmask", ".google.protobuf.Struct": "struct",
    ".google.protobuf.Value": "value", ".google.protobuf.ListValue": "listvalue", ".google.protobuf.Empty": "empty",
    ".google.protobuf.DoubleValue": "double", ".google.protobuf.FloatValue": "float",
    ".google.protobuf.Int64Value": "int64", ".google.protobuf.UInt64Value": "uint64",
    ".google.protobuf.Int32Value": "int32", ".google.protobuf.UInt32Value": "uint32",
    ".google.protobuf.BoolValue": "bool", ".google.protobuf.StringValue": "string",
    ".google.protobuf.BytesValue": "bytes",
}
# google.api.FieldBehavior numbers.
FB_OPTIONAL, FB_REQUIRED, FB_OUTPUT_ONLY, FB_INPUT_ONLY, FB_IMMUTABLE = 1, 2, 3, 4, 5

INT_RANGES = {
    "int32": (-(2**31), 2**31 - 1), "uint32": (0, 2**32 - 1),
    "int64": (-(2**63), 2**63 - 1), "uint64": (0, 2**64 - 1),
}
# Lenient proto3-JSON value forms (https://protobuf.dev/programming-guides/json/).
INT_STRING = r"^\s*[-+]?[0-9]+(\.0*)?([eE]\+?[0-9]+)?\s*$"
FLOAT_STRING = r"^\s*(NaN|[-+]?Infinity|[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?)\s*$"
BASE64 = r"^[A-Za-z0-9+/_-]*={0,2}$"
DURATION = r"^-?[0-9]+(\.[0-9]{1,9})?s$"

CONSTRAINT_KEYS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "pattern", "maxLength",
                   "minLength")
ARRAY_CONSTRAINT_KEYS = ("minItems", "maxItems")

_XREF = re.compile(r"\[([^\[\]]+)\]\[[A-Za-z0-9_.]*\]")


class GeneratorError(Exception):
    """The inputs are inconsistent (e.g. an overlay entry names a field that does not exist)."""


# --------------------------------------------------------------------------------------------------------------
# Helpers


def clean_doc(text: str | None) -> str:
    """Official comment text without proto markup: ``[Content][google...Content]`` -> ``Content``."""
    if not text:
        return ""
    lines = text.split("\n")
    lines = [ln.removeprefix(" ") for ln in lines]
    out = "\n".join(ln.rstrip() for ln in lines).strip("\n")
    return _XREF.sub(r"\1", out).strip()


def camel_to_snake(name: str) -> str:
    """Proto field name from a lowerCamelCase JSON name (``topK`` -> ``top_k``)."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def snake_to_camel(name: str) -> str:
    """The default proto3 JSON name of a proto field name."""
    parts = name.split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def ci_pattern(names: list[str]) -> str:
    """An ECMA-262 regex matching any of ``names`` in any letter case (JSON Schema has no /i flag)."""
    def one(name: str) -> str:
        return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in name)
    return "^(" + "|".join(one(n) for n in names) + ")$"


def new_field(json_name: str, proto_name: str, kind: str, **kw: Any) -> dict[str, Any]:
    """An intermediate field record."""
    f: dict[str, Any] = {
        "json": json_name, "proto": proto_name, "kind": kind, "type": None, "repeated": False, "map_value": None,
        "required": False, "output_only": False, "input_only": False, "immutable": False, "deprecated": False,
        "oneof": None, "description": "", "constraints": {}, "default": None, "examples": None, "sources": [],
        "number": None,
    }
    f.update(kw)
    return f


# --------------------------------------------------------------------------------------------------------------
# Generative Language API: .proto -> FileDescriptorSet -> intermediate model


def compile_protos(proto_root: Path, files: list[str], include_dirs: list[Path]) -> Any:
    """Run grpcio-tools' protoc on ``files`` and return the FileDescriptorSet (with comments and imports).

    ``include_dirs`` hold the imported protos (google/api, google/type, google/protobuf), verified by
    ``schema_inputs``; protoc sees no other file.
    """
    import google.api.field_behavior_pb2  # noqa: F401
    from google.protobuf import descriptor_pb2
    from grpc_tools import protoc

    with tempfile.TemporaryDirectory() as tmpname:
        out = Path(tmpname) / "descriptors.pb"
        args = ["protoc", f"-I{proto_root}"] + [f"-I{d}" for d in include_dirs]
        args += ["--include_source_info", "--include_imports", f"--descriptor_set_out={out}", *files]
        rc = protoc.main(args)
        if rc != 0:
            raise GeneratorError(f"protoc failed ({rc}) on {files}")
        return descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())


def _comment_index(fd: Any) -> dict[tuple[int, ...], str]:
    return {tuple(loc.path): loc.leading_comments for loc in fd.source_code_info.location if loc.leading_comments}


def read_proto_surface(fds: Any, package: str) -> tuple[dict[str, dict], dict[str, dict]]:
    """Messages and enums of every file in ``fds``, named relative to ``package``."""
    import google.api.field_behavior_pb2 as fb

    prefix = "." + package + "."

    def short(full: str) -> str:
        return full[len(prefix):] if full.startswith(prefix) else full.lstrip(".")

    raw_msgs: dict[str, tuple[Any, dict, tuple[int, ...]]] = {}
    raw_enums: dict[str, tuple[Any, dict, tuple[int, ...]]] = {}

    def walk_enums(scope: str, enums: Any, comments: dict, path: tuple[int, ...], tag: int) -> None:
        for i, e in enumerate(enums):
            raw_enums[f"{scope}.{e.name}"] = (e, comments, path + (tag, i))

    def walk_msgs(scope: str, msgs: Any, comments: dict, path: tuple[int, ...], tag: int) -> None:
        for i, m in enumerate(msgs):
            full = f"{scope}.{m.name}"
            p = path + (tag, i)
            raw_msgs[full] = (m, comments, p)
            walk_msgs(full, m.nested_type, comments, p, 3)
            walk_enums(full, m.enum_type, comments, p, 4)

    for fd in fds.file:
        comments = _comment_index(fd)
        walk_msgs("." + fd.package, fd.message_type, comments, (), 4)
        walk_enums("." + fd.package, fd.enum_type, comments, (), 5)

    messages: dict[str, dict] = {}
    enums: dict[str, dict] = {}
    for full, (e, comments, path) in raw_enums.items():
        values = []
        for i, v in enumerate(e.value):
            values.append({"name": v.name, "number": v.number, "description": clean_doc(comments.get(path + (2, i))),
                           "deprecated": bool(v.options.deprecated)})
        enums[short(full)] = {"name": short(full), "description": clean_doc(comments.get(path)), "values": values}

    for full, (m, comments, path) in raw_msgs.items():
        if m.options.map_entry:
            continue
        real_oneofs = {i: o.name for i, o in enumerate(m.oneof_decl)}
        synthetic = {f.oneof_index for f in m.field if f.proto3_optional}
        fields = []
        oneofs: dict[str, list[str]] = {}
        for i, f in enumerate(m.field):
            behavior = set(f.options.Extensions[fb.field_behavior])
            rec = new_field(f.json_name, f.name, "", description=clean_doc(comments.get(path + (2, i))),
                            repeated=f.label == 3, deprecated=bool(f.options.deprecated),
                            required=FB_REQUIRED in behavior, output_only=FB_OUTPUT_ONLY in behavior,
                            input_only=FB_INPUT_ONLY in behavior, immutable=FB_IMMUTABLE in behavior,
                            number=f.number)
            if f.type in (11, 14):
                entry = raw_msgs.get(f.type_name)
                if f.type == 11 and entry is not None and entry[0].options.map_entry:
                    key_f, val_f = entry[0].field[0], entry[0].field[1]
                    if key_f.type != 9:
                        raise GeneratorError(f"non-string map key in {full}.{f.name}")
                    rec["kind"], rec["repeated"] = "map", False
                    rec["map_value"] = _proto_type(val_f, short)
                else:
                    rec.update(_proto_type(f, short))
            else:
                rec.update(_proto_type(f, short))
            if f.HasField("oneof_index") and f.oneof_index not in synthetic:
                group = real_oneofs[f.oneof_index]
                rec["oneof"] = group
                oneofs.setdefault(group, []).append(f.json_name)
            fields.append(rec)
        messages[short(full)] = {"name": short(full), "description": clean_doc(comments.get(path)),
                                 "fields": fields, "oneofs": oneofs, "sources": []}
    return messages, enums


def _proto_type(f: Any, short: Any) -> dict[str, Any]:
    if f.type == 11:
        kind = WELL_KNOWN.get(f.type_name)
        if kind:
            return {"kind": kind, "type": None}
        return {"kind": "message", "type": short(f.type_name)}
    if f.type == 14:
        return {"kind": "enum", "type": short(f.type_name)}
    if f.type not in SCALAR_KINDS:
        raise GeneratorError(f"unsupported proto type {f.type} for {f.name}")
    return {"kind": SCALAR_KINDS[f.type], "type": None}


def cross_check_protos_json(protos_json: Path, messages: dict[str, dict], package: str) -> None:
    """Check that ``protos.json`` (protobuf.js) agrees with the compiled .proto on field numbers and names."""
    data = json.loads(protos_json.read_text(encoding="utf-8"))
    node = data
    for part in package.split("."):
        node = node["nested"][part]
    for name, msg in messages.items():
        if msg.get("overlay") or name.startswith("google."):
            continue
        spec = node
        for part in name.split("."):
            spec = spec.get("nested", {}).get(part)
            if spec is None:
                break
        if spec is None or "fields" not in spec:
            raise GeneratorError(f"protos.json lacks message {package}.{name}")
        ids = {f["id"]: key for key, f in spec["fields"].items()}
        for f in msg["fields"]:
            if f["number"] is None:
                continue
            if ids.get(f["number"]) != snake_to_camel(f["proto"]):
                raise GeneratorError(f"protos.json disagrees on {name}.{f['proto']}: {ids.get(f['number'])}")


# --------------------------------------------------------------------------------------------------------------
# Vertex AI: Discovery document -> intermediate model

_VERTEX_PREFIXES = {
    "Required.": "required", "Optional.": None, "Output only.": "output_only", "Input only.": "input_only",
    "Immutable.": "immutable", "Identifier.": None,
}


def _vertex_name(ref: str) -> str:
    if ref.startswith(VERTEX_PREFIX):
        return ref[len(VERTEX_PREFIX):]
    m = re.match(r"^Google(Type|Rpc|Protobuf|Longrunning)(.+)$", ref)
    if m:
        return f"google.{m.group(1).lower()}.{m.group(2)}"
    return ref


def read_vertex_surface(discovery: dict) -> tuple[dict[str, dict], dict[str, dict]]:
    """Messages and enums of Vertex AI's Discovery document, with snake_case proto names derived."""
    schemas = discovery["schemas"]
    messages: dict[str, dict] = {}
    enums: dict[str, dict] = {}

    def convert(msg_name: str, prop_name: str, prop: dict) -> dict[str, Any]:
        desc = prop.get("description", "")
        rec = new_field(prop_name, camel_to_snake(prop_name), "", description=clean_doc(desc),
                        deprecated=bool(prop.get("deprecated")), output_only=bool(prop.get("readOnly")))
        rest = desc.lstrip()
        while True:
            for prefix, flag in _VERTEX_PREFIXES.items():
                if rest.startswith(prefix):
                    if flag:
                        rec[flag] = True
                    rest = rest[len(prefix):].lstrip()
                    break
            else:
                break
        item = prop
        if prop.get("type") == "array":
            rec["repeated"] = True
            item = prop["items"]
        if item.get("type") == "object" and "additionalProperties" in item and "$ref" not in item:
            ap = item["additionalProperties"]
            if ap.get("type") == "any":
                rec.update(kind="struct")
            else:
                rec["kind"] = "map"
                rec["map_value"] = scalar(msg_name, prop_name, ap)
        else:
            rec.update(scalar(msg_name, prop_name, item))
        return rec

    def scalar(msg_name: str, prop_name: str, item: dict) -> dict[str, Any]:
        if "$ref" in item:
            return {"kind": "message", "type": _vertex_name(item["$ref"])}
        if "enum" in item:
            ename = f"{msg_name}.{prop_name[:1].upper()}{prop_name[1:]}"
            descs = item.get("enumDescriptions", [""] * len(item["enum"]))
            deps = item.get("enumDeprecated", [False] * len(item["enum"]))
            enums[ename] = {"name": ename, "description": "", "values": [
                {"name": n, "number": None, "description": clean_doc(d), "deprecated": bool(dep)}
                for n, d, dep in zip(item["enum"], descs, deps)]}
            return {"kind": "enum", "type": ename}
        typ, fmt = item.get("type"), item.get("format")
        if typ == "any":
            return {"kind": "value", "type": None}
        if typ == "object":
            return {"kind": "struct", "type": None}
        if typ == "boolean":
            return {"kind": "bool", "type": None}
        if typ == "integer":
            return {"kind": "uint32" if fmt == "uint32" else "int32", "type": None}
        if typ == "number":
            return {"kind": "double" if fmt == "double" else "float", "type": None}
        if typ == "string":
            kind = {"int64": "int64", "uint64": "uint64", "byte": "bytes", "google-duration": "duration",
                    "google-datetime": "timestamp", "google-fieldmask": "fieldmask"}.get(fmt or "", "string")
            return {"kind": kind, "type": None}
        if typ == "array":
            return {"kind": "listvalue", "type": None}
        raise GeneratorError(f"unsupported discovery type {item} in {msg_name}.{prop_name}")

    for ref, sch in schemas.items():
        name = _vertex_name(ref)
        if name == "google.protobuf.Empty":
            continue
        fields = [convert(name, p, sch["properties"][p]) for p in sorted(sch.get("properties", {}))]
        messages[name] = {"name": name, "description": clean_doc(sch.get("description", "")), "fields": fields,
                          "oneofs": {}, "sources": []}
    return messages, enums


# --------------------------------------------------------------------------------------------------------------
# Overlay


def apply_overlay(surface: str, messages: dict[str, dict], enums: dict[str, dict], overlay: dict) -> None:
    """Apply every overlay entry that names ``surface``; raise on entries that do not fit the definitions."""
    for i, entry in enumerate(overlay["entries"]):
        src = entry.get("source")
        if not src:
            raise GeneratorError(f"overlay entry {i} has no source")
        if surface not in entry["surfaces"]:
            continue
        op = entry["op"]
        where = f"overlay entry {i} ({op}) on {surface}"
        if op == "add-enum":
            e = entry["enum"]
            if e["name"] in enums:
                raise GeneratorError(f"{where}: enum {e['name']} exists")
            enums[e["name"]] = {"name": e["name"], "description": e.get("description", ""), "source": src,
                                "values": [{"name": v["name"], "number": v.get("number"),
                                            "description": v.get("description", ""),
                                            "deprecated": bool(v.get("deprecated"))} for v in e["values"]]}
        elif op == "add-enum-values":
            e = enums.get(entry["enum"])
            if e is None:
                raise GeneratorError(f"{where}: no enum {entry['enum']}")
            for v in entry["values"]:
                if any(x["name"] == v["name"] for x in e["values"]):
                    raise GeneratorError(f"{where}: {entry['enum']}.{v['name']} exists")
                e["values"].append({"name": v["name"], "number": v.get("number"),
                                    "description": v.get("description", ""),
                                    "deprecated": bool(v.get("deprecated")), "source": src})
        elif op == "add-message":
            m = entry["message"]
            if m["name"] in messages:
                raise GeneratorError(f"{where}: message {m['name']} exists")
            messages[m["name"]] = {"name": m["name"], "description": m.get("description", ""), "oneofs": {},
                                   "fields": [_overlay_field(f, src) for f in m["fields"]], "sources": [src],
                                   "overlay": True}
        elif op == "add-field":
            msg = _message(messages, entry["message"], where)
            f = _overlay_field(entry["field"], src)
            if any(x["json"] in (f["json"], f["proto"]) or x["proto"] in (f["json"], f["proto"])
                   for x in msg["fields"]):
                raise GeneratorError(f"{where}: {entry['message']}.{f['json']} exists")
            msg["fields"].append(f)
        elif op == "set":
            msg = _message(messages, entry["message"], where)
            f = _field(msg, entry["field"], where)
            values = entry["set"]
            for key, value in values.items():
                if key in CONSTRAINT_KEYS or key in ARRAY_CONSTRAINT_KEYS:
                    f["constraints"][key] = value
                elif key in ("default", "examples", "required", "deprecated"):
                    f[key] = value
                else:
                    raise GeneratorError(f"{where}: cannot set {key}")
            f["sources"].append(src)
        elif op == "add-oneof":
            msg = _message(messages, entry["message"], where)
            group = entry["oneof"]
            if group in msg["oneofs"]:
                raise GeneratorError(f"{where}: oneof {group} exists")
            for name in entry["fields"]:
                f = _field(msg, name, where)
                if f["oneof"]:
                    raise GeneratorError(f"{where}: {name} is already in oneof {f['oneof']}")
                f["oneof"] = group
                f["sources"].append(src)
            msg["oneofs"][group] = list(entry["fields"])
        else:
            raise GeneratorError(f"{where}: unknown op")


def _message(messages: dict, name: str, where: str) -> dict:
    if name not in messages:
        raise GeneratorError(f"{where}: no message {name}")
    return messages[name]


def _field(msg: dict, json_name: str, where: str) -> dict:
    for f in msg["fields"]:
        if f["json"] == json_name:
            return f
    raise GeneratorError(f"{where}: no field {msg['name']}.{json_name}")


def _overlay_field(spec: dict, src: str) -> dict:
    known = {"json_name", "proto_name", "kind", "type_name", "repeated", "map_value", "description", "output_only",
             "input_only", "immutable", "required", "deprecated", "default", "examples"} | set(CONSTRAINT_KEYS) \
        | set(ARRAY_CONSTRAINT_KEYS)
    extra = set(spec) - known
    if extra:
        raise GeneratorError(f"overlay field {spec.get('json_name')}: unknown keys {sorted(extra)}")
    f = new_field(spec["json_name"], spec.get("proto_name") or camel_to_snake(spec["json_name"]), spec["kind"],
                  type=spec.get("type_name"), repeated=bool(spec.get("repeated")),
                  description=spec.get("description", ""), sources=[src],
                  output_only=bool(spec.get("output_only")), input_only=bool(spec.get("input_only")),
                  immutable=bool(spec.get("immutable")), required=bool(spec.get("required")),
                  deprecated=bool(spec.get("deprecated")), default=spec.get("default"),
                  examples=spec.get("examples"))
    if spec["kind"] == "map":
        mv = spec["map_value"]
        f["map_value"] = {"kind": mv["kind"], "type": mv.get("type_name")}
    for key in CONSTRAINT_KEYS + ARRAY_CONSTRAINT_KEYS:
        if key in spec:
            f["constraints"][key] = spec[key]
    return f


# --------------------------------------------------------------------------------------------------------------
# Emission


def _ptr_escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _element_schema(kind: str, type_name: str | None) -> list[dict[str, Any]]:
    """The accepted JSON forms of one (non-repeated) value of ``kind`` as a list of anyOf branches."""
    if kind in ("message", "enum"):
        return [{"$ref": f"#/$defs/{_ptr_escape(type_name or '')}"}]
    if kind == "string":
        return [{"type": "string"}]
    if kind == "bool":
        return [{"type": "boolean"}]
    if kind in INT_RANGES:
        lo, hi = INT_RANGES[kind]
        return [{"type": "integer", "minimum": lo, "maximum": hi}, {"type": "string", "pattern": INT_STRING}]
    if kind in ("float", "double"):
        return [{"type": "number"}, {"type": "string", "pattern": FLOAT_STRING}]
    if kind == "bytes":
        return [{"type": "string", "contentEncoding": "base64", "pattern": BASE64}]
    if kind == "duration":
        return [{"type": "string", "pattern": DURATION}]
    if kind == "timestamp":
        return [{"type": "string", "format": "date-time"}]
    if kind == "fieldmask":
        return [{"type": "string"}]
    if kind == "struct":
        return [{"type": "object"}]
    if kind == "listvalue":
        return [{"type": "array"}]
    if kind == "empty":
        return [{"type": "object", "maxProperties": 0}]
    if kind == "value":
        return []  # any JSON value
    raise GeneratorError(f"no schema for kind {kind}")


def field_schema(f: dict) -> dict[str, Any]:
    """The JSON Schema of one field under its JSON name (the proto name is a $ref alias to it)."""
    out: dict[str, Any] = {}
    if f["description"]:
        out["description"] = f["description"]
    out["x-json-name"] = f["json"]
    out["x-proto-name"] = f["proto"]
    out["x-kind"] = f["kind"]
    if f["type"]:
        out["x-type-name"] = f["type"]
    if f["repeated"]:
        out["x-repeated"] = True
    for flag, key in (("required", "x-required"), ("output_only", "x-output-only"),
                      ("input_only", "x-input-only"), ("immutable", "x-immutable")):
        if f[flag]:
            out[key] = True
    if f["output_only"]:
        out["readOnly"] = True
    if f["input_only"]:
        out["writeOnly"] = True
    if f["deprecated"]:
        out["deprecated"] = True
    if f["oneof"]:
        out["x-oneof"] = f["oneof"]
    if f["default"] is not None:
        out["default"] = f["default"]
    if f["examples"]:
        out["examples"] = list(f["examples"])
    if f["sources"]:
        out["x-source"] = "; ".join(dict.fromkeys(f["sources"]))
    cons = f["constraints"]
    elem_cons = {k: cons[k] for k in CONSTRAINT_KEYS if k in cons}
    out.update(elem_cons)
    out.update({k: cons[k] for k in ARRAY_CONSTRAINT_KEYS if k in cons})

    if f["kind"] == "map":
        mv = f["map_value"]
        out["x-map-value"] = {"x-kind": mv["kind"], **({"x-type-name": mv["type"]} if mv.get("type") else {})}
        branches = _element_schema(mv["kind"], mv.get("type"))
        value_schema: Any = _one(branches)
        out["anyOf"] = [{"type": "object", "additionalProperties": value_schema}, {"type": "null"}]
        return out
    branches = _element_schema(f["kind"], f["type"])
    if not branches:  # google.protobuf.Value: any JSON
        return out
    if f["repeated"]:
        items = {**_one(branches), **elem_cons}
        out["anyOf"] = [{"type": "array", "items": items}, *branches, {"type": "null"}]
    else:
        out["anyOf"] = [*branches, {"type": "null"}]
    return out


def _one(branches: list[dict]) -> dict[str, Any]:
    if not branches:
        return {}
    return branches[0] if len(branches) == 1 else {"anyOf": branches}


def message_schema(msg: dict, base: str, url_model: bool = False) -> dict[str, Any]:
    """The JSON Schema object of a message at JSON pointer ``base`` (``#`` or ``#/$defs/Name``)."""
    props: dict[str, Any] = {}
    required: list[str] = []
    keys_of: dict[str, list[str]] = {}
    for f in msg["fields"]:
        f = copy.deepcopy(f)
        url_bound = url_model and f["json"] == "model"
        if url_bound:
            f["required"] = False
        for key in (f["json"], f["proto"]):
            if key in props:
                raise GeneratorError(f"{msg['name']}: key {key} used twice")
        props[f["json"]] = field_schema(f)
        if url_bound:
            props[f["json"]]["x-url-path"] = True
        keys = [f["json"]]
        if f["proto"] != f["json"]:
            props[f["proto"]] = {"$ref": f"{base}/properties/{_ptr_escape(f['json'])}", "x-alias-of": f["json"]}
            keys.append(f["proto"])
        keys_of[f["json"]] = keys
        if f["required"]:
            required.append(f["json"])
    out: dict[str, Any] = {"type": "object", "x-kind": "message", "title": msg["name"]}
    if msg["description"]:
        out["description"] = msg["description"]
    if msg.get("sources"):
        out["x-source"] = "; ".join(msg["sources"])
    out["properties"] = props
    out["x-field-order"] = [f["json"] for f in msg["fields"]]
    out["additionalProperties"] = False
    if required:
        out["x-required"] = required
        out["allOf"] = [{"required": keys_of[r]} if len(keys_of[r]) == 1
                        else {"anyOf": [{"required": [k]} for k in keys_of[r]]} for r in required]
    oneofs = {g: list(members) for g, members in msg["oneofs"].items()}
    if oneofs:
        out["x-oneofs"] = oneofs
        dependent: dict[str, Any] = {}
        for members in oneofs.values():
            if len(members) < 2:
                continue
            for m in members:
                others = {k: False for o in members if o != m for k in keys_of[o]}
                for k in keys_of[m]:
                    dependent[k] = {"properties": others}
        if dependent:
            out["dependentSchemas"] = dependent
    return out


def enum_schema(enum: dict) -> dict[str, Any]:
    """The JSON Schema of an enum: canonical names, any letter case, or integers."""
    names = [v["name"] for v in enum["values"]]
    numbers = [v["number"] for v in enum["values"]]
    known_numbers = sorted({n for n in numbers if n is not None})
    out: dict[str, Any] = {"x-kind": "enum", "title": enum["name"]}
    if enum.get("description"):
        out["description"] = enum["description"]
    if enum.get("source"):
        out["x-source"] = enum["source"]
    int_branch: dict[str, Any] = {"type": "integer"}
    if known_numbers and all(n is not None for n in numbers):
        int_branch["enum"] = known_numbers
    out["anyOf"] = [{"type": "string", "enum": names}, int_branch, {"type": "string", "pattern": ci_pattern(names)}]
    out["x-enum-numbers"] = numbers
    out["x-enum-descriptions"] = [v["description"] for v in enum["values"]]
    if any(v["deprecated"] for v in enum["values"]):
        out["x-enum-deprecated"] = [v["deprecated"] for v in enum["values"]]
    if any(v.get("source") for v in enum["values"]):
        out["x-enum-sources"] = [v.get("source") for v in enum["values"]]
    return out


def closure(root: str, messages: dict, enums: dict) -> tuple[list[str], list[str]]:
    """Message and enum names reachable from ``root`` (root included), sorted."""
    seen_m: set[str] = set()
    seen_e: set[str] = set()
    todo = [root]
    while todo:
        name = todo.pop()
        if name in seen_m:
            continue
        if name not in messages:
            raise GeneratorError(f"unknown message {name} (reached from {root})")
        seen_m.add(name)
        for f in messages[name]["fields"]:
            for kind, typ in ((f["kind"], f["type"]),
                              ((f["map_value"] or {}).get("kind"), (f["map_value"] or {}).get("type"))):
                if typ is None:
                    continue
                if kind == "message":
                    todo.append(typ)
                elif kind == "enum":
                    if typ not in enums:
                        raise GeneratorError(f"unknown enum {typ}")
                    seen_e.add(typ)
    return sorted(seen_m), sorted(seen_e)


def request_schema(surface: str, request: str, messages: dict, enums: dict, provenance: list[str]) -> dict:
    """The complete JSON Schema document for one request body."""
    methods = REQUEST_TYPES[request]
    msg_names, enum_names = closure(request, messages, enums)
    url_model = any(m in URL_MODEL_METHODS for m in methods)
    info = SURFACES[surface]
    doc: dict[str, Any] = {
        "$schema": JSON_SCHEMA_DIALECT,
        "x-surface": surface, "x-api": info["api"], "x-api-version": info["api_version"],
        "x-proto-package": info["package"], "x-methods": methods, "x-generated-from": provenance,
    }
    doc.update(message_schema(messages[request], "#", url_model=url_model))
    doc["title"] = f"{request} ({surface})"
    doc["x-message"] = request
    defs: dict[str, Any] = {}
    nested_refs = _referenced(messages, msg_names)
    for name in msg_names:
        if name == request and name not in nested_refs:
            continue
        defs[name] = message_schema(messages[name], f"#/$defs/{_ptr_escape(name)}")
    for name in enum_names:
        defs[name] = enum_schema(enums[name])
    doc["$defs"] = defs
    return doc


def _referenced(messages: dict, names: list[str]) -> set[str]:
    out = set()
    for n in names:
        for f in messages[n]["fields"]:
            if f["kind"] == "message":
                out.add(f["type"])
            if f["map_value"] and f["map_value"]["kind"] == "message":
                out.add(f["map_value"]["type"])
    return out


def dump(obj: Any) -> str:
    """Stable serialization: sorted keys, compact, trailing newline."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, indent=None, separators=(",", ":")) + "\n"


# --------------------------------------------------------------------------------------------------------------


def build(proto_root: Path, discovery_path: Path, overlay_path: Path, include_dirs: list[Path]) -> dict[str, str]:
    """All output files (relative path -> text).

    ``proto_root`` holds ``google/ai/generativelanguage/{v1beta,v1}/*.proto`` and ``protos.json``;
    ``discovery_path`` is Vertex AI's ``aiplatform.v1.json``; ``include_dirs`` hold the protos they import.
    """
    protos_json = proto_root / "protos.json"
    overlay = json.loads(overlay_path.read_text(encoding="utf-8"))
    discovery = json.loads(discovery_path.read_text(encoding="utf-8"))
    files: dict[str, str] = {}
    index: dict[str, Any] = {"surfaces": {}}

    for surface, info in SURFACES.items():
        if info["api"] == "gemini":
            fds = compile_protos(proto_root, PROTO_FILES[surface], include_dirs)
            messages, enums = read_proto_surface(fds, info["package"])
            cross_check_protos_json(protos_json, messages, info["package"])
            provenance = [f"{p} from {PROTO_INPUT_VERSION}" for p in PROTO_FILES[surface]]
            provenance.append(f"generativelanguage-proto/protos.json from {PROTO_INPUT_VERSION} (cross-check)")
        else:
            messages, enums = read_vertex_surface(discovery)
            provenance = [(f"aiplatform.v1.json Discovery revision {discovery['revision']} "
                           "(google-api-python-client 2.202.0 discovery_cache)")]
        provenance.append("schemas/overlay.json")
        apply_overlay(surface, messages, enums, overlay)
        methods_map: dict[str, str] = {}
        for request, request_methods in REQUEST_TYPES.items():
            if request not in messages:
                continue
            rel = f"{surface}/{request}.schema.json"
            files[rel] = dump(request_schema(surface, request, messages, enums, provenance))
            for method in request_methods:
                methods_map[method] = rel
        index["surfaces"][surface] = {"api": info["api"], "api_version": info["api_version"],
                                      "methods": methods_map}
    files["index.json"] = json.dumps(index, sort_keys=True, indent=1) + "\n"
    return files


def write(files: dict[str, str], output: Path) -> None:
    """Replace the generated files in ``output`` with exactly ``files`` (other files are left alone)."""
    if output.exists():
        for old in sorted(output.glob("*/*.schema.json")) + [output / "index.json"]:
            if old.is_file() and str(old.relative_to(output)) not in files:
                old.unlink()
        for sub in sorted(output.iterdir()):
            if sub.is_dir() and not any(sub.iterdir()):
                sub.rmdir()
    for rel, text in sorted(files.items()):
        path = output / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)


def build_from_manifest(overlay_path: Path, cache: Path | None = None) -> dict[str, str]:
    """Fetch and verify the pinned inputs (``schemas/inputs.json``), then :func:`build` from them."""
    with tempfile.TemporaryDirectory(prefix="gemini-lsp-inputs-") as tmp:
        roots = schema_inputs.materialize(Path(tmp), cache)
        discovery = roots["vertex-discovery"] / "googleapiclient/discovery_cache/documents/aiplatform.v1.json"
        includes = [roots["protobuf-well-known-types"], roots["googleapis-common-protos"]]
        return build(roots["generativelanguage-protos"], discovery, overlay_path, includes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=None,
                        help="download cache of the pinned inputs (default: $GEMINI_LSP_INPUTS_CACHE or "
                             "~/.cache/gemini-lsp-inputs)")
    parser.add_argument("--overlay", type=Path, default=DEFAULT_OVERLAY, help="default: %(default)s")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="default: %(default)s")
    args = parser.parse_args(argv)
    try:
        files = build_from_manifest(args.overlay, args.cache)
    except (GeneratorError, schema_inputs.InputError) as exc:
        print(f"generate_schemas: {exc}", file=sys.stderr)
        return 1
    write(files, args.output)
    print(f"wrote {len(files)} files to {os.path.relpath(args.output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
