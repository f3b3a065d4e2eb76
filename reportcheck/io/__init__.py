"""Reading a report from disk.

``read_document(path) -> Document`` is the one entry point. The file is
opened read-only, read into memory once (at most 50 MB) and nothing is ever
written. What the file *is* comes from its content as much as its name:

* an OLE compound file (Word 97-2003 .doc, or a password-protected .docx) is
  refused as ``old-doc`` / ``encrypted`` whatever its extension;
* ``.docx`` / ``.docm`` must hold a zip (a PDF or RTF renamed .docx gets its
  own message);
* ``.txt`` / ``.md`` / ``.markdown`` must hold text.

Anything refused raises :class:`~reportcheck.errors.InputError`.
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import olefile

from reportcheck.errors import InputError
from reportcheck.io.docx import read_docx
from reportcheck.io.safety import DEFAULT_LIMITS, refuse
from reportcheck.io.text import read_text
from reportcheck.model import Document

__all__ = ["read_document", "InputError", "ACCEPTED_EXTENSIONS"]

DOCX_EXTENSIONS = frozenset((".docx", ".docm"))
TEXT_EXTENSIONS = {".txt": "txt", ".md": "md", ".markdown": "md"}
ACCEPTED_EXTENSIONS = DOCX_EXTENSIONS | frozenset(TEXT_EXTENSIONS)
_OLD_WORD_EXTENSIONS = frozenset((".doc", ".dot"))  # refused with the old-doc advice, not as unknown
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


def read_document(path: str | os.PathLike) -> Document:
    """Read a .docx/.docm/.txt/.md report into a :class:`Document`.

    Raises :class:`InputError` (one line, Vietnamese and English) for a file
    that is missing, unreadable, empty, too large, of another format, damaged
    or hostile.
    """
    shown = os.fsdecode(path)
    ext = Path(shown).suffix.lower()
    _check_file(shown)
    if ext not in ACCEPTED_EXTENSIONS and ext not in _OLD_WORD_EXTENSIONS:
        raise refuse(shown, "unknown-extension")
    data = _load(shown)
    if data.startswith(OLE_MAGIC):
        raise _ole_refusal(data, shown)
    if ext in DOCX_EXTENSIONS:
        return _read_package(data, shown)
    if ext in TEXT_EXTENSIONS:
        return read_text(data, shown, TEXT_EXTENSIONS[ext])
    raise refuse(shown, "unknown-extension")


def _check_file(path: str) -> None:
    """Refuse a path that is missing, a directory, special, empty or too large."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise refuse(path, "not-found") from None
    except OSError:
        raise refuse(path, "unreadable") from None
    if stat.S_ISDIR(st.st_mode):
        raise refuse(path, "directory")
    if not stat.S_ISREG(st.st_mode):
        raise refuse(path, "unreadable")
    if st.st_size == 0:
        raise refuse(path, "empty")
    if st.st_size > DEFAULT_LIMITS.file:
        raise refuse(path, "too-large")


def _load(path: str) -> bytes:
    """The file's bytes, opened read-only and capped at the size limit."""
    try:
        with open(path, "rb") as f:
            data = f.read(DEFAULT_LIMITS.file + 1)
    except FileNotFoundError:
        raise refuse(path, "not-found") from None
    except IsADirectoryError:
        raise refuse(path, "directory") from None
    except OSError:
        raise refuse(path, "unreadable") from None
    if not data:
        raise refuse(path, "empty")
    if len(data) > DEFAULT_LIMITS.file:
        raise refuse(path, "too-large")
    return data


def _ole_refusal(data: bytes, path: str) -> InputError:
    """``encrypted`` for an OLE file holding an encrypted OOXML package, else ``old-doc``."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            encrypted = ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage")
    except Exception:  # olefile raises many types on a damaged file; it is an old .doc either way
        encrypted = False
    return refuse(path, "encrypted" if encrypted else "old-doc")


def _read_package(data: bytes, path: str) -> Document:
    """A .docx by name: check the content really is a zip before reading it."""
    if data.startswith(_ZIP_MAGIC):
        return read_docx(data, path)  # XML nesting is capped at 256 by the parser, so recursion is bounded
    if data.startswith(b"%PDF-"):
        raise refuse(path, "pdf")
    if data.lstrip()[:5] == b"{\\rtf":
        raise refuse(path, "rtf")
    raise refuse(path, "bad-zip")
