"""Step 1 of ingest: turn bytes into text, or refuse them with a reason a person understands."""

import codecs
import re

from articles.ingest.errors import ImportFailure

FORMATS = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}
# Characters no database column can hold: NUL (PostgreSQL refuses it, SQLite cuts the text at
# it) and surrogates, which in a Python string are always lone (a JSON "\ud800" makes one).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def format_for(name: str) -> str | None:
    """The import format a file name implies, or None for files we do not read."""
    dot = name.rfind(".")
    return FORMATS.get(name[dot:].lower()) if dot >= 0 else None


def decode(data: bytes, max_bytes: int) -> str:
    """UTF-8 (with or without BOM) or BOM-marked UTF-16; anything else is refused, not guessed.

    The text may still hold NUL characters past the first 8 KB: pass it through `storable`.
    """
    if len(data) > max_bytes:
        raise ImportFailure(too_large(len(data), max_bytes))
    # UTF-32's little-endian mark starts with UTF-16's, so it is looked for first.
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise ImportFailure("UTF-32 text is not read; save it as UTF-8 and retry")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportFailure(f"not valid UTF-16 text ({exc.reason})") from None
        return _nonempty(text)
    if b"\x00" in data[:8192]:
        raise ImportFailure("binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailure(
            f"not UTF-8 text (byte {exc.start}: {exc.reason}); save it as UTF-8 and retry"
        ) from None
    return _nonempty(text)


def too_large(size: int, max_bytes: int) -> str:
    return f"file is {size:,} bytes, over the import limit of {max_bytes:,}"


def _nonempty(text: str) -> str:
    if not _UNSTORABLE.sub("", text).strip():
        raise ImportFailure("empty file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def storable(text: str) -> tuple[str, int, int]:
    """The text without the characters a database cannot store, and how many NULs and lone
    surrogates it had."""
    removed = _UNSTORABLE.findall(text)
    if not removed:
        return text, 0, 0
    nuls = removed.count("\x00")
    return _UNSTORABLE.sub("", text), nuls, len(removed) - nuls


def removal_note(nuls: int, surrogates: int) -> str:
    """What `storable` removed, in words for the import report ("" when nothing)."""
    parts = [f"{nuls} NUL character{'s' * (nuls != 1)}"] if nuls else []
    if surrogates:
        parts.append(f"{surrogates} lone surrogate{'s' * (surrogates != 1)}")
    return f"removed {' and '.join(parts)}, which cannot be stored" if parts else ""


def visible(text: str) -> str:
    """Text that prints and stores as it is, unstorable characters shown as U+FFFD: for names
    and reasons in the report, which quote the input."""
    return _UNSTORABLE.sub("\ufffd", text)
