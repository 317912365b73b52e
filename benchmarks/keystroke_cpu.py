"""CPU time of the keystroke path in one process, without LSP transport: patch the tree (`incremental.update_tree`),
then analyse with the document's cache, for an `x` typed inside a text string, 60 times per document.

    python benchmarks/keystroke_cpu.py benchmarks/out medium large-turns large-blob

The documents are those `run.py` generates into benchmarks/out. Also runs against a checkout from before the one
engine (issue 10), whose keystroke entry point was `incremental.analyze_incremental`, for before/after figures.
Process CPU time, so other load on the machine disturbs it less than the wall-clock times of run.py.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

from gemini_lsp.analysis import analyze
from gemini_lsp.catalog import load_catalog
from gemini_lsp.document import parse
from gemini_lsp.incremental import AnalysisCache, update_tree
from gemini_lsp.settings import Settings
from gemini_lsp.text_store import TextEdit

try:  # a checkout from before issue 10
    from gemini_lsp.incremental import analyze_incremental  # type: ignore[attr-defined]
except ImportError:
    analyze_incremental = None

TEXT_START = re.compile(r'"text": "')


def main(out: Path, names: list[str]) -> None:
    settings, catalog = Settings(), load_catalog()
    for name in names:
        text = (out / f"{name}.gemini.json").read_text(encoding="utf-8")
        path = f"/bench/{name}.gemini.json"
        doc, cache = parse(text), AnalysisCache()

        def run(t: str, d):  # type: ignore[no-untyped-def]
            if analyze_incremental is not None:
                return analyze_incremental(t, path, settings, catalog, d, cache)
            return analyze(t, path, settings, catalog=catalog, doc=d, cache=cache)

        t0 = time.process_time()
        run(text, doc)
        open_ms = (time.process_time() - t0) * 1000
        times, full = [], 0
        for k in range(60):
            sites = [m.end() for m in TEXT_START.finditer(text)]
            site = sites[(k * 9973) % len(sites)] + 3
            new = text[:site] + "x" + text[site:]
            t0 = time.process_time()
            result = update_tree(doc, [TextEdit(site, site, "x")], new)
            if result is None:
                doc = parse(new)
                cache.on_full_parse()
                full += 1
            else:
                doc, splices = result
                for s in splices:
                    if analyze_incremental is not None:
                        cache.on_splice(s, "x")
                    else:
                        cache.on_splice(s)
            run(new, doc)
            times.append((time.process_time() - t0) * 1000)
            text = new
        times.sort()
        print(f"{name:32s} open {open_ms:7.1f} ms   keystroke median {statistics.median(times):6.2f} ms  "
              f"p90 {times[int(len(times) * 0.9)]:7.2f} ms   full parses {full}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:])
