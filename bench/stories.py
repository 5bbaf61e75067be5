"""Story benchmark: do republished copies of a press release join one story, and do
different releases stay apart?

    python bench/stories.py [--copies 3]

Builds a variant set from the releases written for the tests (`tests/releases.py`): each
release as published, trimmed to its first paragraphs, with a new opening line, under
another agency's attribution, trimmed under another attribution, with copy edits, and in
another outlet's spelling (ZWNJ as space, ي and ك); and releases of one office on one day
about one topic, which must stay apart.  Every copy goes through a real store one at a
time, as a crawl brings them (`find_story`, then `upsert`, on the embedded SQLite), and
the stories formed are scored as pairs: precision, recall, F1; beside them the baseline,
the method before (hashes of the five longest sentences, two in common), on the same
copies; and the cost of fingerprinting and of the lookup and write per article.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasad.index.models import Article  # noqa: E402
from rasad.index.sqlite_store import SQLiteStore  # noqa: E402
from rasad.index.stories import fingerprints  # noqa: E402
from rasad.nlp.normalize import fold_word  # noqa: E402
from tests.releases import RELEASES, SAME_TOPIC, variants  # noqa: E402

Copies = list[tuple[str, Article]]  # (release, copy)


def build(copies: int) -> Copies:
    out = []
    for seed in range(copies):
        for name in RELEASES:
            for kind, body in variants(name, seed).items():
                url = f"https://bench.example/{name}/{kind}/{seed}"
                out.append((name, Article(url=url, source=f"s{seed}", title=kind, body=body)))
    return out


def score(articles: Copies, story: dict[str, str]) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for (n1, a1), (n2, a2) in itertools.combinations(articles, 2):
        joined = story[a1.id] == story[a2.id]
        tp += joined and n1 == n2
        fp += joined and n1 != n2
        fn += not joined and n1 == n2
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def sentence_prints(body: str) -> set[str]:
    """The baseline's prints: hashes of the five longest sentences of eight words or more."""
    sentences = {fold_word(m.group()) for m in re.finditer(r"[^.!?؟\n]+", body)}
    long = sorted((x for x in sentences if len(x.split()) >= 8), key=lambda x: (-len(x), x))
    return {hashlib.sha1(x.encode()).hexdigest()[:16] for x in long[:5]}


def baseline_stories(articles: Copies) -> dict[str, str]:
    """Incremental joining with the baseline prints (two shared, one for a short article)."""
    seen: list[tuple[set[str], str]] = []
    story: dict[str, str] = {}
    for _, article in articles:
        prints = sentence_prints(article.body)
        match = next(
            (s for p, s in seen if len(p & prints) >= max(1, min(2, len(p), len(prints)))),
            None,
        )
        story[article.id] = match or article.id
        seen.append((prints, story[article.id]))
    return story


def rasad_stories(articles: Copies) -> tuple[dict[str, str], float, float]:
    """Rasad's joining through a real store; seconds per article to print and to write."""
    started = time.perf_counter()
    for _, article in articles:
        article.fingerprints = fingerprints(article.body)
    printing = (time.perf_counter() - started) / len(articles)
    store = SQLiteStore(":memory:")
    started = time.perf_counter()
    for _, article in articles:  # one by one, as the crawler's StoryPipeline does
        article.story_id = store.find_story(article.fingerprints, article.id) or article.id
        store.upsert([article])
    writing = (time.perf_counter() - started) / len(articles)
    story = {a.id: a.story_id or a.id for _, a in articles}
    store.close()
    return story, printing, writing


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=3, help="variant sets per release (seeds)")
    args = ap.parse_args()
    articles = build(args.copies)
    story, printing, writing = rasad_stories(articles)
    p, r, f = score(articles, story)
    bp, br, bf = score(articles, baseline_stories(articles))
    kinds = len(variants(next(iter(RELEASES))))
    print(f"{len(articles)} copies: {len(RELEASES)} releases × {kinds} edits × {args.copies}")
    print(f"same-topic release pairs that must stay apart: {len(SAME_TOPIC)}")
    print(f"pairs: precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
    print(f"baseline (five longest sentences): precision {bp:.3f}  recall {br:.3f}  F1 {bf:.3f}")
    print(f"stories formed: {len(set(story.values()))} (releases: {len(RELEASES)})")
    print(
        f"fingerprints {printing * 1000:.2f} ms per article; "
        f"story lookup and write {writing * 1000:.2f} ms per article"
    )


if __name__ == "__main__":
    main()
