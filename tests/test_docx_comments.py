"""The annotated .docx: findings written back into a copy of the report as Word comments."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as DocxParagraph

from reportcheck.emit.docx_comments import AUTHOR, FIXED_DATE, annotate_docx
from reportcheck.errors import UsageError
from reportcheck.io import read_document
from reportcheck.model import Analysis, Finding, Msg
from reportcheck.pipeline import Result, check_document
from reportcheck.text.normalize import normalize

REPORTS = Path(__file__).resolve().parent.parent / "corpora" / "reports"


def _with_paragraph_findings() -> list[Path]:
    found = []
    for path in sorted(REPORTS.glob("*.docx")):
        try:
            result = check_document(read_document(str(path)))
        except Exception:  # noqa: BLE001 - a corpus file being rebuilt; the reader's own tests cover it
            continue
        if any(f.paragraph is not None for f in result.findings):
            found.append(path)
    return found


CASES = _with_paragraph_findings() if REPORTS.is_dir() else []


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def anchored(document) -> dict[int, DocxParagraph]:
    """comment id -> the paragraph holding its w:commentRangeStart."""
    out = {}
    for start in document.element.body.iter(qn("w:commentRangeStart")):
        p = start.getparent()
        while p.tag != qn("w:p"):
            p = p.getparent()
        out[int(start.get(qn("w:id")))] = DocxParagraph(p, document)
    return out


@pytest.mark.skipif(not CASES, reason="no corpus report with paragraph findings")
@pytest.mark.parametrize("src", CASES, ids=lambda p: p.name)
def test_one_comment_per_paragraph_with_findings_plus_summary(src: Path, tmp_path: Path):
    result = check_document(read_document(str(src)))
    paras = result.analysis.document.paragraphs
    by_para: dict[int, list[Finding]] = {}
    for f in result.findings:
        if f.paragraph is not None:
            by_para.setdefault(f.paragraph, []).append(f)
    before = sha(src)
    out = tmp_path / "annotated.docx"
    n = annotate_docx(str(src), result, str(out))
    assert sha(src) == before
    assert n == len(by_para) + 1

    document = docx.Document(str(out))
    comments = list(document.comments)
    assert len(comments) == len(by_para) + 1
    assert all(c.author == AUTHOR and c.initials == "RC" and c.timestamp == FIXED_DATE for c in comments)
    ranges = anchored(document)
    assert set(ranges) == {c.comment_id for c in comments}

    same_text = not any(note.startswith("legacy-font") for note in result.analysis.document.notes)
    # the summary sits on the first non-empty paragraph and names the verdict and form
    summary = comments[0]
    first = next(p for p in paras if p.display.strip())
    assert not same_text or normalize(ranges[summary.comment_id].text) == first.text
    assert "Kết luận" in summary.text and "Mẫu" in summary.text
    for f in result.findings:
        if f.paragraph is None:
            assert f.code in summary.text

    # then one comment per paragraph, in document order, on the paragraph the finding points to
    # (legacy-font text is converted by the reader, not by python-docx: texts compared only without it)
    for comment, index in zip(comments[1:], sorted(by_para)):
        if same_text:
            assert normalize(ranges[comment.comment_id].text) == paras[index].text
        for f in by_para[index]:
            assert f.code in comment.text and f.rule in comment.text
            assert f.message.vi in comment.text
            if f.suggestion is not None:
                assert f.suggestion.vi in comment.text


def test_deterministic_and_english(tmp_path: Path):
    if not CASES:
        pytest.skip("no corpus report with paragraph findings")
    src = CASES[0]
    result = check_document(read_document(str(src)))
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    annotate_docx(src, result, a)
    annotate_docx(src, result, b)
    assert a.read_bytes() == b.read_bytes()
    en = tmp_path / "en.docx"
    annotate_docx(src, result, en, lang="en")
    text = "\n".join(c.text for c in docx.Document(str(en)).comments)
    assert "Verdict" in text
    for f in result.findings:
        assert f.message.en in text


def test_refuses_to_overwrite_without_force(tmp_path: Path):
    if not CASES:
        pytest.skip("no corpus report with paragraph findings")
    src = tmp_path / "src.docx"
    shutil.copyfile(CASES[0], src)
    result = check_document(read_document(str(src)))
    out = tmp_path / "out.docx"
    out.write_bytes(b"keep me")
    with pytest.raises(UsageError) as err:
        annotate_docx(src, result, out)
    assert "--force" in err.value.message("en") and "--force" in err.value.message("vi")
    assert out.read_bytes() == b"keep me"
    assert annotate_docx(src, result, out, force=True) >= 1
    assert out.read_bytes() != b"keep me"
    before = sha(src)
    with pytest.raises(UsageError):
        annotate_docx(src, result, src, force=True)  # never the source itself
    assert sha(src) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_text_source_refused(tmp_path: Path):
    txt = sorted(REPORTS.glob("*.txt"))
    if not txt:
        pytest.skip("no .txt corpus report")
    result = check_document(read_document(str(txt[0])))
    with pytest.raises(UsageError) as err:
        annotate_docx(txt[0], result, tmp_path / "out.docx")
    assert ".docx" in err.value.message("en") and "annotated output needs a .docx source" in err.value.message("en")
    assert not (tmp_path / "out.docx").exists()


def test_result_of_another_file_refused(tmp_path: Path):
    if len(CASES) < 2:
        pytest.skip("needs two corpus reports")
    other = check_document(read_document(str(CASES[1])))
    with pytest.raises(UsageError):
        annotate_docx(CASES[0], other, tmp_path / "out.docx")


def _finding(index: int, code: str = "RC999") -> Finding:
    return Finding(code=code, rule="test-rule", severity="warning", message=Msg(f"thông báo {index}", f"message {index}"),
                   paragraph=index, suggestion=Msg("gợi ý", "hint"))


def test_tables_nested_tables_merged_cells_and_empty_paragraphs(tmp_path: Path):
    """Index mapping follows the reader: cells row by row, nested tables in place,
    vertically merged continuation cells skipped; an empty paragraph still gets its comment."""
    d = docx.Document()
    d.add_paragraph("Mở đầu")
    table = d.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "ô 00"
    table.cell(0, 1).text = "ô 01"
    table.cell(1, 0).text = "ô 10"
    table.cell(2, 0).text = "ô 20"
    table.cell(1, 0).merge(table.cell(2, 0))  # vertical merge: row 2, col 0 continues it
    table.cell(1, 1).text = "ô 11"
    inner = table.cell(1, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "lồng 0"
    inner.cell(0, 1).text = "lồng 1"
    table.cell(2, 1).text = "ô 21"
    d.add_paragraph("")
    d.add_paragraph("Kết thúc")
    src = tmp_path / "tables.docx"
    d.save(str(src))

    doc = read_document(str(src))
    texts = [p.text for p in doc.paragraphs]
    targets = [texts.index("ô 21"), texts.index("lồng 1"), texts.index("Kết thúc")]
    empty = next(i for i, t in enumerate(texts) if t == "" and not doc.paragraphs[i].in_table)
    targets.append(empty)
    result = Result(Analysis(document=doc), [_finding(i) for i in sorted(targets)], {"overall": 50}, "revise")
    out = tmp_path / "out.docx"
    assert annotate_docx(src, result, out) == len(targets) + 1

    annotated = docx.Document(str(out))
    comments = list(annotated.comments)
    ranges = anchored(annotated)
    assert normalize(ranges[comments[0].comment_id].text) == "Mở đầu"
    for comment, index in zip(comments[1:], sorted(targets)):
        assert normalize(ranges[comment.comment_id].text) == texts[index]
        assert f"message {index}" not in comment.text and f"thông báo {index}" in comment.text
    # the reader still reads the annotated file the same way
    assert [p.text for p in read_document(str(out)).paragraphs] == texts


# --- real-world files (../shared/fixtures/docx-wild) ------------------------------

WILD = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "docx-wild"
WILD_NAMES = sorted(p.name for p in WILD.glob("*.docx")) if WILD.is_dir() else []
_SKIP_INSIDE = frozenset((qn("w:p"), qn("w:del"), qn("w:txbxContent"), qn("w:moveFrom")))
_TEXT = frozenset((qn("w:t"), "{http://schemas.openxmlformats.org/officeDocument/2006/math}t"))
_SPACE = frozenset((qn("w:tab"), qn("w:br"), qn("w:cr")))


def own_text(p) -> str:
    """A w:p's visible text, written independently of the reader: its w:t (and math) text,
    leaving out nested paragraphs (text boxes), deletions and hidden-in-fallback copies."""
    out = []
    for el in p.iter():
        if el is p or not isinstance(el.tag, str):
            continue
        anc, skip = el.getparent(), False
        while anc is not None and anc is not p:
            if anc.tag in _SKIP_INSIDE or anc.tag.endswith("}Fallback"):
                skip = True
                break
            anc = anc.getparent()
        if skip:
            continue
        if el.tag in _TEXT and el.text:
            out.append(el.text)
        elif el.tag in _SPACE:
            out.append(" ")
    return normalize("".join(out))


@pytest.mark.parametrize("name", WILD_NAMES)
def test_wild_files_every_paragraph_maps_back(shared_dir: Path, name: str, tmp_path: Path):
    """A comment on EVERY paragraph of real files (text boxes, content controls, merged
    cells, hyperlinks, existing comments): each lands on the paragraph with that text,
    or python-docx's refusal becomes a one-line UsageError."""
    from reportcheck.errors import InputError

    src = shared_dir / "fixtures" / "docx-wild" / name
    try:
        doc = read_document(src)
    except InputError:
        pytest.skip("the reader refuses this file")
    findings = [Finding(code="RC999", rule="probe", severity="info", message=Msg(f"mốc {i} .", f"mark {i} ."),
                        paragraph=i) for i in range(len(doc.paragraphs))]
    result = Result(Analysis(document=doc), findings, {}, "ok")
    out = tmp_path / "out.docx"
    before = sha(src)
    try:
        n = annotate_docx(src, result, out)
    except UsageError as err:
        assert "\n" not in err.message("en") and not out.exists()
        return
    assert sha(src) == before
    assert n == len(doc.paragraphs) + 1
    annotated = docx.Document(str(out))
    mine = [c for c in annotated.comments if c.author == AUTHOR]
    assert len(mine) == len(doc.paragraphs) + 1
    ranges = {}
    for start in annotated.element.body.iter(qn("w:commentRangeStart")):
        p = start.getparent()
        while p.tag != qn("w:p"):
            p = p.getparent()
        ranges[int(start.get(qn("w:id")))] = p
    for comment in mine[1:]:
        index = int(comment.text.split("mốc ")[1].split()[0])
        assert own_text(ranges[comment.comment_id]) == doc.paragraphs[index].text, index
    assert [p.text for p in read_document(out).paragraphs] == [p.text for p in doc.paragraphs]
