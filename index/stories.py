"""One story, many outlets: fingerprints that find the same press release on other sites.

Municipal press releases are republished nearly word for word, with a new headline, an
intro added or a paragraph cut.  An article's fingerprints are hashes of its longest
sentences, normalized; two articles sharing at least two of them (one, when an article
has only one long sentence) carry the same story.  Cheap to compute, exact to look up in
either backend, and indifferent to reordered paragraphs.
"""

from __future__ import annotations

import hashlib
import re

from rasad.nlp.normalize import fold_word

PRINTS = 5  # fingerprints kept per article
MIN_WORDS = 8  # shorter sentences are too generic to identify a story
_SENTENCE = re.compile(r"[^.!?؟\n]+")


def fingerprints(body: str) -> list[str]:
    """Hashes of the article's longest sentences (at most PRINTS), in a stable order."""
    sentences = {fold_word(m.group()) for m in _SENTENCE.finditer(body)}
    long = sorted((s for s in sentences if len(s.split()) >= MIN_WORDS), key=lambda s: (-len(s), s))
    return sorted(hashlib.sha1(s.encode("utf-8")).hexdigest()[:16] for s in long[:PRINTS])


def shares_story(mine: int, theirs: int, shared: int) -> bool:
    """Whether two articles with `mine` and `theirs` fingerprints, `shared` of them in
    common, carry the same story: two in common, or one when either has only one."""
    return shared > 0 and shared >= min(2, mine, theirs)
