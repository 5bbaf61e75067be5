"""Scoring metric keys against paraphrase groups (`shared/eval/metric_groups_*.jsonl`).

Each group is one statistic reported in several phrasings (`place`, `unit`, `head`: a word
that must appear in what is measured).  Every sentence is extracted alone and the figure
whose value equals the target is taken; its key is compared across all pairs of targets (a
pair is predicted "same" when the keys are equal and is truly "same" when both come from
one group).  `bench/metrics.py` prints these figures and the test suite holds floors on
them, from this one code.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .extract import Extractor
from .scoring import prf, read_jsonl
from .text import fold_string


@dataclass
class GroupScore:
    total: int = 0
    groups: int = 0
    whole: int = 0
    head_ok: int = 0
    key_head_ok: int = 0
    place_ok: int = 0
    targets: list[tuple[str, str]] = field(default_factory=list)  # (group, key) found
    missing: list[str] = field(default_factory=list)  # "group: sentence" not found

    def pairs(self) -> tuple[float, float, float]:
        """Pairwise precision, recall and F1 of "same key" against "same group"."""
        tp = fp = fn = 0
        for (g1, k1), (g2, k2) in itertools.combinations(self.targets, 2):
            tp += k1 == k2 and g1 == g2
            fp += k1 == k2 and g1 != g2
            fn += g1 == g2 and k1 != k2
        return prf(tp, tp + fp, tp + fn)


def load_groups(path: Path) -> list[dict[str, Any]]:
    return read_jsonl(path)


def score_groups(groups: Iterable[dict[str, Any]], extractor: Extractor) -> GroupScore:
    result = GroupScore()
    for group in groups:
        name, keys, found = group["group"], set(), 0
        result.groups += 1
        for sentence in group["sentences"]:
            result.total += 1
            figures = extractor.extract(sentence["text"]).figures
            value = float(sentence["value"])
            fig = next((f for f in figures if float(f.value) == value), None)
            if fig is None:
                result.missing.append(f"{name}: {sentence['text']}")
                continue
            found += 1
            keys.add(fig.metric)
            result.targets.append((name, fig.metric))
            head = _folded(group["head"])
            result.head_ok += head in _folded(f"{fig.subject} {fig.unit}")
            result.key_head_ok += head in _folded(fig.metric)
            result.place_ok += fig.location == group["place"]
        result.whole += len(keys) == 1 and found == len(group["sentences"])
    return result


def _folded(text: str) -> str:
    return fold_string(text).replace(" ", "")
