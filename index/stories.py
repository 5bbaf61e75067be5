"""One story, many outlets: fingerprints that find the same press release on other sites.

Municipal press releases are republished with a new headline or opening line, another
agency's attribution (به گزارش …), a few words edited, or cut after their first
paragraphs.  So a story is recognized by *containment*: how much of the shorter copy is
found in the longer one, not how alike the two are overall.

An article's fingerprints are hashes of its word shingles (runs of `SHINGLE` folded words,
so ZWNJ, ي/ك and digit spellings do not matter), sampled consistently: a shingle is kept
when its hash falls in one sixteenth of the hash space, so two copies keep the same
shingles of the text they share (a short article that keeps fewer than four adds its
smallest hashes).  Two articles carry the same story when at least half of the shorter
one's fingerprints are the other's (and at least two, unless it has fewer).  Exact
lookups in either backend, cheap to compute, indifferent to reordered paragraphs.  Two
different releases of one office on one day share their boilerplate, a few shingles of
the many each has: far below half.
"""

from __future__ import annotations

import hashlib
import re

from rasad.nlp.normalize import fold_word

SHINGLE = 24  # letters per shingle: about four words, specific yet short enough to survive edits
SAMPLE = 24  # keep one shingle hash in this many
MIN_PRINTS = 4  # at least this many (the smallest hashes) for a short article
CONTAINMENT = 0.5  # share of the shorter copy's fingerprints the other must have
_WORD = re.compile(r"[^\W_]+")
_ATTRIBUTION = re.compile(r"^\s*به\s+گزارش[^،,:]{0,80}[،,:]")  # به گزارش …، : not the story


def fingerprints(body: str) -> list[str]:
    """The article's sampled shingle hashes, sorted."""
    text = "\n".join(_ATTRIBUTION.sub("", line) for line in body.splitlines())
    letters = "".join(_WORD.findall(fold_word(text)))  # ZWNJ, space or nothing: one text
    hashes = {
        hashlib.blake2b(letters[i : i + SHINGLE].encode(), digest_size=8).hexdigest()
        for i in range(max(0, len(letters) - SHINGLE + 1))
    }
    sampled = {h for h in hashes if int(h[:4], 16) % SAMPLE == 0}
    if len(sampled) < MIN_PRINTS:  # a short article: its smallest hashes as well
        sampled |= set(sorted(hashes)[:MIN_PRINTS])
    return sorted(sampled)


def shares_story(mine: int, theirs: int, shared: int) -> bool:
    """Whether two articles with `mine` and `theirs` fingerprints, `shared` of them in
    common, carry the same story: half of the shorter's, and two of them unless it has
    fewer."""
    shorter = min(mine, theirs)
    return shared > 0 and shared >= min(2, shorter) and shared >= CONTAINMENT * shorter
