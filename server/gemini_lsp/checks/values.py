"""Value rules inside the structure walk: enums, numbers and ranges, formats (base64, durations, names), roles,
empty lists and parts, and the JSON Schemas users write."""

from __future__ import annotations

import difflib
import math
import re
from typing import TYPE_CHECKING, Any

from ..document import Member, Node, escape_pointer_token, number_value, string_value
from ..findings import Edit, Fix
from ..schema import FieldInfo, MessageInfo
from .api_paths import api_path, short_name

if TYPE_CHECKING:
    from .structure import SchemaWalker

_INT_LIMITS = {
    "int32": (-(2**31), 2**31 - 1),
    "uint32": (0, 2**32 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "uint64": (0, 2**64 - 1),
}
_NUMERIC_STRING = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_FLOAT_WORDS = frozenset({"NaN", "Infinity", "-Infinity"})
_BASE64 = re.compile(r"[A-Za-z0-9+/_\-]*={0,2}")
_WHITESPACE = re.compile(r"\s+")
_DURATION = re.compile(r"-?\d+(?:\.\d{1,9})?s")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})")
_PART_DATA = ("text", "inlineData", "functionCall", "functionResponse", "fileData", "executableCode", "codeExecutionResult")
_JSON_SCHEMA_FIELDS = frozenset({"responseJsonSchema", "_responseJsonSchema", "parametersJsonSchema"})
_CONTENT_POINTER = re.compile(r"(?:^|/)contents(?:/\d+)?$")  # an entry of `contents`, or its single object


def _short(value: str, limit: int = 24) -> str:
    value = value.replace("\n", " ")
    return value if len(value) <= limit else value[: limit - 1] + "…"


# -- enums ---------------------------------------------------------------------------------------------------------


def check_enum(walker: SchemaWalker, node: Node, field: FieldInfo, pointer: str) -> None:
    schema = walker.schema
    assert schema is not None
    enum = schema.enum(field.type_name or "")
    text = walker.ctx.doc.text
    if node.kind == "string":
        name = string_value(node)
        value = enum.value(name)
        if value is not None:
            if value.deprecated:
                walker.add(
                    "GL118",
                    f"`{name}` is deprecated. {value.description}".strip(),
                    pointer,
                    node,
                    data={"enum": enum.name},
                )
            return
        stripped = name.strip()
        if stripped.lstrip("-").isdigit() and enum.value(int(stripped)) is not None:
            # protobuf's JSON reader accepts an enum number sent as a string (DataPiece::ToEnum)
            numbered = enum.value(int(stripped))
            assert numbered is not None
            walker.add(
                "GL055",
                f"The API accepts the enum number \"{stripped}\"; its name `{numbered.name}` is clearer and what the "
                "docs use.",
                pointer,
                node,
                fixes=(Fix(f"Use '{numbered.name}'", (Edit(node.start, node.end, _requote(node, numbered.name)),)),),
                data={"canonical": numbered.name},
            )
            return
        folded = enum.value_casefold(name)
        if folded is not None:
            walker.add(
                "GL056",
                f"The API accepts `{name}`, but the canonical name is `{folded.name}`.",
                pointer,
                node,
                fixes=(Fix(f"Use '{folded.name}'", (Edit(node.start, node.end, _requote(node, folded.name)),)),),
                data={"canonical": folded.name},
            )
            return
        names = [v.name for v in enum.values]
        guesses = [n for n in names if n.endswith("_" + name.upper()) or n.endswith(name.upper())]
        guesses = guesses or difflib.get_close_matches(name.upper(), names, n=3, cutoff=0.5)
        message = (
            f"Invalid value at '{api_path(pointer)}' ({enum.name}), \"{_short(name)}\": "
            f"`{field.json_name}` takes one of {_list_names(names)}."
        )
        fixes: tuple[Fix, ...] = ()
        if guesses:
            message += f" Did you mean `{guesses[0]}`?"
            fixes = (Fix(f"Use '{guesses[0]}'", (Edit(node.start, node.end, _requote(node, guesses[0])),), preferred=True),)
        walker.add("GL105", message, pointer, node, fixes=fixes, data={"enum": enum.name, "values": names})
        return
    if node.kind == "number":
        raw = text[node.start : node.end]
        number = number_value(node)
        if isinstance(number, float) and not number.is_integer():
            walker.wrong_type(node, field, pointer, "an enum name")
            return
        value = enum.value(int(number))
        if value is None:
            walker.add(
                "GL105",
                f"`{raw}` is not a number of the {enum.name} enum; use one of {_list_names([v.name for v in enum.values])}.",
                pointer,
                node,
                severity="warning",
            )
            return
        walker.add(
            "GL055",
            f"The API accepts the enum number {raw}; its name `{value.name}` is clearer and what the docs use.",
            pointer,
            node,
            fixes=(Fix(f"Use '{value.name}'", (Edit(node.start, node.end, f'"{value.name}"'),)),),
            data={"canonical": value.name},
        )
        return
    walker.wrong_type(node, field, pointer, "an enum name (a string)")


