"""Snippets: the window around the first match, found without normalizing every word
before it, marks what a word-by-word scan of the whole text would."""

from __future__ import annotations

import pytest

from rasad.index.highlight import SNIPPET_WIDTH, iter_marked, snippet

FILLER = "جلسه شورای شهر با حضور اعضا برگزار شد و گزارش‌های ماهانه خوانده شد. " * 12


def _scanned(text: str, matched: set[str]) -> list[str]:
    """Every matched word of the whole text, read one by one (what a snippet shows of)."""
    return [text[s:e] for s, e in iter_marked(text, matched)]


@pytest.mark.parametrize(
    ("tail", "matched", "shown"),
    [
        ("۲۸ دفتر توسعه محله و دفترهای دیگر باز شد.", {"دفتر", "دفترهای"}, ["دفتر", "دفترهای"]),
        ("این کارها انجام شده اند.", {"شدهاند"}, ["شده اند"]),  # an affix written apart
        ("کار از فردا آغاز می شود.", {"میشود"}, ["می شود"]),  # a preverb written apart
        ("كتابخانه تازه افتتاح شد.", {"کتابخانه"}, ["كتابخانه"]),  # Arabic kaf
        ("کار تمام شده، اند.", {"شدهاند"}, ["شده، اند"]),  # apart by a comma: a full scan
    ],
)
def test_a_deep_first_match_is_found_and_marked(
    tail: str, matched: set[str], shown: list[str]
) -> None:
    text = FILLER + tail
    piece = snippet(text, matched)
    assert piece.cut_before and [piece.text[s:e] for s, e in piece.spans] == shown
    assert _scanned(text, matched) == shown
    # the window opens a third of its width before the first match, at a word's start
    first = next(iter_marked(text, matched))[0]
    space = text.find(" ", first - SNIPPET_WIDTH // 3)
    assert piece.text == text[space + 1 : space + 1 + SNIPPET_WIDTH]


def test_a_match_before_the_one_found_first_is_still_marked_in_the_window() -> None:
    """A verb and its affix apart by a comma (paired by the scan, not by the folded
    spelling) just before a word found by its spelling: the window starts before the
    word, and the verb in it is marked too."""
    text = FILLER + "کار تمام شده، اند و دفتر باز است."
    piece = snippet(text, {"شدهاند", "دفتر"})
    assert [piece.text[s:e] for s, e in piece.spans] == ["شده، اند", "دفتر"]


def test_no_match_in_the_text_gives_its_head() -> None:
    piece = snippet(FILLER, {"بوستان"})
    assert piece.spans == () and not piece.cut_before and piece.cut_after
    assert FILLER.startswith(piece.text)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("در كتابخانه‌ي مركزي", "کتابخانه"),  # Arabic kaf and yeh
        ("گزارش‌ها: مِتروی شهر", "متروی"),  # a diacritic inside the word
        ("رشد ۲۸٪ در سال", "28%"),  # Persian digits and percent sign
        ("سامانه‌ی GIS شهری", "gis"),  # Latin capitals
        ("پروژه‌ها و طرح‌ها", "پروژه ها"),  # a ZWNJ where the spelling has a space
        ("بی‌نام", "کتاب"),  # nowhere
        ("ـکتـاب", "کتاب"),  # tatweel inside and before
    ],
)
def test_a_pattern_over_original_text_finds_what_folding_it_would(text: str, word: str) -> None:
    from rasad.nlp.text import fold, folding_to

    folded = fold(text)
    at = folded.folded.lower().find(word)
    expected = folded.origin[at] if at >= 0 else None
    found = folding_to([word, "ناموجود"]).search(text)
    assert (found.start() if found else None) == expected
