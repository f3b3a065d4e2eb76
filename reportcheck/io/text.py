"""The .txt / .md reader.

Encoding: UTF-8 (BOM or not) or UTF-16 with a BOM; failing those, cp1258 or
TCVN3 bytes, but only when the result reads as Vietnamese (see
:func:`reportcheck.text.legacy.decode_legacy`); anything else is refused.

Each non-empty line is a paragraph. Typed numbering stays in the text
(``label`` is None). Markdown adds: ``#`` headings (``level`` = number of
``#``), ``-``/``*``/``+`` bullets (``list_item``), and ``**bold**`` /
``__bold__`` whose markers are removed and recorded in ``bold``,
``emphasized`` and ``lead_bold`` the way the .docx reader records bold runs.

Tables: two or more consecutive lines split into cells — by tabs (what Word's "Save as Plain
Text" writes for a table) or by ``|`` (a pipe or Markdown table; its ``|---|`` rule line is
dropped) — are read as a table, one paragraph a non-empty cell with ``table_cell`` set, as the
.docx reader reads a Word table ("Hạn chế | Nguyên nhân | Biện pháp | Thời hạn" rows). A lone
line with a "|" or a tab stays a paragraph.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Literal

from reportcheck.io.docx import Segment, formatting
from reportcheck.io.safety import DEFAULT_LIMITS, refuse
from reportcheck.model import Document, Paragraph
from reportcheck.text.legacy import decode_legacy
from reportcheck.text.normalize import normalize

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_BINARY_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"%PDF-", b"{\\rtf", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.01

_MD_HEADING_RE = re.compile(r"(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*")
_MD_BULLET_RE = re.compile(r"[-*+]\s+")
_MD_RULE_RE = re.compile(r"([-*_])(?:\s*\1){2,}\s*")
_MD_BOLD_RE = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_TABLE_RULE_RE = re.compile(r"\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?")


def _cells(line: str) -> tuple[str, list[str]] | None:
    """(delimiter, cells) of a table row split by tabs or pipes, or None when the line is not one."""
    if "\t" in line:
        sep, cells = "\t", [c.strip() for c in line.split("\t")]
    elif "|" in line and (" | " in line or (line.startswith("|") and line.endswith("|"))):
        sep, cells = "|", [c.strip() for c in line.strip("|").split("|")]
    else:
        return None
    return (sep, cells) if sum(1 for c in cells if c) >= 2 else None


def _table_rows(lines: list[str]) -> dict[int, tuple[int, list[str]]]:
    """{line number: (table number, cells)} for the lines that belong to a table: runs of two or more rows
    split by the same delimiter (a Markdown rule line may sit among them)."""
    rows: dict[int, tuple[int, list[str]]] = {}
    tables = [0]
    parsed = [None if _TABLE_RULE_RE.fullmatch(ln) else _cells(ln) for ln in lines]
    run: list[int] = []

    def close() -> None:
        if len(run) >= 2:
            rows.update((j, (tables[0], parsed[j][1])) for j in run)
            tables[0] += 1
        run.clear()

    for i, cells in enumerate(parsed):
        if cells is None:
            if not (run and _TABLE_RULE_RE.fullmatch(lines[i])):
                close()
            continue
        if run and parsed[run[-1]][0] != cells[0]:
            close()
        run.append(i)
    close()
    return rows


def decode(data: bytes, path: str) -> tuple[str, tuple[str, ...]]:
    """Text of a text file and reader notes; refuses binary or unknown encodings."""
    if data.startswith(b"\xef\xbb\xbf"):
        text, notes = _strict(data[3:], "utf-8", path), ()
    elif data[:2] in _UTF16_BOMS:
        text, notes = _strict(data, "utf-16", path), ()
    elif b"\x00" in data or data.startswith(_BINARY_MAGIC):
        raise refuse(path, "not-text")
    else:
        text, notes = _utf8_or_legacy(data, path)
    if len(_CONTROL_RE.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        raise refuse(path, "not-text")
    return text, notes


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise refuse(path, "not-text") from None


def _utf8_or_legacy(data: bytes, path: str) -> tuple[str, tuple[str, ...]]:
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError:
        pass
    legacy = decode_legacy(data)
    if legacy is None:
        raise refuse(path, "not-text")
    text, encoding = legacy
    return text, (f"legacy-encoding:{encoding}",)


def _bold_segments(line: str) -> list[Segment]:
    """Split a Markdown line on ``**``/``__`` markers into bold / plain segments."""
    segments = []
    pos = 0
    for m in _MD_BOLD_RE.finditer(line):
        if m.start() > pos:
            segments.append(Segment(line[pos:m.start()]))
        segments.append(Segment(m.group(1) or m.group(2), bold=True, emphasis=True))
        pos = m.end()
    if pos < len(line):
        segments.append(Segment(line[pos:]))
    return segments


def _markdown_paragraph(index: int, line: str) -> Paragraph | None:
    """A Markdown line as a paragraph (None for a horizontal rule)."""
    if _MD_RULE_RE.fullmatch(line):
        return None
    level = None
    list_item = False
    heading = _MD_HEADING_RE.fullmatch(line)
    if heading:
        level, line = len(heading.group(1)), heading.group(2) or ""
    else:
        bullet = _MD_BULLET_RE.match(line)
        if bullet:
            list_item, line = True, line[bullet.end():]
    segments = _bold_segments(line)
    raw = "".join(s.text for s in segments)
    bold, emphasized, lead = formatting(segments)
    return Paragraph(index=index, text=normalize(raw), raw=raw, level=level, bold=bold,
                     emphasized=emphasized, lead_bold=lead, list_item=list_item)


def read_text(data: bytes, path: str, kind: Literal["txt", "md"]) -> Document:
    """Read a plain-text or Markdown report held in ``data``."""
    text, notes = decode(data, path)
    if len(text) > DEFAULT_LIMITS.chars:
        raise refuse(path, "too-long")
    paragraphs: list[Paragraph] = []
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if normalize(ln)]
    table_rows = _table_rows(lines)
    row_of: dict[int, int] = {}
    for number, line in enumerate(lines):
        if number in table_rows:
            table, cells = table_rows[number]
            row = row_of[table] = row_of.get(table, -1) + 1
            for column, cell in enumerate(cells):
                para = _markdown_paragraph(len(paragraphs), cell) if kind == "md" else \
                    Paragraph(index=len(paragraphs), text=normalize(cell), raw=cell)
                if para is not None and para.text:
                    paragraphs.append(replace(para, in_table=True, table_cell=(table, row, column)))
            if len(paragraphs) > DEFAULT_LIMITS.paragraphs:
                raise refuse(path, "too-long")
            continue
        if _TABLE_RULE_RE.fullmatch(line) and number - 1 in table_rows and number + 1 in table_rows:
            continue  # the rule line under a Markdown table's header row
        if kind == "md":
            para = _markdown_paragraph(len(paragraphs), line)
        else:
            para = Paragraph(index=len(paragraphs), text=normalize(line), raw=line)
        if para is not None and para.text:
            paragraphs.append(para)
        if len(paragraphs) > DEFAULT_LIMITS.paragraphs:
            raise refuse(path, "too-long")
    return Document(path=path, paragraphs=tuple(paragraphs), source_format=kind, notes=notes)