def _list_names(names: list[str]) -> str:
    shown = [f"`{n}`" for n in names if not n.endswith("_UNSPECIFIED")]
    if len(shown) > 12:
        return ", ".join(shown[:12]) + ", …"
    return ", ".join(shown)


def _requote(node: Node, text: str) -> str:
    quote = getattr(node, "quote", '"') or '"'
    return f"{quote}{text}{quote}"


# -- numbers -------------------------------------------------------------------------------------------------------


def check_number(walker: SchemaWalker, node: Node, field: FieldInfo, pointer: str) -> None:
    kind = field.kind
    integer = kind in _INT_LIMITS
    text = walker.ctx.doc.text
    if node.kind == "string":
        raw = string_value(node).strip()
        if not integer and raw in _FLOAT_WORDS:
            return
        if not _NUMERIC_STRING.fullmatch(raw):
            if kind in ("int64", "uint64"):  # 64-bit integers are canonically decimal strings: a format problem
                walker.add(
                    "GL110",
                    f"Invalid value at '{api_path(pointer)}' (TYPE_{kind.upper()}), \"{_short(raw)}\": "
                    f"`{field.json_name}` takes a whole number, as a number or a decimal string.",
                    pointer,
                    node,
                )
            else:
                walker.wrong_type(node, field, pointer, "a number")
            return
        number: float | int = float(raw) if any(c in raw for c in ".eE") else int(raw)
        if kind not in ("int64", "uint64"):
            walker.add(
                "GL057",
                f"The API reads the string \"{_short(raw)}\" as a number; write it without quotes.",
                pointer,
                node,
                fixes=(Fix("Write it as a number", (Edit(node.start, node.end, raw),)),),
            )
    elif node.kind == "number":
        number = number_value(node)
    else:
        walker.wrong_type(node, field, pointer, "a number")
        return
    if integer:
        if isinstance(number, float) and (math.isnan(number) or math.isinf(number) or not number.is_integer()):
            shown = " ".join(text[node.start : node.end].split())
            walker.add(
                "GL102",
                f"Invalid value at '{api_path(pointer)}' ({'TYPE_' + kind.upper()}), {_short(shown)}: "
                f"`{field.json_name}` must be a whole number.",
                pointer,
                node,
                fixes=_round_fix(node, number),
            )
            return
        low, high = _INT_LIMITS[kind]
        if not low <= int(number) <= high:
            walker.add(
                "GL109",
                f"{int(number)} does not fit in `{field.json_name}` ({kind}: {low} to {high}).",
                pointer,
                node,
            )
            return
    _check_range(walker, node, field, pointer, float(number))


def _round_fix(node: Node, number: float) -> tuple[Fix, ...]:
    if math.isnan(number) or math.isinf(number):
        return ()
    return (Fix(f"Use {round(number)}", (Edit(node.start, node.end, str(round(number))),), safe=False),)


