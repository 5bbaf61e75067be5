"""The `rasad` command as other tooling calls it: a real subprocess each time."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

SEED_LINE = "فرماندار مشهد گفت: تاکنون ۲۸ دفتر توسعه محله راه اندازی شده و ۸۸۰ نفر آموزش دیده‌اند."


def rasad(
    *args: str, stdin: bytes | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rasad", *args],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        check=False,
    )


def records(proc: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines() if line]


def test_extract_stdin_jsonl() -> None:
    proc = rasad("extract", "-", "--date", "2020-11-02", stdin=SEED_LINE.encode())
    assert proc.returncode == 0, proc.stderr
    out = records(proc)
    assert [(r["value"], r["unit"]) for r in out] == [(28, "دفتر"), (880, "نفر")]
    required = {
        "value",
        "unit",
        "kind",
        "surface",
        "start",
        "end",
        "subject",
        "qualifier",
        "speaker",
        "location",
    }
    assert all(required <= r.keys() for r in out)
    assert all(SEED_LINE[r["start"] : r["end"]] == r["surface"] for r in out)
    assert {r["published"] for r in out} == {"2020-11-02"}
    assert {r["location"] for r in out} == {"مشهد"}


def test_extract_file_table_and_group(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(SEED_LINE + "\n" + SEED_LINE, encoding="utf-8")
    table = rasad("extract", str(path), "--format", "table")
    assert table.returncode == 0
    assert "(4 figures)" in table.stdout.decode()
    grouped = records(rasad("extract", str(path), "--group"))
    assert [len(g["mentions"]) for g in grouped] == [2, 2]


def test_extract_windows_1256(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    # windows-1256 has Arabic yeh and kaf but neither Persian letters nor Persian digits
    old_style = (
        "فرماندار مشهد گفت: تاکنون 28 دفتر توسعه محله راه اندازي شده و 880 نفر آموزش ديده اند."
    )
    path.write_bytes(old_style.replace("ک", "ك").encode("cp1256"))
    proc = rasad("extract", str(path))
    assert proc.returncode == 0
    assert "windows-1256" in proc.stderr.decode()
    assert [(r["value"], r["unit"]) for r in records(proc)] == [(28, "دفتر"), (880, "نفر")]


def test_extract_invalid_utf8_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    path.write_bytes(SEED_LINE.encode() + b"\xff\xfe\xfa" + " و ۵۰ دستگاه".encode())
    proc = rasad("extract", str(path))
    assert proc.returncode == 0
    assert "invalid byte" in proc.stderr.decode()
    assert [r["value"] for r in records(proc)] == [28, 880, 50]


@pytest.mark.parametrize(
    "payload", [b"", b"   \n", b"The council met on Monday; 12 items.", b"1234567890" * 1000]
)
def test_extract_nothing_to_report(payload: bytes) -> None:
    proc = rasad("extract", "-", stdin=payload)
    assert proc.returncode == 0, proc.stderr
    assert records(proc) == []


def test_extract_large_article_finishes(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    unit = (SEED_LINE + "\n").encode()
    path.write_bytes(unit * (5_000_000 // len(unit)))
    start = time.monotonic()
    proc = rasad("extract", str(path), timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert len(records(proc)) == 2 * (5_000_000 // len(unit))
    assert time.monotonic() - start < 300


def test_extract_missing_file_is_clear() -> None:
    proc = rasad("extract", "/no/such/article.txt")
    assert proc.returncode == 2
    assert "no such file" in proc.stderr.decode()


def test_extract_bad_date_option() -> None:
    proc = rasad("extract", "-", "--date", "1402-10-40", stdin=b"x")
    assert proc.returncode == 2
    assert "YYYY-MM-DD" in proc.stderr.decode()


@pytest.mark.parametrize(
    ("expr", "out"),
    [("دو هزار و ۵۰۰", "2500"), ("۱.۵", "1.5"), ("یک هزار و 50 میلیارد", "1050000000000")],
)
def test_number(expr: str, out: str) -> None:
    proc = rasad("number", expr)
    assert (proc.returncode, proc.stdout.decode().strip()) == (0, out)


def test_number_rejects_words() -> None:
    proc = rasad("number", "سلام دنیا")
    assert proc.returncode != 0
    assert "not a Persian number" in proc.stderr.decode()
    assert proc.stdout == b""


@pytest.mark.parametrize(
    ("text", "out"),
    [("۱۰ دی ۱۴۰۲", "2023-12-31"), ("1399/05/12", "2020-08-02"), ("سال ۹۹", "2020-03-20")],
)
def test_date(text: str, out: str) -> None:
    proc = rasad("date", text)
    assert (proc.returncode, proc.stdout.decode().strip()) == (0, out)


def test_date_rejects_nonsense() -> None:
    proc = rasad("date", "۳۱ اسفند ۱۴۰۲")
    assert proc.returncode != 0
    assert "calendar" in proc.stderr.decode()


def test_the_command_line_and_the_server_supervisor_start_without_hazm() -> None:
    """hazm imports nltk and all of itself (0.4 s, 50 MB): a command that never normalizes
    text, and the supervisor of `rasad serve --workers N`, which only starts the workers,
    go without it; the first normalization loads it."""
    script = (
        "import sys, rasad.cli, rasad.service\n"
        "before = 'hazm' in sys.modules\n"
        "from rasad.nlp.normalize import normalize_for_search\n"
        "normalize_for_search('کتاب ها')\n"
        "print(before, 'hazm' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
