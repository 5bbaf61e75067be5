"""Odd input to the command line: a clear one-line error, or the right reading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rasad.cli import main


def test_a_four_digit_year_zero_is_no_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["date", "0000-01-01"]) == 2
    assert "rasad: error:" in capsys.readouterr().err
    assert main(["date", "۱۴۰۲/۱۰/۱۰"]) == 0
    assert capsys.readouterr().out.strip() == "2023-12-31"


def test_utf16_with_a_byte_order_mark_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes("شهردار گفت: ۱۲ بوستان ساخته شد.".encode("utf-16"))
    assert main(["extract", str(path)]) == 0
    out = capsys.readouterr()
    assert [json.loads(line)["value"] for line in out.out.splitlines()] == [12]
    assert "utf-16" in out.err


def test_ingest_refuses_a_link_that_is_not_http(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RASAD_STORE", f"sqlite:///{tmp_path / 'rasad.db'}")
    article = tmp_path / "a.txt"
    article.write_text("عنوان\nشهردار گفت: ۱۲ بوستان ساخته شد.", encoding="utf-8")
    assert main(["ingest", str(article), "--url", "javascript:alert(1)"]) == 2
    assert "http" in capsys.readouterr().err
    assert not (tmp_path / "rasad.db").exists()  # refused before the store was opened


def test_a_programming_error_is_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only Rasad's own errors become one-line messages; a bug keeps its traceback."""
    import rasad.commands.extract as extract

    def broken(*_: object) -> int:
        raise ValueError("a bug, not the user's input")

    monkeypatch.setattr(extract, "number", broken)
    with pytest.raises(ValueError, match="a bug"):
        main(["number", "۱۲"])
