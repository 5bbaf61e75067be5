"""Page chrome: the parts of a crawled page that carry digits but report nothing.

Web addresses (a percent-encoded source link is full of "%D8"), e-mail addresses,
hashtags and the short lines of comment, view and share counters sit in the text the
crawler keeps.  Their character spans are blocked, as dates are, before numbers are read.
"""

from __future__ import annotations

import re

from .patterns import trie_alternation

# Each kind with the character it cannot do without: most texts have none of them, and a
# substring test is far cheaper than a regex scan.
_ADDRESSES = (
    # web addresses, to the next space
    (("://", "www."), re.compile(r"(?:https?://|www\.)[^\s<>\"]+")),
    (("@",), re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),  # e-mail addresses
    (("#",), re.compile(r"#[^\s#]+")),  # hashtags: #هفته_فرهنگی_اراک
    (("%",), re.compile(r"(?:%[0-9A-Fa-f]{2}){2,}")),  # percent-encoded text outside an address
)
# Words of the lines about the page itself: its comments, visits, likes, shares, captcha.
_COUNTER_WORDS = (
    "دیدگاه",
    "بازدید",
    "نظرات",
    "نظر شما",
    "ارسال نظر",
    "لایک",
    "کامنت",
    "اشتراک گذاری",
    "کد امنیتی",
    "کد تصویر",
    "کپچا",
    "captcha",
)
_COUNTER = re.compile(trie_alternation(_COUNTER_WORDS), re.IGNORECASE)
MAX_COUNTER_WORDS = 14  # a longer line is prose that happens to name comments or visits


def find_chrome(folded: str) -> list[tuple[int, int]]:
    """Character spans of page chrome in folded text (they may overlap each other)."""
    spans = [
        m.span()
        for needles, pattern in _ADDRESSES
        if any(needle in folded for needle in needles)
        for m in pattern.finditer(folded)
    ]
    for m in _COUNTER.finditer(folded):
        start = folded.rfind("\n", 0, m.start()) + 1
        end = folded.find("\n", m.end())
        end = len(folded) if end < 0 else end
        if len(folded[start:end].split()) <= MAX_COUNTER_WORDS:
            spans.append((start, end))
    return spans
