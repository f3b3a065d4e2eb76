"""Small builders for tests: a Document from lines, a .docx from paragraphs."""

from __future__ import annotations

from reportcheck.model import Document, Paragraph
from reportcheck.text.normalize import normalize


def doc_from_lines(lines: list[str], path: str = "t.txt", flags: dict | None = None) -> Document:
    """One paragraph per non-empty line; ``flags`` maps a line index to Paragraph fields."""
    paras = []
    for i, line in enumerate(l for l in lines if l.strip()):
        paras.append(Paragraph(index=i, text=normalize(line), raw=line, **(flags or {}).get(i, {})))
    return Document(path, tuple(paras), "txt")
