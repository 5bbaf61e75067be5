"""Scoring figure extraction against gold annotations (shared/eval/GUIDELINES.md §9).

(value, unit) pairs are matched as multisets per passage; units compare after removing
spaces, ZWNJ and hyphens and folding ي/ك and %; spans strict (same start and end) and
lenient (same start, the prediction contains the gold span).  The benchmark prints these
figures and the test suite's accuracy gate holds floors on them, from this one code.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .extract import Extractor


def unit_key(unit: str) -> str:
    unit = unit.replace("\u200c", "").replace(" ", "").replace("-", "")
    return unit.replace("ي", "ی").replace("ك", "ک").replace("%", "درصد")


def pair(fig: dict[str, Any]) -> tuple[float, str]:
    return (round(float(fig["value"]), 6), unit_key(fig["unit"]))


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


@dataclass
class Score:
    """Counts over a set of passages; `errors` lists each false positive and negative."""

    totals: Counter[str] = field(default_factory=Counter)
    per_kind: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    errors: list[str] = field(default_factory=list)

    def pairs(self) -> tuple[float, float, float]:
        return prf(self.totals["tp"], self.totals["pred"], self.totals["gold"])

    def kind_scores(self, kind: str) -> tuple[float, float, float]:
        """Precision over the figures predicted as `kind`, recall over the gold ones."""
        c = self.per_kind[kind]
        p = prf(c["tp_pred"], c["pred"], c["gold"])[0]
        r = prf(c["tp_gold"], c["pred"], c["gold"])[1]
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def spans(self, kind: str = "strict") -> tuple[float, float, float]:
        return prf(self.totals[kind], self.totals["pred"], self.totals["gold"])

    def add(self, other: Score) -> None:
        self.totals.update(other.totals)
        for kind, counts in other.per_kind.items():
            self.per_kind[kind].update(counts)
        self.errors.extend(other.errors)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The records of a JSON-lines file (blank lines skipped): the shared eval sets' form."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def load_passages(path: Path) -> list[dict[str, Any]]:
    return read_jsonl(path)


def score(passages: Iterable[dict[str, Any]], extractor: Extractor) -> Score:
    result = Score()
    for passage in passages:
        text, gold = passage["text"], passage["stats"]
        pred = [f.to_dict() for f in extractor.extract(text).figures]
        for f in pred:
            assert text[f["start"] : f["end"]] == f["surface"], "span does not index the input"
        gold_pairs, pred_pairs = Counter(map(pair, gold)), Counter(map(pair, pred))
        matched = gold_pairs & pred_pairs
        result.totals.update(tp=sum(matched.values()), pred=len(pred), gold=len(gold))
        gold_spans = {(g["start"], g["end"]) for g in gold}
        result.totals["strict"] += sum((f["start"], f["end"]) in gold_spans for f in pred)
        result.totals["lenient"] += sum(
            any(f["start"] == g["start"] and f["end"] >= g["end"] for g in gold) for f in pred
        )
        for g in gold:
            result.per_kind[g["kind"]]["gold"] += 1
        for f in pred:
            result.per_kind[f["kind"]]["pred"] += 1
        # A match counts for recall under the gold figure's kind and for precision under
        # the predicted one's: the two differ when the extractor names the kind otherwise.
        for matched_pair, n in matched.items():
            gold_kind = next(g["kind"] for g in gold if pair(g) == matched_pair)
            pred_kind = next(f["kind"] for f in pred if pair(f) == matched_pair)
            result.per_kind[gold_kind]["tp_gold"] += n
            result.per_kind[pred_kind]["tp_pred"] += n
        for p_ in pred_pairs - gold_pairs:
            surfaces = [f["surface"] for f in pred if pair(f) == p_]
            result.errors.append(f"FP {passage['id']}: {p_} {surfaces}")
        for g_ in gold_pairs - pred_pairs:
            surfaces = [g["surface"] for g in gold if pair(g) == g_]
            result.errors.append(f"FN {passage['id']}: {g_} {surfaces}")
    return result
