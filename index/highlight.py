"""Highlighting: which words of the *original* text a search matched, and snippets.

Backends search normalized text, and their highlighters say which normalized tokens
matched; this module finds those tokens again in the text as the site wrote it.  The
result is plain text with spans (`Marked`): the API renders it as escaped HTML with
`<mark>`, the command line with «guillemets», so no caller has to undo another's markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from rasad.nlp.normalize import fold_word
from rasad.nlp.text import folding_to

_WORD = re.compile(r"\w+(?:[\u200c.٫/]\w+)*")
_AFFIX = {"ها", "های", "هایی", "اند", "ای", "ام", "ایم", "اید", "تر", "ترین", "ی"}
_PREVERBS = {"می", "نمی"}
MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"
# What backend highlighters wrap matches in: characters normalization never leaves in text.
HIT_OPEN, HIT_CLOSE = "⟦", "⟧"
SNIPPET_WIDTH = 220

Span = tuple[int, int]


@dataclass(frozen=True)
class Marked:
    """A piece of original text and the spans in it that matched a search."""

    text: str
    spans: tuple[Span, ...] = ()
    cut_before: bool = False  # the text is a window: more came before it
    cut_after: bool = False

    def html(self) -> str:
        """Escaped HTML, the matched spans in <mark>: crawled text never becomes markup."""
        return self.render(html.escape, MARK_OPEN, MARK_CLOSE)

    def plain(self, open_mark: str = "«", close_mark: str = "»") -> str:
        return self.render(lambda s: s, open_mark, close_mark)

    def render(self, esc: Callable[[str], str], open_mark: str, close_mark: str) -> str:
        out, pos = [], 0
        for s, e in self.spans:
            out.append(esc(self.text[pos:s]))
            out.append(open_mark + esc(self.text[s:e]) + close_mark)
            pos = e
        out.append(esc(self.text[pos:]))
        return ("…" if self.cut_before else "") + "".join(out) + ("…" if self.cut_after else "")


@lru_cache(maxsize=65536)
def _folded(word: str) -> str:
    return fold_word(word)


def iter_marked(
    text: str, matched: set[str], begin: int = 0, end: int | None = None
) -> Iterator[Span]:
    """Spans of the original text (from `begin`, to about `end`) whose normalized form is
    one of the matched tokens, lazily.

    A word and a detached affix (شده اند، می شود) are tried together too, since the
    index saw them as one token.
    """
    if end is None or end >= len(text):
        end = len(text)
    else:  # the word `end` falls in is read whole
        space = text.find(" ", end)
        end = len(text) if space < 0 else space
    waiting: tuple[int, int, str] | None = None  # a word, until the next says if they pair
    for m in _WORD.finditer(text, begin, end):
        norm = _folded(m.group())
        if waiting is not None:
            start, stop, before = waiting
            waiting = None
            if (norm in _AFFIX or before in _PREVERBS) and before + norm in matched:
                yield start, m.end()
                continue
            if _is_matched(before, matched):
                yield start, stop
        waiting = (m.start(), m.end(), norm)
    if waiting is not None and _is_matched(waiting[2], matched):
        yield waiting[0], waiting[1]


def _is_matched(norm: str, matched: set[str]) -> bool:
    return norm in matched or (" " in norm and any(p in matched for p in norm.split()))


def marked(text: str, matched: set[str]) -> Marked:
    """The whole text with every matched word marked (titles)."""
    return Marked(text, tuple(iter_marked(text, matched)) if matched else ())


def snippet(text: str, matched: set[str], width: int = SNIPPET_WIDTH) -> Marked:
    """A window of the text around the first matched word, every match in it marked.

    Only the window's words are normalized one by one, from where a match can first begin
    (`_earliest`): a word's first match is often a thousand characters in.
    """
    first_span = None
    if matched:
        begin = _earliest(text, matched)
        first_span = next(iter_marked(text, matched, begin), None)
        if first_span is None and begin:  # a match `_earliest` cannot see, if any
            first_span = next(iter_marked(text, matched, 0, begin), None)
    if first_span is None:
        return Marked(text[:width], (), False, len(text) > width)
    first = first_span[0]
    start = max(0, first - width // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + width)
    spans = iter_marked(text, matched, start, end)
    inside = tuple(
        (max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start
    )
    return Marked(text[start:end], inside, start > 0, end < len(text))


def _earliest(text: str, matched: set[str]) -> int:
    """A word boundary at or before the first place a matched token can begin: the first
    occurrence of any token (or of a token with its affix or preverb apart, as
    `iter_marked` pairs them) in the text as folded (`folding_to`); 0 when there is none."""
    found = _first_of(frozenset(matched)).search(text)
    if found is None:
        return 0
    at = found.start()
    return max(text.rfind(" ", 0, at), text.rfind("\n", 0, at)) + 1


@lru_cache(maxsize=1024)
def _first_of(matched: frozenset[str]) -> re.Pattern[str]:
    return folding_to(_spellings(matched))


@lru_cache(maxsize=1024)
def _spellings(matched: frozenset[str]) -> tuple[str, ...]:
    """The tokens, and each also with its affix or preverb written apart."""
    out = set(matched)
    for token in matched:
        out.update(token[: -len(a)] + " " + a for a in _AFFIX if token.endswith(a))
        out.update(p + " " + token[len(p) :] for p in _PREVERBS if token.startswith(p))
    return tuple(sorted(out))


def marked_tokens(highlighted: Iterable[str], open_mark: str, close_mark: str) -> set[str]:
    """The normalized tokens a backend highlighter marked in normalized text."""
    pattern = re.compile(re.escape(open_mark) + r"(.*?)" + re.escape(close_mark), re.S)
    tokens: set[str] = set()
    for fragment in highlighted:
        for m in pattern.finditer(fragment):
            tokens.update(m.group(1).split())
    return tokens
