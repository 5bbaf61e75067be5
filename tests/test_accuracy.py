"""The accuracy gate: extraction on every shared gold file must not fall below its floor.

Floors sit a little under what the extractor scores when they were set (see the closing
notes); raise them as it improves.  `python bench/extraction.py --verbose` lists each error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rasad.nlp.extract import Extractor
from rasad.nlp.metric_scoring import load_groups, score_groups
from rasad.nlp.scoring import load_passages, score
from tests.conftest import SHARED_EVAL

# file → (precision, F1) of (value, unit) pairs, and strict-span F1
FLOORS = {
    "dev_stats.jsonl": (0.99, 0.99, 0.99),
    "dev2_stats.jsonl": (0.98, 0.975, 0.97),
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_extraction_holds_its_floor(extractor: Extractor, name: str) -> None:
    path = SHARED_EVAL / name
    if not path.exists():
        pytest.fail(f"{path} is missing (shared/ must sit beside the repository)")
    result = score(load_passages(path), extractor)
    precision, _, f1 = result.pairs()
    span_f1 = result.spans("strict")[2]
    floor_p, floor_f1, floor_span = FLOORS[name]
    errors = "\n".join(result.errors)
    assert precision >= floor_p, f"precision {precision:.3f} < {floor_p}\n{errors}"
    assert f1 >= floor_f1, f"F1 {f1:.3f} < {floor_f1}\n{errors}"
    assert span_f1 >= floor_span, f"span F1 {span_f1:.3f} < {floor_span}\n{errors}"


def test_every_gold_file_has_a_floor() -> None:
    assert {p.name for p in SHARED_EVAL.glob("*_stats.jsonl")} <= set(FLOORS)


# The metric groups' floors (`python bench/metrics.py --verbose` lists every key): pair F1,
# groups whole under one key, the head word in what is measured, the place right.
# The written groups are this project's own (bench/), on other topics and cities.
METRIC_FLOORS = {
    "metric_groups_dev.jsonl": (0.95, 15, 0.95, 1.0),
    "metric_groups_written.jsonl": (0.93, 38, 0.95, 0.95),
}
WRITTEN = Path(__file__).resolve().parents[1] / "bench" / "metric_groups_written.jsonl"


@pytest.mark.parametrize("name", sorted(METRIC_FLOORS))
def test_metric_keys_hold_their_floor(extractor: Extractor, name: str) -> None:
    path = WRITTEN if name == WRITTEN.name else SHARED_EVAL / name
    if not path.exists():
        pytest.fail(f"{path} is missing (shared/ must sit beside the repository)")
    result = score_groups(load_groups(path), extractor)
    floor_f1, floor_whole, floor_head, floor_place = METRIC_FLOORS[name]
    keys = "\n".join(f"{group}: {key}" for group, key in result.targets)
    assert not result.missing, result.missing
    assert result.pairs()[2] >= floor_f1, f"pair F1 {result.pairs()[2]:.3f}\n{keys}"
    assert result.whole >= floor_whole, f"{result.whole} groups whole\n{keys}"
    assert result.head_ok / result.total >= floor_head, keys
    assert result.place_ok / result.total >= floor_place, keys


def test_every_metric_group_file_has_a_floor() -> None:
    assert {p.name for p in SHARED_EVAL.glob("metric_groups_*.jsonl")} <= set(METRIC_FLOORS)
