"""Sentences, speakers and places: who reported a figure, and where it is about.

News copy names a speaker once (a title in the headline, a name in the lead) and
then says وی افزود for paragraphs; a speaker therefore carries over from sentence
to sentence until someone new is quoted, and a title and a name that open the
article together are taken to be one person.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter

from .entities import LOC, PER, ROLE, Entity
from .lexicon import SPEECH_VERBS

# hazm's SentenceTokenizer joins lines and drops offsets; headlines end without a full
# stop, so line breaks are sentence ends too.
# A run of end marks before white space, or a run of line breaks; written to open with one
# character class (not two alternatives), which lets the engine skip to the next candidate.
_SENTENCE_END = re.compile(r"[!.?؟\n](?:(?<=\n)\n*|(?<!\n)[!.?؟]*(?=\s))")
_SPEECH = re.compile(r"(?<![^\W\d_])(?:" + "|".join(SPEECH_VERBS) + r")(?![^\W\d_])|:")
_PRONOUNS = re.compile(r"(?<![^\W\d_])(?:وی|او|ایشان)(?![^\W\d_])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Half-open spans of sentences, trimmed of surrounding white space."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        piece = text[s:e]
        lead, kept = len(piece) - len(piece.lstrip()), len(piece.rstrip())
        if kept > lead:
            out.append((s + lead, s + kept))
    return out


@dataclass(slots=True)
class Speaker:
    """A person or office quoted in the article; name and role fill in as they appear."""

    name: str | None = None
    role: str | None = None
    place: str | None = None


@dataclass(slots=True)
class Attribution:
    """Who spoke each sentence and where the article is about."""

    sentence_speakers: list[Speaker | None] = field(default_factory=list)
    main_place: str | None = None


def attribute(text: str, sentences: list[tuple[int, int]], entities: list[Entity]) -> Attribution:
    """Assign a speaker to every sentence, carrying speakers over as news copy does."""
    speakers: list[Speaker] = []
    current: Speaker | None = None
    lead_role: Speaker | None = None
    result = Attribution()
    people = [ent for ent in entities if ent.label in {PER, ROLE}]
    starts = [ent.start for ent in people]
    for idx, (s, e) in enumerate(sentences):
        inside = people[bisect_left(starts, s) : bisect_left(starts, e)]
        speech = _SPEECH.search(text, s, e) if inside else None  # no one to quote: skip
        if speech:
            named = [ent for ent in inside if ent.start < speech.start()] or []
            if named and not _PRONOUNS.search(text, named[-1].end, speech.start()):
                current = _resolve(named[-1], inside, speakers, current, lead_role)
                if idx == 0 and current.role and not current.name:
                    lead_role = current
        result.sentence_speakers.append(current)
    # A headline summarises what the lead's speaker said: it takes the first speaker.
    first = next((sp for sp in result.sentence_speakers if sp is not None), None)
    for i, sp in enumerate(result.sentence_speakers):
        if sp is not None:
            break
        result.sentence_speakers[i] = first
    places = Counter(ent.text for ent in entities if ent.label == LOC)
    places.update(ent.place for ent in entities if ent.label == ROLE and ent.place)
    result.main_place = places.most_common(1)[0][0] if places else None
    return result


def _resolve(
    ent: Entity,
    inside: list[Entity],
    speakers: list[Speaker],
    current: Speaker | None,
    lead_role: Speaker | None,
) -> Speaker:
    """The Speaker an entity refers to, creating or completing one as needed."""
    partner = _apposition(ent, inside)
    name = ent.text if ent.label == PER else (partner.text if partner else None)
    role_ent = ent if ent.label == ROLE else partner
    role = role_ent.text if role_ent else None
    for sp in speakers:
        if (name and sp.name == name) or (role and sp.role == role):
            sp.name = sp.name or name
            if role and not sp.role:
                sp.role, sp.place = role, role_ent.place if role_ent else None
            return sp
    # The headline gives a title, the lead a name: one person (فرماندار مشهد … محمدرضا هاشمی).
    if name and not role and lead_role is not None and lead_role.name is None:
        lead_role.name = name
        return lead_role
    speaker = Speaker(name, role, role_ent.place if role_ent else None)
    speakers.append(speaker)
    return speaker


def _apposition(ent: Entity, inside: list[Entity]) -> Entity | None:
    """A name and a title written side by side (هاشمی، فرماندار مشهد) describe one person."""
    want = ROLE if ent.label == PER else PER
    for other in inside:
        if other.label == want and (
            0 <= other.start - ent.end <= 3 or 0 <= ent.start - other.end <= 3
        ):
            return other
    return None


_START = itemgetter(0)  # an entity's start, as a C function (cheaper than a lambda key)


def place_for(
    position: int,
    sentence: tuple[int, int],
    entities: list[Entity],
    speaker: Speaker | None,
    main_place: str | None,
) -> str | None:
    """The place a figure is about: named in its sentence, else its speaker's, else the article's.

    `entities` must be sorted by start, as recognizers return them.
    """
    s, e = sentence
    lo = bisect_left(entities, s, key=_START)
    hi = bisect_left(entities, e, key=_START)
    places = [ent for ent in entities[lo:hi] if ent.label == LOC]
    before = [p for p in places if p.start < position]
    if before:
        return before[-1].text
    if places:
        return places[0].text
    if speaker and speaker.place:
        return speaker.place
    return main_place
