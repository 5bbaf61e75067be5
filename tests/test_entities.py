"""Named entities: the gazetteer default, and a real transformers model built here.

The machines cannot download weights, so the transformer test trains a tiny BERT
token classifier on a few sentences, saves it with `save_pretrained` to a temporary
directory, and loads it back through the same path a user's model id takes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rasad.nlp.entities import LOC, PER, ROLE, GazetteerRecognizer, TransformersRecognizer
from rasad.nlp.extract import Extractor
from rasad.nlp.text import fold


def test_gazetteer_roles_places_people() -> None:
    text = fold(
        "فرماندار مشهدگفت: محمدرضا هاشمی و معاون استاندارخراسان رضوی در تهران بودند."
    ).folded
    ents = GazetteerRecognizer().find(text)
    got = {(e.label, text[e.start : e.end]) for e in ents}
    assert (ROLE, "فرماندار مشهد") in got
    assert (PER, "محمدرضا هاشمی") in got
    assert (LOC, "تهران") in got
    assert any(e.label == ROLE and e.place == "خراسان رضوی" for e in ents)


def test_news_agency_is_not_a_place() -> None:
    text = fold("به گزارش خبرگزاری فارس، دفتر مرکزی شهرداری بازگشایی شد.").folded
    assert [e for e in GazetteerRecognizer().find(text) if e.label == LOC] == []


def test_speaker_carries_over_and_binds_title_to_name(extractor: Extractor) -> None:
    text = (
        "شهردار تبریز: ۴۰ دستگاه اتوبوس خریداری شد\n"
        "به گزارش رصد، حسین نوری در جمع خبرنگاران گفت: امسال ۴۰ دستگاه اتوبوس وارد ناوگان شد.\n"
        "وی افزود: ۱۲ ایستگاه جدید نیز ساخته می‌شود.\n"
        "مدیرعامل سازمان آتش‌نشانی اصفهان نیز گفت: ۳ ایستگاه در اصفهان افتتاح شد."
    )
    figs = extractor.extract(text).figures
    assert [(f.value, f.speaker, f.speaker_role, f.location) for f in figs] == [
        (40, "حسین نوری", "شهردار تبریز", "تبریز"),
        (40, "حسین نوری", "شهردار تبریز", "تبریز"),
        (12, "حسین نوری", "شهردار تبریز", "تبریز"),
        (3, "مدیرعامل سازمان آتش‌نشانی اصفهان", "مدیرعامل سازمان آتش‌نشانی اصفهان", "اصفهان"),
    ]


NAMES = [["محمدرضا", "هاشمی"], ["زهرا", "کاظمی"], ["علی", "رضایی"], ["حسین", "نوری"]]
CITIES = ["مشهد", "تبریز", "شیراز", "اصفهان"]
FILLER = ["خبر", ":", "گزارش", "،", ".", "امروز", "نیز", "جلسه", "شهر", "گفت", "بود", "در", "و"]
LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]


def training_sentences() -> list[tuple[list[str], list[str]]]:
    """Every name with every city in two word orders, padded with filler words (label O)."""
    out = []
    for i, (first, last) in enumerate(NAMES):
        for j, city in enumerate(CITIES):
            pad = [FILLER[(i + j) % len(FILLER)], FILLER[(i * 3 + j) % len(FILLER)]]
            out.append(
                (
                    [*pad, first, last, "در", city, "گفت", "."],
                    ["O", "O", "B-PER", "I-PER", "O", "B-LOC", "O", "O"],
                )
            )
            out.append(
                (
                    ["در", city, pad[0], first, last, pad[1], "بود"],
                    ["O", "B-LOC", "O", "B-PER", "I-PER", "O", "O"],
                )
            )
            out.append(
                (
                    [first, last, "در", city, pad[1], "گفت", ":"],
                    ["B-PER", "I-PER", "O", "B-LOC", "O", "O", "O"],
                )
            )
    return out


def build_tiny_model(directory: Path) -> None:
    """Train a 1-layer BERT token classifier on TRAIN and save model and tokenizer."""
    torch = pytest.importorskip("torch", reason="install the 'ner' extra: pip install -e .[ner]")
    from tokenizers import Tokenizer, models, pre_tokenizers, processors, trainers
    from transformers import BertConfig, BertForTokenClassification, PreTrainedTokenizerFast

    raw = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    raw.pre_tokenizer = pre_tokenizers.Whitespace()
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    train = training_sentences()
    raw.train_from_iterator(
        [" ".join(w) for w, _ in train], trainers.WordLevelTrainer(special_tokens=specials)
    )
    raw.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        special_tokens=[(t, raw.token_to_id(t)) for t in ("[CLS]", "[SEP]")],
    )
    tok = PreTrainedTokenizerFast(
        tokenizer_object=raw,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
    )
    config = BertConfig(
        vocab_size=raw.get_vocab_size(),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        id2label=dict(enumerate(LABELS)),
        label2id={label: i for i, label in enumerate(LABELS)},
    )
    torch.manual_seed(0)
    model = BertForTokenClassification(config)
    batch = tok([w for w, _ in train], is_split_into_words=True, padding=True, return_tensors="pt")
    labels = torch.full(batch["input_ids"].shape, -100)
    for row, (_, tags) in enumerate(train):
        for col, word in enumerate(batch.word_ids(row)):
            if word is not None:
                labels[row, col] = LABELS.index(tags[word])
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3)
    model.train()
    for _ in range(200):
        loss = model(**batch, labels=labels).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    model.save_pretrained(directory)
    tok.save_pretrained(directory)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("tiny-ner")
    build_tiny_model(directory)
    return directory


def test_transformers_recognizer_offsets(tiny_model: Path) -> None:
    texts = ["خبر: محمدرضا هاشمی در مشهد گفت", "گزارش   زهرا کاظمی در تبریز بود"]
    recognizer = TransformersRecognizer(str(tiny_model), batch_size=2)
    results = recognizer.recognize(texts)
    for text, ents in zip(texts, results, strict=True):
        for ent in ents:
            assert text[ent.start : ent.end] == ent.text
    assert {(e.label, e.text) for e in results[0]} >= {(PER, "محمدرضا هاشمی"), (LOC, "مشهد")}
    assert {(e.label, e.text) for e in results[1]} >= {(PER, "زهرا کاظمی"), (LOC, "تبریز")}


def test_transformers_recognizer_chunks_long_text(tiny_model: Path) -> None:
    sentence = "محمدرضا هاشمی در مشهد گفت. "
    text = sentence * 60  # several chunks of at most chunk_chars characters
    recognizer = TransformersRecognizer(str(tiny_model), chunk_chars=100)
    ents = recognizer.recognize([text])[0]
    people = [e for e in ents if e.label == PER]
    assert len(people) == 60
    assert all(text[e.start : e.end] == "محمدرضا هاشمی" for e in people)


def test_transformers_recognizer_travels_as_its_recipe(tiny_model: Path) -> None:
    """A crawl's worker process gets the model's path and settings, and loads it again."""
    import pickle

    recognizer = TransformersRecognizer(str(tiny_model), batch_size=2, chunk_chars=100)
    sent = pickle.dumps(recognizer)
    assert len(sent) < 1000  # the recipe, not the weights
    copy = pickle.loads(sent)
    assert (copy.batch_size, copy.chunk_chars) == (2, 100)
    text = ["خبر: محمدرضا هاشمی در مشهد گفت"]
    assert copy.recognize(text) == recognizer.recognize(text)


def test_extractor_with_transformer_model(tiny_model: Path) -> None:
    extractor = Extractor(TransformersRecognizer(str(tiny_model)))
    text = "زهرا کاظمی در تبریز گفت: ۱۲ بوستان ساخته شد."
    figs = extractor.extract(text).figures
    assert [(f.value, f.unit, f.speaker, f.location) for f in figs] == [
        (12, "بوستان", "زهرا کاظمی", "تبریز")
    ]


def test_crawl_uses_the_configured_model(
    tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RASAD_NER_MODEL reaches the crawler's extractor: a model that is not there stops the
    crawl with a message naming it, and the tiny model crawls the site."""
    from rasad.index.models import FigureQuery
    from rasad.index.sqlite_store import SQLiteStore
    from tests.fixture_site import Site, serve
    from tests.test_crawl import crawl, sources_file

    with serve(Site()) as base:
        config = sources_file(tmp_path, base)
        monkeypatch.setenv("RASAD_NER_MODEL", str(tmp_path / "no-such-model"))
        missing = crawl(tmp_path, config, "--no-politeness")
        assert missing.returncode != 0 and "no-such-model" in missing.stderr
        monkeypatch.setenv("RASAD_NER_MODEL", str(tiny_model))
        done = crawl(tmp_path, config, "--no-politeness")
    assert done.returncode == 0, done.stderr[-2000:]
    with SQLiteStore(tmp_path / "store.db") as store:
        assert store.figures(FigureQuery()).total > 0
