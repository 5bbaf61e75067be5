"""Figure-extraction benchmark: accuracy on the shared dev set, and throughput.

    python bench/extraction.py [--eval PATH] [--verbose]

Scoring follows shared/eval/GUIDELINES.md section 9: (value, unit) pairs matched as
multisets per passage; spans strict (same start and end) and lenient (same start,
prediction contains the gold span).  Throughput is normalize + extract on one core
for the seed article (a typical municipal news item of about 4 KB).
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections import Counter, defaultdict
from pathlib import Path

from rasad.nlp.extract import Extractor

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVAL = ROOT.parent / "shared" / "eval"


def unit_key(unit: str) -> str:
    unit = unit.replace("\u200c", "").replace(" ", "").replace("-", "")
    return unit.replace("ي", "ی").replace("ك", "ک").replace("%", "درصد")


def pair(fig: dict) -> tuple[float, str]:
    return (round(float(fig["value"]), 6), unit_key(fig["unit"]))


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score(passages: list[dict], extractor: Extractor, verbose: bool) -> dict:
    totals = Counter()
    per_kind: dict[str, Counter] = defaultdict(Counter)
    for passage in passages:
        text, gold = passage["text"], passage["stats"]
        pred = [f.to_dict() for f in extractor.extract(text).figures]
        for f in pred:
            assert text[f["start"] : f["end"]] == f["surface"], "span does not index the input"
        gold_pairs, pred_pairs = Counter(map(pair, gold)), Counter(map(pair, pred))
        tp = sum((gold_pairs & pred_pairs).values())
        totals.update(tp=tp, pred=len(pred), gold=len(gold))
        gold_spans = {(g["start"], g["end"]) for g in gold}
        totals["strict"] += sum((f["start"], f["end"]) in gold_spans for f in pred)
        totals["lenient"] += sum(
            any(f["start"] == g["start"] and f["end"] >= g["end"] for g in gold) for f in pred
        )
        for g in gold:
            per_kind[g["kind"]]["gold"] += 1
        for f in pred:
            per_kind[f["kind"]]["pred"] += 1
        for (value, unit), n in (gold_pairs & pred_pairs).items():
            kind = next(g["kind"] for g in gold if pair(g) == (value, unit))
            per_kind[kind]["tp"] += n
        if verbose:
            for p_ in pred_pairs - gold_pairs:
                surf = [f["surface"] for f in pred if pair(f) == p_]
                print(f"  FP {passage['id']}: {p_} {surf}")
            for g_ in gold_pairs - pred_pairs:
                surf = [g["surface"] for g in gold if pair(g) == g_]
                print(f"  FN {passage['id']}: {g_} {surf}")
    return {"totals": totals, "per_kind": per_kind}


def throughput(extractor: Extractor, text: str, seconds: float = 3.0) -> float:
    extractor.extract(text)  # warm caches
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        extractor.extract(text)
        n += 1
    return n / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="folder with dev_stats.jsonl")
    ap.add_argument("--verbose", action="store_true", help="list false positives and negatives")
    args = ap.parse_args()
    passages = [json.loads(line) for line in (args.eval / "dev_stats.jsonl").open(encoding="utf-8")]
    extractor = Extractor()
    result = score(passages, extractor, args.verbose)
    t = result["totals"]
    p, r, f = prf(t["tp"], t["pred"], t["gold"])
    print(f"passages: {len(passages)}  gold figures: {t['gold']}  predicted: {t['pred']}")
    print(f"(value, unit)   precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
    for name in ("strict", "lenient"):
        sp, sr, sf = prf(t[name], t["pred"], t["gold"])
        print(f"span {name:8s} precision {sp:.3f}  recall {sr:.3f}  F1 {sf:.3f}")
    print("per kind (value, unit):")
    for kind, c in sorted(result["per_kind"].items()):
        kp, kr, kf = prf(c["tp"], c["pred"], c["gold"])
        counts = f"gold {c['gold']:3d} pred {c['pred']:3d}"
        print(f"  {kind:9s} {counts}  P {kp:.3f} R {kr:.3f} F1 {kf:.3f}")
    seed = (args.eval / "seed_article.txt").read_text(encoding="utf-8")
    rate = throughput(extractor, seed)
    size = len(seed.encode("utf-8"))
    print(
        f"throughput: {rate:.1f} articles/s on one core ({size} bytes per article, "
        f"{rate * size / 1e6:.2f} MB/s)"
    )
    if not math.isfinite(rate):
        raise SystemExit("throughput could not be measured")


if __name__ == "__main__":
    main()
