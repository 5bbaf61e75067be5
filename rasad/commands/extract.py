"""`rasad extract`, `rasad number`, `rasad date`: the extractor on one text, no store."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from rasad.config import Settings
from rasad.textio import read_text

from . import Subparsers, iso_date


def register(sub: Subparsers) -> None:
    ex = sub.add_parser(
        "extract",
        help="print the figures reported in an article",
        description="Read an article (UTF-8 or windows-1256) and print one JSON "
        "object per figure mention.",
    )
    ex.add_argument("file", nargs="?", default="-", help="article text file, or - for stdin")
    ex.add_argument(
        "--date",
        type=iso_date,
        help="publication date (YYYY-MM-DD); by default the first full date in the text",
    )
    ex.add_argument("--format", choices=("jsonl", "table"), default="jsonl")
    ex.add_argument(
        "--group", action="store_true", help="one record per distinct figure, with all its mentions"
    )
    ex.add_argument(
        "--ner-model",
        help="Hugging Face token-classification model id or local "
        "directory for names and places (default: built-in word lists; "
        "also RASAD_NER_MODEL)",
    )
    ex.set_defaults(func=extract)

    num = sub.add_parser(
        "number",
        help="parse a Persian number expression",
        description="Print the value of a number written in Persian words "
        "and/or digits, e.g. 'دو هزار و ۵۰۰' -> 2500.",
    )
    num.add_argument("expression")
    num.set_defaults(func=number)

    dt = sub.add_parser(
        "date",
        help="convert a Jalali date to Gregorian",
        description="Print the Gregorian date (YYYY-MM-DD) of a Jalali date as "
        "written, e.g. '۱۰ دی ۱۴۰۲' or '۱۴۰۲/۱۰/۱۰'. A year alone gives 1 Farvardin.",
    )
    dt.add_argument("text")
    dt.set_defaults(func=jalali_date)


def extract(args: argparse.Namespace, settings: Settings) -> int:
    from rasad.nlp.extract import group_mentions

    text, encoding = read_text(args.file)
    if encoding != "utf-8":
        print(f"rasad: note: input decoded as {encoding}", file=sys.stderr)
    published = date.fromisoformat(args.date) if args.date else None
    result = settings.extractor(args.ner_model).extract(text, published)
    for warning in result.warnings:
        print(f"rasad: warning: {warning}", file=sys.stderr)
    if not text.strip():
        print("rasad: note: the input is empty; no figures", file=sys.stderr)
    pub = result.published.isoformat() if result.published else None
    records = (
        group_mentions(result.figures) if args.group else [f.to_dict() for f in result.figures]
    )
    for record in records:
        record["published"] = pub
    if args.format == "table":
        _print_table(records)
    else:
        for record in records:
            print(json.dumps(record, ensure_ascii=False))
    return 0


def _print_table(records: list[dict[str, object]]) -> None:
    columns = ("value", "unit", "kind", "surface", "subject", "qualifier", "speaker", "location")
    rows = [[str(r.get(c) if r.get(c) is not None else "") for c in columns] for r in records]
    widths = [max([len(c)] + [len(row[i]) for row in rows]) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
    print(f"({len(records)} figures)")


def number(args: argparse.Namespace, settings: Settings) -> int:
    from rasad.nlp.numbers import format_decimal, parse_number

    print(format_decimal(parse_number(args.expression)))
    return 0


def jalali_date(args: argparse.Namespace, settings: Settings) -> int:
    from rasad.nlp.dates import parse_jalali_date

    print(parse_jalali_date(args.text).isoformat())
    return 0
