"""Named entities for attribution: who reported a figure (PER, ROLE) and where (LOC).

One small interface, two implementations:
- `GazetteerRecognizer`, the default: official titles, Iranian places and common given
  names from word lists shipped with the package.  No model, no download.
- `TransformersRecognizer`: any Hugging Face token-classification model, by hub id or
  local directory, batched, with spans put back on the caller's character offsets.
  Models tag people and places but not official titles, so roles still come from the
  gazetteer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from importlib import resources
from typing import Any, NamedTuple, Protocol

from .lexicon import NOT_A_HEAD, SPEECH_VERBS
from .loaded import once
from .patterns import at_word_start, is_letter, trie_alternation
from .text import fold_string

PER, LOC, ORG, ROLE = "PER", "LOC", "ORG", "ROLE"


class Entity(NamedTuple):
    """An entity span in the text that was given to `recognize` (end exclusive).  A named
    tuple: every article has dozens, each made twice (found, then respelled)."""

    start: int
    end: int
    label: str
    text: str
    place: str | None = None  # for a ROLE, the place it governs (فرماندار مشهد → مشهد)


class EntityRecognizer(Protocol):
    """Anything that finds entities in a batch of texts."""

    def recognize(self, texts: Sequence[str]) -> list[list[Entity]]: ...


@once
def place_names() -> frozenset[str]:
    """Every place the gazetteer knows, folded (what a measured thing must not include)."""
    return frozenset(w for name in _word_list("places.txt") for w in name.split())


def _word_list(name: str) -> tuple[str, ...]:
    raw = resources.files("rasad.nlp").joinpath("data", name).read_text(encoding="utf-8")
    words = {fold_string(line.strip()) for line in raw.splitlines()}
    return tuple(sorted((w for w in words if w and not w.startswith("#")), key=len, reverse=True))


# Place names that are also ordinary words (مرکزی = central, فارس = the Fars news agency)
# count only after استان.
_AMBIGUOUS_PLACES = frozenset({"مرکزی", "فارس", "گلستان", "البرز", "کیش", "تربت"})
_NOT_NAMES = NOT_A_HEAD | {"در", "گفت", "افزود", "با", "نیز", "هم", "وی", "او", "ضمن", "امروز"}


_SPACES = re.compile(r"[ \u00a0]*")
_WORD_AT = re.compile(r"[^\W_]+")


class GazetteerRecognizer:
    """Rule and word-list recogniser: the default when no model is configured."""

    def __init__(self) -> None:
        places = _word_list("places.txt")
        titles = _word_list("titles.txt")
        verbs = sorted({fold_string(v).split()[0] for v in SPEECH_VERBS}, key=len, reverse=True)
        # A name may be glued to the next word in careless copy (مشهدگفت, استاندارخراسان).
        glue = trie_alternation([*places, *verbs])
        place = trie_alternation(places)
        end = rf"(?:(?![^\W\d_])|(?={glue}))"
        # a place's adjective names it too: داوطلبان مشهدی are Mashhad's
        self._places = re.compile(rf"(?<![^\W\d_])(?P<n>{place})(?:ی(?![^\W\d_]))?{end}")
        self._place_at = re.compile(rf"(?P<n>{place}){end}")  # glued: استاندارخراسان
        self._titles = re.compile(rf"(?P<n>{trie_alternation(titles)}){end}")
        # A first name and a surname.  An honorific before them (دکتر، سید، حجت الاسلام) is
        # not part of the name and needs no pattern: the space after it is the boundary.
        self._first = re.compile(
            rf"(?<![^\W\d_])(?P<n>{trie_alternation(_word_list('first_names.txt'))})(?![^\W\d_]) "
            r"(?P<s>[^\W\d_]{2,}(?: ?زاده| ?پور| ?نژاد)?)(?![^\W\d_])"
        )

    def __reduce__(self) -> tuple[type, tuple[()]]:
        """Pickled as its recipe (it is built from the shipped word lists), not as its
        compiled patterns: how a crawl's worker process gets one."""
        return (GazetteerRecognizer, ())

    def recognize(self, texts: Sequence[str]) -> list[list[Entity]]:
        return [self.find(text) for text in texts]

    def find(self, text: str) -> list[Entity]:
        places = self.places(text)
        entities = places + self.roles(text, places) + self.persons(text)
        return sorted(entities, key=lambda e: (e.start, -e.end))

    def places(self, text: str) -> list[Entity]:
        found = []
        for m in self._places.finditer(text):
            name = m.group("n")
            before = text[max(0, m.start() - 12) : m.start()]
            if name in _AMBIGUOUS_PLACES and not before.rstrip().endswith("استان"):
                continue
            if before.rstrip().endswith("خبرگزاری"):
                continue
            found.append(Entity(m.start(), m.end(), LOC, name))
        return found

    def roles(self, text: str, places: list[Entity]) -> list[Entity]:
        """A title, extended over its complement up to the place it governs.

        فرماندار مشهد، مدیرکل راه و شهرسازی خراسان رضوی، مدیر منطقه ۶ شهرداری اصفهان: the
        role runs from the title to the last place within a few words, or is the title alone.
        """
        known = {p.start: p.end for p in places}  # places another recognizer found
        found: list[Entity] = []
        for m in at_word_start(self._titles, text):
            if found and m.start() < found[-1].end:
                continue
            end, place, pos = m.end(), None, m.end()
            for _ in range(7):
                at = _SPACES.match(text, pos).end()  # type: ignore[union-attr]
                word = _WORD_AT.match(text, at)
                if word is None or word.group() in _NOT_NAMES:
                    break
                glued = self._place_at.match(text, at)
                place_end = known.get(at) or (glued.end() if glued else None)
                if place_end is None:
                    pos = word.end()
                    continue
                end, place, pos = place_end, text[at:place_end], place_end
                if place_end < word.end():
                    break  # a verb glued after the place (مشهدگفت): the role ends there
            found.append(Entity(m.start(), end, ROLE, text[m.start() : end], place))
        return found

    def persons(self, text: str) -> list[Entity]:
        found = []
        for m in self._first.finditer(text):
            surname = m.group("s")
            if surname in _NOT_NAMES or surname.startswith(("گفت", "افزود")):
                continue
            found.append(Entity(m.start("n"), m.end("s"), PER, text[m.start("n") : m.end("s")]))
        # A surname alone later in the text (هاشمی گفت) is the same person.
        full_names = {p.text.split()[-1]: p.text for p in found}
        if not full_names:
            return found
        covered = {i for p in found for i in range(p.start, p.end)}
        alone = sorted(
            (start, surname)
            for surname in full_names
            for start in _whole_word_at(text, surname)
            if start not in covered
        )
        found.extend(Entity(s, s + len(w), PER, full_names[w]) for s, w in alone)
        return found