def _check_range(walker: SchemaWalker, node: Node, field: FieldInfo, pointer: str, number: float) -> None:
    if math.isnan(number):
        return
    low, high = field.minimum, field.maximum
    low_ex, high_ex = field.exclusive_minimum, field.exclusive_maximum
    too_low = (low is not None and number < low) or (low_ex is not None and number <= low_ex)
    too_high = (high is not None and number > high) or (high_ex is not None and number >= high_ex)
    if not (too_low or too_high):
        return
    lower = (
        f"from {_fmt(low)} (inclusive)"
        if low is not None
        else (f"from {_fmt(low_ex)} (exclusive)" if low_ex is not None else "")
    )
    upper = (
        f"to {_fmt(high)} (inclusive)"
        if high is not None
        else (f"to {_fmt(high_ex)} (exclusive)" if high_ex is not None else "")
    )
    supported = " ".join(p for p in (lower, upper) if p)
    message = (
        f"Unable to submit request because it has a {field.json_name} value of {_fmt(number)} but the supported "
        f"range is {supported}."
    )
    bound = low if too_low else high
    fixes: tuple[Fix, ...] = ()
    if bound is not None and node.kind == "number":
        fixes = (Fix(f"Use {_fmt(bound)}", (Edit(node.start, node.end, _fmt(bound)),), safe=False),)
    walker.add(
        "GL109",
        message,
        pointer,
        node,
        fixes=fixes,
        data={"minimum": low, "maximum": high, "exclusiveMinimum": low_ex, "exclusiveMaximum": high_ex},
    )


def _fmt(number: float | int | None) -> str:
    if number is None:
        return ""
    if isinstance(number, float) and number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return str(number)


# -- strings, bytes, times -----------------------------------------------------------------------------------------


def check_string(walker: SchemaWalker, node: Node, field: FieldInfo, pointer: str) -> None:
    value = string_value(node)
    if field.max_length is not None and len(value) > field.max_length:
        walker.add(
            "GL110",
            f"`{field.json_name}` may have at most {field.max_length} characters; this one has {len(value)}.",
            pointer,
            node,
        )
        return
    if field.pattern and not re.search(field.pattern, value):
        rule = _first_sentence_with(field.description, ("Must", "must")) or f"it must match `{field.pattern}`"
        walker.add(
            "GL110",
            f"`{_short(value, 40)}` is not a valid `{field.json_name}`: {rule}",
            pointer,
            node,
            data={"pattern": field.pattern},
        )


def _first_sentence_with(text: str, words: tuple[str, ...]) -> str:
    for sentence in re.split(r"(?<=\.)\s+", (text or "").replace("\n", " ")):
        if any(word in sentence for word in words):
            return sentence.strip()
    return ""


#: verdicts of long base64 strings, so that an unchanged 8 MiB image is not matched again on every keystroke
_BIG_BYTES = 4096
_BASE64_VERDICTS: dict[str, bool] = {}


def _is_base64(value: str) -> bool:
    if len(value) < _BIG_BYTES:
        return bool(_BASE64.fullmatch(value)) and len(value.rstrip("=")) % 4 != 1
    verdict = _BASE64_VERDICTS.get(value)  # str caches its hash; an equal new string costs one hash and compare
    if verdict is None:
        verdict = bool(_BASE64.fullmatch(value)) and len(value.rstrip("=")) % 4 != 1
        if len(_BASE64_VERDICTS) >= 8:
            _BASE64_VERDICTS.pop(next(iter(_BASE64_VERDICTS)))
        _BASE64_VERDICTS[value] = verdict
    return verdict


def check_bytes(walker: SchemaWalker, node: Node, field: FieldInfo, pointer: str) -> None:
    value = string_value(node)
    if _is_base64(value):
        return
    compact = _WHITESPACE.sub("", value)
    if compact != value and _BASE64.fullmatch(compact) and len(compact.rstrip("=")) % 4 != 1:
        walker.add(
            "GL110",
            f"`{field.json_name}` is base64 with spaces or line breaks in it (e.g. from `base64` without `-w0`). "
            "The API accepts it (google-gemini/cookbook Audio_REST sends wrapped base64 and gets 200), but "
            "strict decoders do not; remove the white space.",
            pointer,
            node,
            severity="hint",
        )
        return
    walker.add(
        "GL110",
        f"Invalid value at '{api_path(pointer)}' (TYPE_BYTES), Base64 decoding failed for \"{_short(value, 20)}\": "
        f"`{field.json_name}` must be base64 (standard or URL-safe).",
        pointer,
        node,
    )


