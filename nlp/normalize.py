"""Search normalization: one spelling per word, so that every written form finds every other.

Applied to articles when they are indexed and to queries when they are run, by both
backends alike: hazm's Normalizer first (it puts ZWNJ into شده اند / می شود / کتاب ها and
unifies Arabic letters), then ZWNJ is dropped altogether, so شده‌اند, شدهاند and شده اند
all become the single token شدهاند; digits in any script become Latin (۲۸ = 28), thousands
separators go, decimals stay one token (5.5), and punctuation becomes space.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .loaded import once
from .text import ZWNJ, fold_string

if TYPE_CHECKING:
    from hazm import Normalizer

# Each opens with the mark it replaces and looks back for the digit before it: a pattern
# that opens with a lookbehind is tried at every character of the text.
_THOUSANDS = re.compile(r"[,،٬](?<=\d[,،٬])(?=\d{3}(?!\d))")
_DECIMAL = re.compile(r"[./٫](?<=\d[./٫])(?=\d)")
_POINT = "\ue000"  # stands for a decimal point while hazm (which spaces out ٫ and .) runs
_NOT_WORD = re.compile(r"[^\w\ue000]+")
_SPACED_POINT = re.compile(r"(?<=\d) ?\ue000 ?(?=\d)")


@once
def hazm_normalizer() -> Normalizer:
    """The one hazm Normalizer of a process (each costs half a second to build).  Without
    `seperate_mi`: that step only puts a ZWNJ after می, which search folding takes out again
    and which the noun phrases read for display hardly ever hold, and it would load hazm's
    lemmatizer, over a second of every process's start.  hazm is imported here, not with
    the module: importing it imports nltk and all of hazm (0.4 s, 50 MB), which a command
    or a server's supervisor that never normalizes text does not need."""
    from hazm import Normalizer

    return Normalizer(seperate_mi=False)


def _join_numbers(text: str) -> str:
    text = _THOUSANDS.sub("", text)  # \d matches Persian and Arabic-Indic digits too
    return _DECIMAL.sub(_POINT, text)


def fold_word(text: str) -> str:
    """The cheap half of normalization (no hazm): letters, digits, ZWNJ, case, punctuation."""
    text = fold_string(_join_numbers(text.replace(ZWNJ, "")))
    if _POINT in text:
        text = _SPACED_POINT.sub(_POINT, text)
    text = _NOT_WORD.sub(" ", text).replace(_POINT, ".")
    return " ".join(text.lower().split())


def normalize_for_search(text: str) -> str:
    """Index- and query-time normal form: space-separated normalized tokens."""
    if not text:
        return ""
    return fold_word(hazm_normalizer().normalize(_join_numbers(text)))
