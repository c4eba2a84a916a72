"""Step 1 of ingest: turn bytes into text, or refuse them with a reason a person understands."""

import codecs

from articles.ingest.errors import ImportFailure

FORMATS = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}


def format_for(name: str) -> str | None:
    """The import format a file name implies, or None for files we do not read."""
    dot = name.rfind(".")
    return FORMATS.get(name[dot:].lower()) if dot >= 0 else None


def decode(data: bytes, max_bytes: int) -> str:
    """UTF-8 (with or without BOM) or BOM-marked UTF-16; anything else is refused, not guessed."""
    if len(data) > max_bytes:
        raise ImportFailure(f"file is {len(data):,} bytes, over the import limit of {max_bytes:,}")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportFailure(f"not valid UTF-16 text ({exc.reason})") from None
    if b"\x00" in data[:8192]:
        raise ImportFailure("binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailure(
            f"not UTF-8 text (byte {exc.start}: {exc.reason}); save it as UTF-8 and retry"
        ) from None
    if not text.strip():
        raise ImportFailure("empty file")
    return text.replace("\r\n", "\n").replace("\r", "\n")