def check_time(walker: SchemaWalker, node: Node, field: FieldInfo, pointer: str) -> None:
    value = string_value(node)
    if field.kind == "duration":
        if not _DURATION.fullmatch(value):
            walker.add(
                "GL110",
                f"Invalid value at '{api_path(pointer)}' (type.googleapis.com/google.protobuf.Duration), "
                f"\"{_short(value)}\": a duration is seconds with an `s`, such as \"3600s\" or \"1.5s\".",
                pointer,
                node,
            )
    elif not _TIMESTAMP.fullmatch(value):
        walker.add(
            "GL110",
            f"Invalid value at '{api_path(pointer)}' (type.googleapis.com/google.protobuf.Timestamp), "
            f"\"{_short(value)}\": use RFC 3339, such as \"2026-01-01T00:00:00Z\".",
            pointer,
            node,
        )


def check_free_value(walker: SchemaWalker, node: Node, field: FieldInfo, pointer: str) -> None:
    """Free JSON; a user-written JSON Schema is checked against the JSON Schema meta-schema."""
    if field.json_name not in _JSON_SCHEMA_FIELDS:
        return
    if node.kind != "object":
        if node.kind != "boolean":
            walker.wrong_type(node, field, pointer, "a JSON Schema object")
        return
    # imported here, not at the top: importing jsonschema costs startup time. It is a dependency of the package and
    # is bundled in the .vsix (tests/test_bundle.py), so the editor runs GL115 exactly as the CLI does.
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match
    if not _complete(node):
        return
    instance = node_to_value(node)
    error = best_match(Draft202012Validator(Draft202012Validator.META_SCHEMA).iter_errors(instance))
    if error is None:
        return
    where = "/".join(str(p) for p in error.absolute_path)
    target = walker.ctx.doc.node_at_pointer(pointer + ("/" + where if where else "")) or node
    walker.add(
        "GL115",
        f"`{field.json_name}` is not a valid JSON Schema"
        + (f" at `{where}`" if where else "")
        + f": {_short(error.message, 120)}",
        pointer + ("/" + where if where else ""),
        target,
    )


def _complete(node: Node) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.kind in ("object", "array"):
            if not current.complete:
                return False
            stack.extend(m.value for m in current.members if m.value is not None)
            stack.extend(current.items)
        elif current.kind == "invalid":
            return False
    return True


def node_to_value(node: Node) -> Any:
    """The plain Python value of a (complete) subtree."""
    if node.kind == "object":
        return {m.key.value: node_to_value(m.value) for m in node.members if m.value is not None}
    if node.kind == "array":
        return [node_to_value(item) for item in node.items]
    return node.value


# -- lists and messages --------------------------------------------------------------------------------------------


def check_list_rules(walker: SchemaWalker, node: Node, field: FieldInfo, pointer: str) -> None:
    count = len(node.items)
    if field.max_items is not None and count > field.max_items:
        walker.add(
            "GL111",
            f"Unable to submit request because it has a {field.json_name} value of {count} but the supported range "
            f"is from 1 (inclusive) to {field.max_items + 1} (exclusive).",
            pointer,
            node,
            data={"maxItems": field.max_items},
        )


def check_message_rules(
    walker: SchemaWalker, node: Node, msg: MessageInfo, pointer: str, seen: dict[str, Member]
) -> None:

    name = short_name(msg.name)
    facts = walker.facts
    for json_name, member in seen.items():
        value = member.value
        if value is None or value.kind != "array" or value.items:
            continue
        entries = facts.non_empty_lists(name, json_name)
        entry = next((e for e in entries if _within(e.get("within"), pointer)), None)
        field = msg.field(json_name)
        if entry is None and (entries or not (field is not None and field.required)):
            continue

        message = (entry or {}).get("apiMessage") or f"`{json_name}` must not be empty."
        message = message.replace("contents[N]", api_path(pointer) or "contents")
        walker.add(
            "GL104",
            message + f" `{json_name}` needs at least one item.",
            f"{pointer}/{escape_pointer_token(string_value(member.key))}",
            value,
            severity=(entry or {}).get("severity"),
        )
    if name == "Content" and _CONTENT_POINTER.search(pointer):
        _check_content(walker, node, msg, pointer, seen)
    elif name == "Part":
        _check_part(walker, node, msg, pointer, seen)
    elif name == "Schema":
        _check_schema_enum(walker, pointer, seen)


