"""Deterministic request documents for the benchmark (seeded; same bytes on every run and machine).

Shapes: small (~3 KB), medium (200 turns, ~100 KB), large-turns (5,000 turns, ~2 MB), large-blob (one 8 MiB base64
string). Each also has three "broken while typing" variants: `unclosed` (the `}` of a part object deleted),
`trailing-comma` (a `,` after a part's last member), `unterminated-string` (the closing quote of a text
string deleted; for large-blob, late, the 8 MiB data string's), each placed early (in the first turn) and late (in
the last turn).

`generate(out_dir)` writes `<name>.gemini.json` files and returns a manifest: for each document its path, size and
the offsets the benchmark needs (edit sites inside text strings, the completion site after `"generationConfig": {`
and the hover site on the `"temperature"` key).
"""

from __future__ import annotations

import base64
import json
import random
from pathlib import Path

SEED = 20261126
WORDS = (
    "the model should answer briefly and cite the source when it can "
    "résumé naïve café 東京 données über straße αβγ ✓ "
    "summarise translate explain compare list describe write review plan check"
).split()


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _turns(rng: random.Random, count: int, words: int) -> list[dict]:
    turns = []
    for i in range(count):
        role = "user" if i % 2 == 0 else "model"
        parts: list[dict] = [{"text": _sentence(rng, words)}]
        if i % 7 == 3:
            parts.append({"text": _sentence(rng, max(4, words // 3))})
        turns.append({"role": role, "parts": parts})
    if turns and turns[-1]["role"] != "user":
        turns.append({"role": "user", "parts": [{"text": _sentence(rng, words)}]})
    return turns


def _request(rng: random.Random, contents: list[dict]) -> dict:
    return {
        "systemInstruction": {"parts": [{"text": "You are a careful assistant. Answer in plain English."}]},
        "contents": contents,
        "safetySettings": [
            {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"},
            {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "threshold": "BLOCK_MEDIUM_AND_ABOVE"},
        ],
        "generationConfig": {
            "temperature": 0.7,
            "topP": 0.95,
            "topK": 40,
            "maxOutputTokens": 2048,
            "candidateCount": 1,
            "stopSequences": ["END"],
            "responseMimeType": "text/plain",
        },
    }


def _dump(obj: dict) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def base_documents() -> dict[str, str]:
    rng = random.Random(SEED)
    docs: dict[str, str] = {}
    docs["small"] = _dump(_request(rng, _turns(rng, 4, 60)))
    docs["medium"] = _dump(_request(rng, _turns(rng, 200, 60)))
    docs["large-turns"] = _dump(_request(rng, _turns(rng, 5000, 44)))
    blob_bytes = rng.randbytes(6 * 1024 * 1024)  # 6 MiB of bytes -> 8 MiB of base64
    blob = base64.b64encode(blob_bytes).decode("ascii")
    contents = [
        {"role": "user", "parts": [
            {"text": "Describe this image in one paragraph."},
            {"inlineData": {"mimeType": "image/png", "data": blob}},
        ]}
    ]
    docs["large-blob"] = _dump(_request(rng, contents))
    return docs


def _part_spans(text: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """[open, close) of the first part object of the first turn and of the last part object of the last turn.

    `open` is the offset of the part's `{`, `close` the offset of the newline before its `}` (json.dumps indent 2:
    part objects sit at indent 8, their members at 10)."""
    contents = text.index('"contents": [')
    first_open = text.index("\n        {", contents) + 9
    first_close = text.index("\n        }", first_open)
    last_close = text.rfind("\n        }", 0, text.index('\n  "safetySettings"'))
    last_open = text.rfind("\n        {", 0, last_close) + 9
    return (first_open, first_close), (last_open, last_close)


def broken_variants(name: str, text: str) -> dict[str, str]:
    """Each break twice: early (in the first part of the first turn) and late (in the last part of the last turn).

    `unclosed`: the part object's `}` deleted; `trailing-comma`: a `,` after the part's last member;
    `unterminated-string`: the closing quote of the part's last string deleted (for large-blob, late, the 8 MiB
    data string's)."""
    out: dict[str, str] = {}
    for where, (open_, close) in zip(("early", "late"), _part_spans(text)):
        brace = close + 9
        assert text[brace] == "}", (name, where)
        out[f"{name}.unclosed-{where}"] = text[:brace] + text[brace + 1:]
        out[f"{name}.trailing-comma-{where}"] = text[:close] + "," + text[close:]
        quote = text.rfind('"', open_, close)
        out[f"{name}.unterminated-string-{where}"] = text[:quote] + text[quote + 1:]
    return out


def sites(text: str) -> dict:
    """Offsets the benchmark uses: edit sites inside text strings, the completion and the hover site."""
    edit_sites = []
    pos = 0
    while True:
        i = text.find('"text": "', pos)
        if i < 0:
            break
        edit_sites.append(i + len('"text": "') + 3)
        pos = i + 1
    gc = text.index('"generationConfig": {') + len('"generationConfig": {')
    temp = text.index('"temperature"') + 3
    return {"edit_sites": edit_sites, "completion": gc, "hover": temp}


def all_documents() -> dict[str, str]:
    docs = base_documents()
    out: dict[str, str] = {}
    for name, text in docs.items():
        out[name] = text
        out.update(broken_variants(name, text))
    return out


def generate(out_dir: Path) -> dict[str, dict]:
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, dict] = {}
    for name, text in all_documents().items():
        path = out_dir / f"{name}.gemini.json"
        data = text.encode("utf-8")
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        manifest[name] = {"path": str(path), "bytes": len(data), "chars": len(text), **sites(text)}
    return manifest


if __name__ == "__main__":
    import sys

    m = generate(Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "out"))
    for k, v in m.items():
        print(f"{k:32} {v['bytes']:>10,} bytes  {len(v['edit_sites'])} edit sites")
