"""The simple search syntax, parsed once and turned into each backend's query language.

    بازآفرینی مشهد              both words (AND is implied)
    "دفتر توسعه محله"           the exact phrase
    مترو OR اتوبوس              either word (also |)
    بازآفرینی -تهران            without a word (also NOT تهران)
    بازآفرین*                   words starting with a prefix
    (مترو OR اتوبوس) مشهد       grouping

Every term is normalized with `normalize_for_search`, the same function the indexer uses,
so the syntax never depends on how the user typed ZWNJ, ي or digits.  User text is never
passed to a backend's own query parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rasad.errors import RasadError
from rasad.nlp.normalize import normalize_for_search

MAX_QUERY_CHARS = 1000
MAX_TERMS = 50
MAX_DEPTH = 8  # nested parentheses and NOTs: more is never a real search


class QueryError(RasadError, ValueError):
    """The query cannot be run as written; the message tells the user how to fix it."""


@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool = False
    exact: bool = True  # False: an inflected form the search added (ranked below the word)
    as_written: bool = False  # quoted: that spelling only


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Term | Phrase | And | Or | Not

_LEXER = re.compile(
    r'\s*(?:(?P<phrase>"[^"]*")|(?P<open>\()|(?P<close>\))|(?P<word>[^\s()"]+)|(?P<bad>"))'
)


def _lex(query: str) -> list[tuple[str, str]]:
    tokens = []
    for m in _LEXER.finditer(query):
        kind = m.lastgroup
        if kind is None:
            continue
        if kind == "bad":
            raise QueryError('unbalanced quotation mark: close the phrase with a second "')
        text = m.group(kind)
        if kind == "word" and text in {"OR", "|"}:
            kind = "or"
        elif kind == "word" and text in {"AND", "&"}:
            kind = "and"
        elif kind == "word" and text == "NOT":
            kind = "not"
        elif kind == "word" and text.startswith("-") and len(text) > 1:
            tokens.append(("not", "-"))
            text = text[1:]
        tokens.append((kind, text))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Node | None:
        node = self.or_expr()
        if self.peek() is not None:
            raise QueryError("unbalanced parenthesis: a ')' has no matching '('")
        return node

    def or_expr(self) -> Node | None:
        parts = [self.and_expr()]
        while self.peek() == "or":
            self.take()
            parts.append(self.and_expr())
        kept = [p for p in parts if p is not None]
        if len(kept) < len(parts) and len(parts) > 1:
            raise QueryError("OR needs a term on each side")
        return kept[0] if len(kept) == 1 else Or(tuple(kept)) if kept else None

    def and_expr(self) -> Node | None:
        parts: list[Node] = []
        words: list[str] = []
        while self.peek() not in {None, "or", "close"}:
            kind = self.peek()
            if kind == "and":
                self.take()
                continue
            if kind == "word" and not self.tokens[self.pos][1].endswith("*"):
                words.append(self.take()[1])  # a run of plain words is normalized together
                continue
            parts.extend(_words_to_terms(words))
            words = []
            node = self.unary()
            if node is not None:
                parts.append(node)
        parts.extend(_words_to_terms(words))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self) -> Node | None:
        kind, text = self.take()
        if kind in {"not", "open"}:
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError(
                    f"the query nests parentheses or NOT too deeply (at most {MAX_DEPTH} levels)"
                )
            try:
                return self._nested(kind)
            finally:
                self.depth -= 1
        return self._leaf(kind, text)

    def _nested(self, kind: str) -> Node | None:
        if kind == "not":
            if self.peek() in {None, "or", "close", "not"}:
                raise QueryError("NOT (or -) must be followed by a word or a phrase")
            child = self.unary()
            return Not(child) if child is not None else None
        node = self.or_expr()
        if self.peek() != "close":
            raise QueryError("unbalanced parenthesis: a '(' is never closed")
        self.take()
        return node

    def _leaf(self, kind: str, text: str) -> Node | None:
        if kind == "close":
            raise QueryError("unbalanced parenthesis: a ')' has no matching '('")
        if kind == "phrase" or not text.endswith("*"):
            # a phrase, or one written word that normalization splits (abc1 → abc 1)
            words = tuple(normalize_for_search(text[1:-1] if kind == "phrase" else text).split())
            if len(words) <= 1:  # a quoted word is that spelling only: no forms added
                return Term(words[0], as_written=kind == "phrase") if words else None
            return Phrase(words)
        stem = normalize_for_search(text.rstrip("*"))
        if not stem:
            return None
        if len(stem.split()) > 1 or len(stem) < 2:
            raise QueryError(f"a prefix search needs one word of at least 2 letters: {text!r}")
        return Term(stem, prefix=True)


def _words_to_terms(words: list[str]) -> list[Node]:
    return [Term(w) for w in normalize_for_search(" ".join(words)).split()] if words else []


def _count_terms(node: Node) -> int:
    if isinstance(node, Term | Phrase):
        return 1
    if isinstance(node, Not):
        return _count_terms(node.child)
    return sum(_count_terms(c) for c in node.children)


def _has_positive(node: Node) -> bool:
    if isinstance(node, Term | Phrase):
        return True
    if isinstance(node, Not):
        return False
    if isinstance(node, Or):
        return all(_has_positive(c) for c in node.children)
    return any(_has_positive(c) for c in node.children)


def parse_query(query: str) -> Node | None:
    """Parse and normalize a query; None means "everything" (an empty query)."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the query is too long ({len(query)} characters; at most {MAX_QUERY_CHARS})"
        )
    node = _Parser(_lex(query)).parse()
    if node is None:
        return None
    if _count_terms(node) > MAX_TERMS:
        raise QueryError(f"the query has too many terms (at most {MAX_TERMS})")
    if not _has_positive(node):
        raise QueryError("a query needs at least one word to find, not only words to exclude")
    if _not_in_or(node):
        raise QueryError("NOT can only narrow a search (write: word -excluded), not join an OR")
    return node