def _within(patterns: list[str] | None, pointer: str) -> bool:
    """Whether a rule restricted to some places (regexes over the object's pointer) applies at `pointer`."""
    return not patterns or any(re.search(p, pointer) for p in patterns)


def _check_content(walker: SchemaWalker, node: Node, msg: MessageInfo, pointer: str, seen: dict[str, Member]) -> None:
    facts = walker.facts
    role_member = seen.get("role")
    role = ""
    if role_member is not None and role_member.value is not None and role_member.value.kind == "string":
        role = string_value(role_member.value)
        if role.casefold() not in facts.accepted_roles:
            replacement = facts.role_replacements.get(role.casefold())
            hint = ""
            if role.casefold() == "system":
                hint = " A system prompt goes in the top-level `systemInstruction`, not in `contents`."
            elif replacement:
                hint = f" The model's turns use role `{replacement}`."
            fixes: tuple[Fix, ...] = ()
            if replacement:
                fixes = (
                    Fix(
                        f"Use role '{replacement}'",
                        (Edit(role_member.value.start, role_member.value.end, _requote(role_member.value, replacement)),),
                        preferred=True,
                    ),
                )
            walker.add(
                "GL112",
                f"Please use a valid role: user, model. (`{_short(role)}` is not one.){hint}",
                pointer + "/role",
                role_member.value,
                fixes=fixes,
            )
            return
    if role and role.casefold() != "user":
        return
    parts = seen.get("parts")
    if parts is None or parts.value is None:
        return
    items = parts.value.items if parts.value.kind == "array" else [parts.value]
    for index, part in enumerate(items):
        if part.kind != "object":
            continue
        for member in part.members:
            if member.key.value == "text" and member.value is not None and member.value.kind == "string":
                if member.value.value == "":
                    where = f"{pointer}/parts" + (f"/{index}" if parts.value.kind == "array" else "") + "/text"
                    walker.add(
                        "GL113",
                        "Unable to submit request because it has an empty text parameter. Empty text is accepted "
                        "only in model turns; remove the part or write the text.",
                        where,
                        member.value,
                    )


def _check_part(walker: SchemaWalker, node: Node, msg: MessageInfo, pointer: str, seen: dict[str, Member]) -> None:
    data_names = msg.oneofs.get("data") or tuple(n for n in _PART_DATA if msg.field(n) is not None)
    # server-side tool invocations replayed in history are parts of their own (ai.google.dev/gemini-api/docs/tool-combination)
    data_names = tuple(data_names) + tuple(n for n in walker.facts.part_data_extra if msg.field(n) is not None)
    if any(name in seen for name in data_names) or not node.complete:
        return
    expected = ", ".join(f"`{n}`" for n in data_names)
    anchor = node.member.key if node.member is not None else node
    if not node.members:
        walker.add(
            "GL103",
            f"This part is empty: a Part needs one of {expected}.",
            pointer,
            node,
            data={"member": "data"},
        )
        return
    walker.add(
        "GL103",
        f"This part has no data: a Part needs one of {expected}. (A part with only metadata is accepted in some "
        "recorded requests, so this is a warning.)",
        pointer,
        node if anchor is node else anchor,
        severity="warning",
        data={"member": "data"},
    )


def _check_schema_enum(walker: SchemaWalker, pointer: str, seen: dict[str, Member]) -> None:
    enum_member = seen.get("enum")
    type_member = seen.get("type")
    if enum_member is None or type_member is None or type_member.value is None:
        return
    type_value = type_member.value
    if type_value.kind != "string" or string_value(type_value).casefold() == "string":
        return
    walker.add(
        "GL114",
        f"GenerateContentRequest.{api_path(pointer + '/enum')}: only allowed for STRING type "
        f"(this schema has type `{_short(string_value(type_value))}`). Use type STRING with string values.",
        pointer + "/enum",
        enum_member.key,
    )