def _whole_word_at(text: str, word: str) -> Iterator[int]:
    """Where `word` stands in the text as a whole word (a surname: a few per article,
    so a substring search each beats compiling a pattern for them)."""
    start = text.find(word)
    while start >= 0:
        end = start + len(word)
        if (not start or not is_letter(text[start - 1])) and (
            end == len(text) or not is_letter(text[end])
        ):
            yield start
        start = text.find(word, start + 1)


_LABELS = {
    "PER": PER,
    "PERS": PER,
    "PERSON": PER,
    "LOC": LOC,
    "LOCATION": LOC,
    "GPE": LOC,
    "ORG": ORG,
    "ORGANIZATION": ORG,
    "FAC": LOC,
}


class TransformersRecognizer:
    """A Hugging Face token-classification model behind the `EntityRecognizer` interface.

    `model` is a hub id (needs network once) or a local directory saved with
    `save_pretrained`.  Text is cut at sentence ends into chunks the model can take,
    run in batches, and the entity offsets are shifted back onto the whole text.
    """

    def __init__(
        self, model: str, batch_size: int = 16, chunk_chars: int = 800, device: int | str = -1
    ) -> None:
        from transformers import pipeline  # heavy: imported only when a model is asked for

        self.pipe = pipeline(
            "token-classification",
            model=model,
            tokenizer=model,
            aggregation_strategy="simple",
            device=device,
        )
        self.batch_size = batch_size
        self.chunk_chars = chunk_chars
        self._recipe = (model, batch_size, chunk_chars, device)
        self._roles = GazetteerRecognizer()

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        """Pickled as its recipe: another process loads the model again from its name or
        local directory (a crawl's worker, `crawler.workers`)."""
        return (TransformersRecognizer, self._recipe)

    def recognize(self, texts: Sequence[str]) -> list[list[Entity]]:
        chunks: list[tuple[int, int, str]] = []  # (text index, offset, chunk)
        for i, text in enumerate(texts):
            chunks.extend((i, off, chunk) for off, chunk in _chunks(text, self.chunk_chars))
        results: list[list[Entity]] = [[] for _ in texts]
        outputs = self.pipe([c for _, _, c in chunks], batch_size=self.batch_size) if chunks else []
        for (i, offset, chunk), spans in zip(chunks, outputs, strict=True):
            results[i].extend(self._entities(spans, chunk, offset))
        for i, text in enumerate(texts):
            places = [e for e in results[i] if e.label == LOC]
            results[i].extend(self._roles.roles(text, places))
            results[i].sort(key=lambda e: (e.start, -e.end))
        return results

    @staticmethod
    def _entities(spans: list[dict[str, Any]], chunk: str, offset: int) -> list[Entity]:
        out = []
        for span in spans:
            group = str(span.get("entity_group") or span.get("entity", "")).upper()
            label = _LABELS.get(group.removeprefix("B-").removeprefix("I-"))
            start, end = span.get("start"), span.get("end")
            if label is None or start is None or end is None:
                continue
            while start < end and chunk[start].isspace():
                start += 1
            while end > start and chunk[end - 1].isspace():
                end -= 1
            if end > start:
                out.append(Entity(offset + start, offset + end, label, chunk[start:end]))
        return out


def _chunks(text: str, size: int) -> list[tuple[int, str]]:
    """Cut text into pieces of at most `size` characters, preferring sentence ends."""
    pieces, start = [], 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            # cut after the last sentence end in range, else after a comma, else a space
            for marks in ((".", "\n", "؟", "!"), ("،", "؛"), (" ",)):
                cut = max(text.rfind(mark, start, end) for mark in marks)
                if cut > start:
                    end = cut + 1
                    break
        pieces.append((start, text[start:end]))
        start = end
    return pieces


def make_recognizer(model: str | None) -> EntityRecognizer:
    """The configured recognizer: a transformers model when `model` is set, else the gazetteer."""
    return TransformersRecognizer(model) if model else GazetteerRecognizer()
