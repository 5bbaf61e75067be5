"""Regular expressions over word lists, built as a trie.

Python's `re` tries the branches of an alternation one by one at every position, so a
pattern over a list of a few hundred names costs a few hundred comparisons per character
of an article.  Factoring the list by common prefixes (مشهد|مشهدی|مهاباد → م(?:شهد(?:ی)?|هاباد))
leaves one comparison per character of the name being read.  Greedy optional branches
keep the longest name first, as a list sorted longest-first would: two names that both
match at one place are a prefix of each other, so they lie on one path of the trie, and
the engine backs off to the shorter only when what follows the longer does not match.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

_END = ""  # the key that marks the end of a word in the trie


def trie_alternation(words: Iterable[str]) -> str:
    """A regular expression (without a group around it) matching exactly the given words,
    longest first; a space in a word matches one space."""
    root: dict[str, dict] = {}
    for word in words:
        if not word:
            continue
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[_END] = {}
    if not root:
        return "(?!)"  # nothing to match: a pattern that never matches
    return _emit(root)


def _emit(node: dict[str, dict]) -> str:
    branches = [_escape(ch) + _emit(child) for ch, child in sorted(node.items()) if ch != _END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if _END in node else body


def _escape(ch: str) -> str:
    return " " if ch == " " else re.escape(ch)


def is_letter(ch: str) -> bool:
    """What `[^\\W\\d_]` matches: a word character that is not a digit or `_`."""
    return ch.isalnum() and not ch.isdecimal()


def at_word_start(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The matches `pattern` would give if it opened with `(?<![^\\W\\d_])`: those no
    letter stands before."""
    return not_after(pattern, text, is_letter)


def not_after(
    pattern: re.Pattern[str], text: str, refused: Callable[[str], bool]
) -> Iterator[re.Match[str]]:
    """The matches `pattern` would give if it opened with a negative lookbehind for the
    characters `refused` accepts.  The check is made here because a pattern that opens
    with a lookbehind is tried at every position of the text, while one that opens with
    what it matches (a word list's trie, a digit) lets the engine skip to where that is."""
    pos = 0
    while m := pattern.search(text, pos):
        start = m.start()
        if start and refused(text[start - 1]):
            pos = start + 1  # look again from the next character
            continue
        yield m
        pos = max(m.end(), start + 1)
