"""Reading article text whatever its encoding: UTF-8 (with or without BOM) or windows-1256.

Iranian sites and old archives still serve windows-1256; a few stray invalid bytes in
an otherwise UTF-8 file must not turn the whole article into mojibake.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from rasad.errors import InvalidInput

_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")


class InputError(InvalidInput):
    """The input cannot be read as text at all (missing file, binary data)."""


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes to text; return (text, encoding used, possibly with a note)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise InputError("the input starts as UTF-16 but does not decode as it") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        raise InputError("the input looks binary (it contains NUL bytes), not article text")
    lenient = data.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd")
    if len(_ARABIC_SCRIPT.findall(lenient)) > 4 * bad:
        return lenient, f"utf-8 ({bad} invalid byte sequences replaced with U+FFFD)"
    return data.decode("cp1256", errors="replace"), "windows-1256"


def read_text(source: str | Path) -> tuple[str, str]:
    """Read a file path, or standard input for '-'."""
    if str(source) == "-":
        return decode(sys.stdin.buffer.read())
    path = Path(source)
    try:
        return decode(path.read_bytes())
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not an article file") from None
    except PermissionError:
        raise InputError(f"cannot read {path}: permission denied") from None
