"""Hostile-input benchmark (issue 11): `gemini-lsp check` on inputs built to hurt, against the goal.

    python benchmarks/hostile.py               # every case: a table on stdout, then the regular-expression audit
    python benchmarks/hostile.py --markdown    # the same as Markdown (for RESULTS.md)
    python benchmarks/hostile.py --only digits --only newlines-15mb
    python benchmarks/hostile.py --no-audit

Goal (issue 11): every input up to maxFileSize (16 MiB) is answered by `check` within 2 s, with peak memory under
4 x its size + 100 MB. Each case runs the real console script (`python -m gemini_lsp check --format json`) in a
fresh process; time is the wall clock of that process (interpreter start included), peak memory its maximum
resident set size (`ru_maxrss` of the child). Rows over the goal are marked SLOW / MEM; nothing is hidden.

The audit then takes every compiled regular expression in the `gemini_lsp` package (and the `pattern`s of the
generated schemas), and times `match`, `search` and `fullmatch` on near-miss inputs of length n and 4n (long runs of
one character class, followed by a character that makes the match fail), reporting the worst growth factor per
pattern: about 4 is linear, 16 quadratic. `search` is quadratic for any unanchored pattern that scans a run before
failing; such a pattern is safe only where the code uses it with `match`/`fullmatch` (see RESULTS.md for which).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

MB = 1_000_000
LIMIT_S = 2.0


def _request(extra: str = "", text: str = "hi") -> str:
    return '{"contents": [{"role": "user", "parts": [{"text": "' + text + '"}]}]' + extra + "}"


def _gen(config: str) -> str:
    return _request(', "generationConfig": {' + config + "}")


def _fill(size: int, unit: str) -> str:
    return unit * max(1, size // len(unit))


# name -> (family, builder); each builder makes a text of roughly the size in its name
CASES: dict[str, tuple[str, Callable[[], str]]] = {
    # 1. long digit runs that end in a non-digit (the quadratic regex)
    "digits-20k": ("regex", lambda: _gen('"temperature": "' + "1" * 20_000 + 'x"')),
    "digits-1mb": ("regex", lambda: _gen('"temperature": "' + "1" * MB + 'x"')),
    "digits-dot-1mb": ("regex", lambda: _gen('"topP": "' + "1" * (MB // 2) + "." + "1" * (MB // 2) + 'e"')),
    "bare-number-1mb": ("regex", lambda: _gen('"temperature": ' + "1" * MB + "x")),
    "huge-int-5k-digits": ("regex", lambda: _gen('"seed": ' + "9" * 5000)),
    "duration-1mb": ("regex", lambda: _request(', "ttl": "' + "1" * MB + 'x"')),
    "base64-near-miss-1mb": ("regex", lambda: _request().replace(
        '{"text": "hi"}', '{"inlineData": {"mimeType": "image/png", "data": "' + "A" * MB + '!"}}')),
    "model-name-1mb": ("regex", lambda: _request(', "model": "gemini-' + "1" * MB + 'x"')),
    "api-key-prefixes-1mb": ("regex", lambda: _request(text=_fill(MB, "AIza ya29. sk- Bearer  key="))),
    "identifier-junk-1mb": ("regex", lambda: '{"contents": ' + "a" * MB + "}"),
    # 2. whitespace and comments
    "newlines-1mb": ("whitespace", lambda: _request() + "\n" * MB),
    "newlines-15mb": ("whitespace", lambda: _request() + "\n" * (15 * MB)),
    "crlf-15mb": ("whitespace", lambda: _request() + "\r\n" * (15 * MB // 2)),
    "spaces-15mb": ("whitespace", lambda: _request() + " " * (15 * MB)),
    "indented-lines-15mb": ("whitespace", lambda: "{" + "\n\t  " * (15 * MB // 4) + '"contents": []}'),
    "line-comments-3mb": ("whitespace", lambda: "//\n" * MB + _request()),
    "block-comments-3mb": ("whitespace", lambda: "/**/" * (3 * MB // 4) + _request()),
    # 3. many nodes
    "items-1m": ("nodes", lambda: _gen('"responseMimeType": "application/json", "responseSchema": {"type": "ARRAY", '
                                       '"items": {"type": "OBJECT"}, "example": [' + ",".join(['{"a":1}'] * MB) + "]}")),
    "schema-props-200k": ("nodes", lambda: _gen(
        '"responseMimeType": "application/json", "responseSchema": {"type": "OBJECT", "properties": {'
        + ", ".join(f'"p{i}": {{"type": "STRING"}}' for i in range(200_000)) + "}}")),
    "parts-200k": ("nodes", lambda: '{"contents": [{"role": "user", "parts": ['
                   + ", ".join(['{"text": "hello"}'] * 200_000) + "]}]}"),
    "turns-100k": ("nodes", lambda: '{"contents": [' + ", ".join(
        ['{"role": "user", "parts": [{"text": "q"}]}, {"role": "model", "parts": [{"text": "a"}]}'] * 50_000) + "]}"),
    # 4. many findings
    "unknown-keys-200k": ("findings", lambda: _gen(", ".join(f'"unknownKey{i}": {i}' for i in range(200_000)))),
    "bad-escapes-10mb": ("findings", lambda: _request(text="\\u" * (5 * MB))),
    "invalid-escapes-10mb": ("findings", lambda: _request(text="\\x" * (5 * MB))),
    "stray-commas-5mb": ("findings", lambda: '{"contents": [' + ",," * (5 * MB // 2) + "]}"),
    "missing-commas-1mb": ("findings", lambda: '{"contents": [' + " ".join(['{"text": "a"}'] * (MB // 14)) + "]}"),
    "bad-enum-200k": ("findings", lambda: '{"contents": [' + ", ".join(
        ['{"role": "usr", "parts": [{"text": "x"}]}'] * 200_000) + "]}"),
    "unterminated-strings-1mb": ("findings", lambda: "{\n" + '"a\n' * (MB // 3) + "}"),
    # 5. nesting, long keys, long strings, many escapes
    "deep-arrays-1mb": ("shape", lambda: "[" * MB + "]" * MB),
    "deep-objects-1mb": ("shape", lambda: '{"a":' * (MB // 5) + "1" + "}" * (MB // 5)),
    "unclosed-deep-1mb": ("shape", lambda: '{"contents": [' + "[{" * (MB // 2)),
    "long-key-1mb": ("shape", lambda: '{"' + "k" * MB + '": 1, "contents": []}'),
    "long-unknown-key-1mb": ("shape", lambda: '{"contentz' + "z" * MB + '": 1}'),
    "long-text-15mb": ("shape", lambda: _request(text="lorem ipsum " * (15 * MB // 12))),
    "base64-15mb": ("shape", lambda: _request().replace(
        '{"text": "hi"}', '{"inlineData": {"mimeType": "image/png", "data": "' + "QUJD" * (15 * MB // 4) + '"}}')),
    "valid-escapes-10mb": ("shape", lambda: _request(text="\\n\\t\\u00e9" * (10 * MB // 10))),
    "control-chars-5mb": ("shape", lambda: _request(text="\x01\x02" * (5 * MB // 2))),
    "emoji-5mb": ("shape", lambda: _request(text="😀é" * (5 * MB // 6))),
}


def _measure(name: str) -> dict:
    """Build the case in this process, run it in a child, and read the child's peak RSS with wait4."""
    family, build = CASES[name]
    text = build()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case.gemini.json"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        size = path.stat().st_size
        del text
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "gemini_lsp", "check", "--format", "json", str(path)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # read the pipes without communicate(), so that wait4 collects the child's rusage
        chunks: dict[str, list[bytes]] = {"out": [], "err": []}

        def drain(stream, key):  # type: ignore[no-untyped-def]
            for block in iter(lambda: stream.read(65536), b""):
                chunks[key].append(block)

        threads = [threading.Thread(target=drain, args=(proc.stdout, "out")),
                   threading.Thread(target=drain, args=(proc.stderr, "err"))]
        for t in threads:
            t.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        for t in threads:
            t.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out, err = b"".join(chunks["out"]), b"".join(chunks["err"])
    peak = usage.ru_maxrss * 1024
    note = ""
    if proc.returncode not in (0, 1):
        note = f"exit {proc.returncode}: {err.decode(errors='replace').strip()[-160:]}"
    else:
        try:
            report = json.loads(out)
            files = report.get("files") if isinstance(report, dict) else report
            count = 0
            for f in files or []:
                count += len(f.get("findings") or f.get("diagnostics") or [])
            note = f"{count} findings"
        except (ValueError, AttributeError, TypeError):
            note = "output not read"
    limit = 4 * size + 100 * 1024 * 1024
    verdict = []
    if elapsed > LIMIT_S:
        verdict.append("SLOW")
    if peak > limit:
        verdict.append("MEM")
    return {"case": name, "family": family, "bytes": size, "seconds": round(elapsed, 2), "peak_mib": peak / 2**20,
            "limit_mib": limit / 2**20, "status": proc.returncode, "verdict": " ".join(verdict) or "ok", "note": note}


