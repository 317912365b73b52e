"""The long fuzz run: the properties of tests/test_fuzz.py on random inputs for as long as you let it.

    python scripts/fuzz_long.py --minutes 30            # prints inputs tried and failures found
    python scripts/fuzz_long.py --minutes 5 --seed 7    # reproducible: same seed, same inputs

Generators: hostile characters, JSON token soup, arbitrary Unicode, invalid UTF-8 decoded with surrogateescape (as
the CLI reads files), and truncated / mutated corpus requests (CRLF and CR line ends too); each input goes through
parse, analyze and every editing feature at sampled offsets. One input in five is instead a random edit sequence on
a corpus request, checking that the incremental path (patched tree, reused findings) equals a fresh analysis.
A failure (exception, 30 s timeout, range outside the document, incremental != fresh) is saved under
benchmarks/out/fuzz-failures/ with its traceback; add it to REGRESSIONS in tests/test_fuzz.py once fixed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "server"))

import test_fuzz as tf  # noqa: E402


def random_text(rng: random.Random) -> str:
    return "".join(rng.choice(tf.HOSTILE_CHARS) for _ in range(rng.randint(0, 400)))


def token_soup(rng: random.Random) -> str:
    return "".join(rng.choice(tf.TOKENS) for _ in range(rng.randint(0, 120)))


def any_unicode(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(0, 200)):
        r = rng.random()
        if r < 0.6:
            out.append(chr(rng.randint(0x20, 0x7E)))
        elif r < 0.8:
            out.append(chr(rng.randint(0, 0xFFFF)))
        else:
            out.append(chr(rng.randint(0, 0x10FFFF)))
    return "".join(out)


def invalid_utf8(rng: random.Random) -> str:
    return rng.randbytes(rng.randint(0, 400)).decode("utf-8", "surrogateescape")


def mutated(rng: random.Random) -> str:
    text = rng.choice(tf.VALID_BODIES + tf.INVALID_BODIES)
    for _ in range(rng.randint(0, 8)):
        op = rng.random()
        i = rng.randint(0, len(text))
        if op < 0.1:
            text = text[:i]
        elif op < 0.45:
            text = text[:i] + text[i + rng.randint(1, 6):]
        elif op < 0.8:
            text = text[:i] + rng.choice(tf.HOSTILE_CHARS + tf.TOKENS) + text[i:]
        else:
            j = rng.randint(0, len(text))
            text = text[:i] + text[min(i, j):max(i, j)] + text[i:]
    if rng.random() < 0.3:
        text = text.replace("\n", rng.choice(["\r\n", "\r"]))
    if rng.random() < 0.05:
        text = "\ufeff" + text
    return text


GENERATORS = [random_text, token_soup, any_unicode, invalid_utf8, mutated, mutated]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "fuzz-failures")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    rng = random.Random(seed)
    deadline = time.monotonic() + args.minutes * 60
    tried = sequences = edits = 0
    failures: list[dict] = []
    signatures: set[str] = set()
    started = time.monotonic()
    while time.monotonic() < deadline:
        case_seed = rng.randrange(2**32)
        case_rng = random.Random(case_seed)
        kind = "edits" if case_rng.random() < 0.2 else "text"
        try:
            if kind == "edits":
                text = case_rng.choice(tf.VALID_BODIES + tf.INVALID_BODIES)
                with tf.time_limit(60):
                    tf.run_edit_sequence(text, case_seed, 15)
                sequences += 1
                edits += 15
            else:
                generator = case_rng.choice(GENERATORS)
                text = generator(case_rng)
                tf.check_everything(text, feature_offsets=20)
            tried += 1
        except Exception as error:  # noqa: BLE001 - everything is a finding here
            tb = traceback.format_exc()
            frames = traceback.extract_tb(error.__traceback__)
            where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
            signature = f"{type(error).__name__} at {where}"
            failure = {"seed": case_seed, "kind": kind, "signature": signature, "traceback": tb}
            if kind == "text":
                failure["input"] = text  # type: ignore[possibly-undefined]
            failures.append(failure)
            if signature not in signatures:
                signatures.add(signature)
                args.out.mkdir(parents=True, exist_ok=True)
                path = args.out / f"failure-{len(signatures):03d}.json"
                path.write_text(json.dumps(failure, ensure_ascii=True, indent=1), encoding="utf-8")
                print(f"FAILURE {signature} (seed {case_seed}) -> {path}", flush=True)
        if tried and tried % 500 == 0:
            elapsed = time.monotonic() - started
            print(f"{tried} inputs, {sequences} edit sequences, {len(failures)} failures, {elapsed:.0f} s", flush=True)
    elapsed = time.monotonic() - started
    summary = {
        "seed": seed,
        "minutes": round(elapsed / 60, 1),
        "inputs": tried,
        "edit_sequences": sequences,
        "incremental_edits_checked": edits,
        "failures": len(failures),
        "distinct_failures": sorted(signatures),
    }
    print(json.dumps(summary, indent=1))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
