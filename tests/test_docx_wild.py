"""Real-world .docx files from other projects (../shared/fixtures/docx-wild):
each one is read or refused cleanly, fast, and a few give known content."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reportcheck.errors import InputError
from reportcheck.io import read_document
from reportcheck.model import Document

WILD = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "docx-wild"
NAMES = sorted(p.name for p in WILD.glob("*.docx")) if WILD.is_dir() else []


@pytest.fixture(scope="module")
def wild(shared_dir: Path) -> Path:
    folder = shared_dir / "fixtures" / "docx-wild"
    if not folder.is_dir():
        pytest.skip("../shared/fixtures/docx-wild is absent")
    return folder


def read(folder: Path, name: str) -> Document:
    path = folder / name
    if not path.is_file():
        pytest.skip(f"{name} is not in docx-wild")
    return read_document(path)


@pytest.mark.parametrize("name", NAMES)
def test_every_file_reads_or_is_refused_in_one_line(wild: Path, name: str) -> None:
    start = time.perf_counter()
    try:
        doc = read_document(wild / name)
    except InputError as err:
        assert err.line("vi").count("\n") == 0 and err.line("en").count("\n") == 0
    else:
        assert isinstance(doc, Document)
        assert [p.index for p in doc.paragraphs] == list(range(len(doc.paragraphs)))
        assert all(p.in_table == (p.table_cell is not None) for p in doc.paragraphs)
    assert time.perf_counter() - start < 2.0


def test_strict_ooxml_file(wild: Path) -> None:
    doc = read(wild, "docx2python__strict.docx")
    assert [p.text for p in doc.paragraphs if p.text][:2] == ["Bullet1", "Bullet2"]
    assert [p.display for p in doc.paragraphs if p.label] == ["1. Number1", "2. Number2"]
    assert any(p.in_table for p in doc.paragraphs)


def test_renamed_document_part(wild: Path) -> None:
    doc = read(wild, "docx2python__renamed_document_xml.docx")
    assert doc.paragraphs and doc.paragraphs[0].text == "This is a link to my website."


def test_tables_and_merged_cells(wild: Path) -> None:
    doc = read(wild, "docx2python__paragraphs_and_tables.docx")
    cells = [(p.text, p.table_cell) for p in doc.paragraphs if p.in_table and p.text]
    assert cells[:2] == [("This", (0, 0, 0)), ("Document", (0, 0, 1))]
    assert ("One More Table", (1, 0, 0)) in cells
    merged = [p.text for p in read(wild, "docx2python__merged_cells.docx").paragraphs if p.text]
    assert len(merged) == len(set(merged)) and "34-123" in merged


def test_numbering_labels(wild: Path) -> None:
    doc = read(wild, "docx2python__example_numbering.docx")
    for p in doc.paragraphs:
        if p.text.startswith("expect "):
            expected = p.text.removeprefix("expect ")
            assert p.label is not None and expected in p.label, (p.label, p.text)
    pages = read(wild, "docx2python__created-in-pages-bulleted-lists.docx")
    assert [p.label for p in pages.paragraphs if p.label][:3] == ["1.", "A.", "B."]


def test_comments_headers_and_footers_are_left_out(wild: Path) -> None:
    text = read(wild, "docx2python__comments.docx").text
    assert "Par2" in text and "COMMENT" not in text and "Response from" not in text
    headers = read(wild, "python-docx__hdr-header-footer.docx").text
    assert "section with header" in headers


def test_text_boxes_follow_their_anchor(wild: Path) -> None:
    texts = [p.text for p in read(wild, "docx2python__nested_paragraphs.docx").paragraphs]
    assert texts[1].startswith("[Grab your reader's attention")


def test_soft_line_breaks_become_spaces(wild: Path) -> None:
    doc = read(wild, "docx2python__soft_line_breaks.docx")
    assert doc.paragraphs[0].text == "Line1 Line2 Line3"