# -- regular-expression audit --------------------------------------------------------------------------------------

_RUNS = ["1", "a", " ", "\n", "\r\n", "\t", "A", "=", ".", "-", "_", "/", "\\", '"', "'", "*", "1.", "a.", "//",
         "\\u", "ab", "a1", "é", "😀", "\x00", "AIza", "ya29.", "Bearer ", "key=", "sk-", "gemini-", "projects/"]
_ENDS = ["", "x", "!", "\x00", " ", "\n", '"', "1", ".", "/"]


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    import gemini_lsp

    found: dict[int, tuple[str, re.Pattern[str]]] = {}
    for info in pkgutil.walk_packages(gemini_lsp.__path__, "gemini_lsp."):
        if info.name.endswith("__main__"):
            continue
        try:
            module = importlib.import_module(info.name)
        except Exception:  # noqa: BLE001 - a module that needs an optional dependency
            continue
        for attr, value in vars(module).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                found.setdefault(id(value), (f"{info.name.removeprefix('gemini_lsp.')}.{attr}", value))
            elif isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    cand = item[0] if isinstance(item, tuple) and item else item
                    if isinstance(cand, re.Pattern) and isinstance(cand.pattern, str):
                        found.setdefault(id(cand), (f"{info.name.removeprefix('gemini_lsp.')}.{attr}[{i}]", cand))
    schema_patterns: set[str] = set()
    root = Path(gemini_lsp.__file__).resolve().parents[2] / "schemas" / "generated"
    for file in root.rglob("*.json"):
        for m in re.finditer(r'"pattern":\s*("(?:[^"\\]|\\.)*")', file.read_text(encoding="utf-8")):
            schema_patterns.add(json.loads(m.group(1)))
    for i, pattern in enumerate(sorted(schema_patterns)):
        try:
            found.setdefault(-i - 1, (f"schema pattern {pattern[:40]!r}", re.compile(pattern)))
        except re.error:
            continue
    return sorted(found.values(), key=lambda x: x[0])