def _not_in_or(node: Node) -> bool:
    """Whether an OR joins an excluded word (which no backend can run as a search)."""
    if isinstance(node, Term | Phrase):
        return False
    if isinstance(node, Not):
        return _not_in_or(node.child)
    if isinstance(node, Or) and any(isinstance(c, Not) for c in node.children):
        return True
    return any(_not_in_or(c) for c in node.children)


def positive_words(node: Node | None) -> list[Term]:
    """The words a match may contain (for highlighting): excluded words are left out."""
    if node is None or isinstance(node, Not):
        return []
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Phrase):
        return [Term(w) for w in node.words]
    return [t for c in node.children for t in positive_words(c)]


def marked_terms(node: Node | None) -> set[str] | None:
    """The tokens a highlighter would mark in any match of a query made of plain words
    only: those words themselves (a match holds some of them, and marking looks for each
    in the text).  None when a phrase or a prefix is in it: which tokens a phrase or a
    prefix matched depends on the text, so only the index's highlighter can say."""
    words = positive_words(node)
    if any(w.prefix for w in words) or _has_phrase(node):
        return None
    return {w.text for w in words}


def _has_phrase(node: Node | None) -> bool:
    if isinstance(node, Phrase):
        return True
    if isinstance(node, Not):
        return _has_phrase(node.child)
    return isinstance(node, And | Or) and any(_has_phrase(c) for c in node.children)


def with_word_forms(node: Node | None) -> Node | None:
    """Each word also as its inflected forms (`rasad.nlp.word_forms`: دفتر finds دفترها
    and دفاتر); a quoted phrase and a prefix stay as written."""
    from rasad.nlp.word_forms import forms

    if node is None or isinstance(node, Phrase):
        return node
    if isinstance(node, Term):
        others = () if node.prefix or node.as_written else forms(node.text)[1:]
        return Or((node, *(Term(f, exact=False) for f in others))) if others else node
    if isinstance(node, Not):
        child = with_word_forms(node.child)
        assert child is not None
        return Not(child)
    return type(node)(tuple(c for c in map(with_word_forms, node.children) if c is not None))


def added_forms(node: Node | None) -> list[Term]:
    """The inflected forms `with_word_forms` added to a query."""
    if isinstance(node, Term):
        return [] if node.exact else [node]
    if isinstance(node, Not):
        return added_forms(node.child)
    if isinstance(node, And | Or):
        return [t for c in node.children for t in added_forms(c)]
    return []


def without_forms(node: Node, dropped: set[Term]) -> Node:
    """The query without some of its added forms (a backend drops those no document holds:
    a term that matches nothing changes no answer, yet is looked up and scored per match)."""
    if isinstance(node, Or):
        kept = [without_forms(c, dropped) for c in node.children if c not in dropped]
        return kept[0] if len(kept) == 1 else Or(tuple(kept))
    if isinstance(node, And):
        return And(tuple(without_forms(c, dropped) for c in node.children))
    if isinstance(node, Not):
        return Not(without_forms(node.child, dropped))
    return node


def without_word_forms(node: Node) -> Node:
    """The query as the user wrote it: `with_word_forms` undone (a backend that cannot
    weigh one term above another ranks the matches of this first)."""
    if isinstance(node, Or):
        kept = [
            without_word_forms(c)
            for c in node.children
            if not (isinstance(c, Term) and not c.exact)
        ]
        return kept[0] if len(kept) == 1 else Or(tuple(kept))
    if isinstance(node, And):
        return And(tuple(without_word_forms(c) for c in node.children))
    if isinstance(node, Not):
        return Not(without_word_forms(node.child))
    return node
