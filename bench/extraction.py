"""Figure-extraction benchmark: accuracy on every shared gold file, and speed beside hazm.

    python bench/extraction.py [--eval DIR] [--verbose] [--seconds S]

Accuracy: every `*_stats.jsonl` in the eval folder (default ../shared/eval), each on its
own and pooled, scored as shared/eval/GUIDELINES.md §9 says (`rasad.nlp.scoring`):
precision / recall / F1 of (value, unit) pairs, strict and lenient spans, per kind;
`--verbose` lists every false positive and negative.

Speed, in this process, on one core, over the same texts: hazm's own pass (Normalizer,
sentence tokenizer, word tokenizer) and Rasad's extractor with all its stages, their
passes alternating and the fastest of each kept; the ratio extractor / hazm is printed,
so it holds on a noisy machine.  Also articles per second on the seed article (about
4 KB).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from rasad.nlp.extract import Extractor
from rasad.nlp.scoring import Score, load_passages, score

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVAL = ROOT.parent / "shared" / "eval"


def report(name: str, result: Score) -> None:
    t = result.totals
    p, r, f = result.pairs()
    print(f"== {name}: gold {t['gold']}, predicted {t['pred']}")
    print(f"   (value, unit)   precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
    for kind in ("strict", "lenient"):
        sp, sr, sf = result.spans(kind)
        print(f"   span {kind:8s} precision {sp:.3f}  recall {sr:.3f}  F1 {sf:.3f}")


def per_kind(result: Score) -> None:
    print("per kind (value, unit), pooled:")
    for kind, c in sorted(result.per_kind.items()):
        kp, kr, kf = result.kind_scores(kind)
        counts = f"gold {c['gold']:3d} pred {c['pred']:3d}"
        print(f"   {kind:9s} {counts}  P {kp:.3f} R {kr:.3f} F1 {kf:.3f}")


def rates(works: list[Callable[[str], object]], texts: list[str], seconds: float) -> list[float]:
    """Texts per second of each work, from its fastest whole pass over the list.

    Passes of the works alternate, so a slow spell of a shared machine falls on all of
    them alike, and the fastest pass of each (as `timeit` advises) is the one least
    disturbed by everything else that ran; CPU time, not wall time, is counted."""
    for work in works:
        for text in texts:
            work(text)  # warm caches
    best = [float("inf")] * len(works)
    deadline = time.perf_counter() + seconds * len(works)
    while time.perf_counter() < deadline:
        for i, work in enumerate(works):
            start = time.process_time()
            for text in texts:
                work(text)
            best[i] = min(best[i], time.process_time() - start)
    return [len(texts) / b for b in best]


def hazm_pass() -> Callable[[str], object]:
    """hazm's own normalize + sentence + word tokenization (one tokenizer, reused)."""
    from hazm import Normalizer, SentenceTokenizer, WordTokenizer

    normalizer, sentences, words = Normalizer(), SentenceTokenizer(), WordTokenizer()

    def run(text: str) -> object:
        return [words.tokenize(s) for s in sentences.tokenize(normalizer.normalize(text))]

    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="folder with *_stats.jsonl")
    ap.add_argument("--verbose", action="store_true", help="list false positives and negatives")
    ap.add_argument("--seconds", type=float, default=3.0, help="time per speed measurement")
    args = ap.parse_args()
    extractor = Extractor()
    pooled, texts = Score(), []
    for path in sorted(args.eval.glob("*_stats.jsonl")):
        passages = load_passages(path)
        texts += [p["text"] for p in passages]
        result = score(passages, extractor)
        report(f"{path.name} ({len(passages)} passages)", result)
        if args.verbose:
            for line in result.errors:
                print(f"     {line}")
        pooled.add(result)
    report("pooled", pooled)
    per_kind(pooled)

    seed = (args.eval / "seed_article.txt").read_text(encoding="utf-8")
    texts.append(seed)
    hazm_rate, ours = rates([hazm_pass(), extractor.extract], texts, args.seconds)
    size = sum(len(t.encode("utf-8")) for t in texts) / len(texts)
    print(
        f"speed over {len(texts)} texts (mean {size / 1000:.1f} KB), one core: hazm normalize + "
        f"sentences + words {hazm_rate:.0f} texts/s; Rasad extractor {ours:.0f} texts/s; "
        f"ratio {ours / hazm_rate:.2f}"
    )
    (seed_rate,) = rates([extractor.extract], [seed], args.seconds)
    print(f"seed article ({len(seed.encode('utf-8'))} bytes): {seed_rate:.0f} articles/s")


if __name__ == "__main__":
    main()