def _cpu(fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(1):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def audit(n: int = 2_000) -> list[dict]:
    """For every pattern, every near-miss input and every operation: time at n; where that is slow enough to tell
    (0.2 ms: a linear scan of n characters takes far less, a quadratic one far more), time again at 4n."""
    rows = []
    for name, pattern in _patterns():
        worst = (0.0, 0.0, "")
        slowest = (0.0, "")
        for run in _RUNS:
            for end in _ENDS:
                small = run * (n // len(run)) + end
                for op in ("match", "search", "fullmatch"):
                    fn = getattr(pattern, op)
                    t1 = _cpu(lambda: fn(small))
                    if t1 > slowest[0]:
                        slowest = (t1, f"{op}({run!r}*n + {end!r})")
                    if t1 < 0.0002:
                        continue
                    large = run * (4 * n // len(run)) + end
                    # a clearly superlinear case at n is not run at 4n (quadratic: 16x as long); estimated instead
                    t4 = _cpu(lambda: fn(large)) if t1 < 0.02 else t1 * 16
                    if t4 / t1 > (worst[1] / worst[0] if worst[0] else 0):
                        worst = (t1, t4, f"{op}({run!r}*n + {end!r})")
        t1, t4, case = worst
        rows.append({"pattern": name, "worst_input": case or slowest[1], "ms_n": (t1 or slowest[0]) * 1000,
                     "ms_4n": t4 * 1000, "growth": t4 / t1 if t1 else None})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--only", action="append")
    parser.add_argument("--no-audit", action="store_true")
    args = parser.parse_args()
    names = args.only or list(CASES)
    rows = []
    for name in names:
        row = _measure(name)
        print(f"  {name}: {row['seconds']} s, {row['peak_mib']:.0f} MiB {row['verdict']}", file=sys.stderr, flush=True)
        rows.append(row)
        if not args.markdown:
            print(f"{row['case']:28} {row['bytes'] / MB:8.2f} MB {row['seconds']:7.2f} s {row['peak_mib']:8.1f} MiB "
                  f"(limit {row['limit_mib']:6.0f}) {row['verdict']:8} {row['note']}", flush=True)
    if args.markdown:
        print("| case | family | MB | check s | peak MiB | limit MiB | verdict | result |")
        print("|---|---|---:|---:|---:|---:|---|---|")
        for r in rows:
            print(f"| {r['case']} | {r['family']} | {r['bytes'] / MB:.2f} | {r['seconds']:.2f} | {r['peak_mib']:.0f} "
                  f"| {r['limit_mib']:.0f} | {r['verdict']} | {r['note']} |")
    over = [r for r in rows if r["verdict"] != "ok"]
    print(f"\n{len(rows) - len(over)} of {len(rows)} cases within the goal (check <= {LIMIT_S} s, peak < 4 x size + "
          f"100 MB)" + (f"; over: {', '.join(r['case'] + ' ' + r['verdict'] for r in over)}" if over else ""))
    if not args.no_audit:
        audited = audit()
        suspicious = [r for r in audited if r["growth"] is not None and r["growth"] > 8]
        if args.markdown:
            print("\n| pattern | worst near-miss | ms at n=2,000 | ms at 4n | growth |")
            print("|---|---|---:|---:|---:|")
            for r in audited:
                growth = f"{r['growth']:.1f}" if r["growth"] is not None else "(under 0.2 ms at n)"
                print(f"| `{r['pattern']}` | `{r['worst_input']}` | {r['ms_n']:.2f} | {r['ms_4n']:.2f} | {growth} |")
        else:
            for r in audited:
                growth = f"{r['growth']:.1f}x" if r["growth"] is not None else "-"
                print(f"{r['pattern'][:60]:60} {r['ms_n']:8.2f} ms {r['ms_4n']:8.2f} ms {growth:>6}  {r['worst_input']}")
        print(f"\nregular expressions audited: {len(audited)}; growth over 8x from n to 4n: "
              + (", ".join(r["pattern"] for r in suspicious) or "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
