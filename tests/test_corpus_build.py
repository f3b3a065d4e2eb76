"""corpora/build.py: reproducible builds, Word numbering, table letterhead, committed reports up to date."""

from __future__ import annotations

import importlib.util
import io
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPORA = REPO / "corpora"
BUILD_PY = CORPORA / "build.py"

docx = pytest.importorskip("docx")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _load_builder():
    name = "reportcheck_corpus_build"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BUILD_PY)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


build = _load_builder()

FRONT = """+++
kind = "{kind}"
form = "2023"
year = 2024
language = "vi"
layout = "{layout}"
split = "dev"
author = "h2"
note = "builder test fixture"

[expect]
party = "good"
civil_servant = "good"
missing = []
findings = []
verdict = "ok"
+++
"""

BODY = """\
| ĐẢNG BỘ PHƯỜNG HÒA BÌNH | **ĐẢNG CỘNG SẢN VIỆT NAM** |
| CHI BỘ KHU PHỐ 3 | Hòa Bình, ngày 05 tháng 12 năm 2024 |
= BẢN KIỂM ĐIỂM CÁ NHÂN
=~ Năm 2024
Họ và tên: Lê Văn Tâm        Ngày sinh: 02/9/1979
# I. Ưu điểm, kết quả đạt được
## 1. Về phẩm chất chính trị, đạo đức, lối sống
Chấp hành nghiêm chủ trương của Đảng, chính sách, pháp luật của Nhà nước.
- Tham gia đủ 12/12 kỳ sinh hoạt chi bộ.
## 2. Về thực hiện chức trách, nhiệm vụ được giao:: Hoàn thành **100%** kế hoạch năm.
### a) Công tác chuyên môn
# II. Hạn chế, khuyết điểm và nguyên nhân
## 1. Hạn chế, khuyết điểm
Việc cập nhật văn bản mới còn chậm.
# III. Tự nhận mức xếp loại chất lượng
[ ] Hoàn thành xuất sắc nhiệm vụ
[x] Hoàn thành tốt nhiệm vụ
Chọn mức __Hoàn thành tốt nhiệm vụ__.
>> NGƯỜI TỰ KIỂM ĐIỂM
"""


def _write(tmp: Path, name: str, layout: str, kind: str = "member") -> Path:
    src = tmp / f"{name}.rpt"
    src.write_text(FRONT.format(layout=layout, kind=kind) + BODY, encoding="utf-8")
    return src


def _document_xml(path: Path):
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("word/document.xml"))


def test_load_source_reads_front_matter_and_body(tmp_path):
    src = _write(tmp_path, "a", "word-headings")
    meta, body = build.load_source(src)
    assert meta["layout"] == "word-headings" and meta["expect"]["party"] == "good"
    assert body[0].startswith("| ĐẢNG BỘ") and all(line.strip() for line in body)


def test_build_twice_gives_identical_bytes(tmp_path):
    srcs = [_write(tmp_path, "auto", "auto-numbering"), _write(tmp_path, "table", "table-letterhead")]
    first = {s.stem: build.build_one(s, tmp_path / "one").read_bytes() for s in srcs}
    second = {s.stem: build.build_one(s, tmp_path / "two").read_bytes() for s in srcs}
    assert first == second
    for data in first.values():
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
            assert names == sorted(names)
            assert {i.date_time for i in z.infolist()} == {build.ZIP_DATE_TIME}
            assert "docProps/thumbnail.jpeg" not in names
    d = docx.Document(io.BytesIO(first["auto"]))
    assert d.core_properties.author == "reportcheck corpus"
    assert d.core_properties.created == d.core_properties.modified


def test_auto_numbering_headings_carry_numpr_without_typed_label(tmp_path):
    out = build.build_one(_write(tmp_path, "auto", "auto-numbering"), tmp_path / "out")
    body = _document_xml(out).find(f"{W}body")
    headings = []
    for p in body.iter(f"{W}p"):
        numpr = p.find(f"{W}pPr/{W}numPr")
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        if numpr is not None:
            headings.append((numpr.find(f"{W}ilvl").get(f"{W}val"), text))
    levels = [lvl for lvl, _ in headings]
    # I, 1, (bullet), 2, a, II, 1, III  -> the bullet is level 0 of a bullet list
    texts = [t for _, t in headings]
    assert "Ưu điểm, kết quả đạt được" in texts
    assert "Về thực hiện chức trách, nhiệm vụ được giao: Hoàn thành 100% kế hoạch năm." in texts
    assert "Công tác chuyên môn" in texts
    assert {"0", "1", "2"} <= set(levels)
    for t in texts:
        assert not t.split(" ", 1)[0] in {"I.", "II.", "III.", "1.", "2.", "a)"}, t
    # the numbering definitions exist: upper Roman / decimal / lower letter
    with zipfile.ZipFile(out) as z:
        numbering = z.read("word/numbering.xml").decode()
    for fmt in ("upperRoman", "decimal", "lowerLetter"):
        assert f'w:numFmt w:val="{fmt}"' in numbering


def test_auto_numbering_rejects_labels_word_would_not_show(tmp_path):
    src = _write(tmp_path, "bad", "auto-numbering")
    src.write_text(src.read_text(encoding="utf-8").replace("# III. Tự nhận", "# IV. Tự nhận"), encoding="utf-8")
    with pytest.raises(build.SourceError, match="IV"):
        build.build_one(src, tmp_path / "out")


def test_table_letterhead_has_borderless_two_column_table(tmp_path):
    out = build.build_one(_write(tmp_path, "table", "table-letterhead"), tmp_path / "out")
    d = docx.Document(out)
    assert len(d.tables) == 1
    t = d.tables[0]
    assert len(t.columns) == 2 and len(t.rows) == 2
    assert t.cell(0, 1).text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    borders = t._tbl.tblPr.find(f"{W}tblBorders")
    assert borders is not None and {e.get(f"{W}val") for e in borders} == {"nil"}
    # letterhead rows are paragraphs in the other layouts
    other = docx.Document(build.build_one(_write(tmp_path, "bold", "bold-typed"), tmp_path / "out"))
    assert not other.tables
    assert other.paragraphs[1].text == "ĐẢNG CỘNG SẢN VIỆT NAM"


def test_markup_renders(tmp_path):
    d = docx.Document(build.build_one(_write(tmp_path, "wh", "word-headings"), tmp_path / "out"))
    by_text = {p.text: p for p in d.paragraphs}
    assert by_text["I. Ưu điểm, kết quả đạt được"].style.name == "Heading 1"
    assert by_text["a) Công tác chuyên môn"].style.name == "Heading 3"
    lead = by_text["2. Về thực hiện chức trách, nhiệm vụ được giao: Hoàn thành 100% kế hoạch năm."]
    assert lead.runs[0].bold and lead.runs[0].text == "2. Về thực hiện chức trách, nhiệm vụ được giao:"
    assert not lead.runs[1].bold
    assert "☒ Hoàn thành tốt nhiệm vụ" in by_text and "☐ Hoàn thành xuất sắc nhiệm vụ" in by_text
    under = by_text["Chọn mức Hoàn thành tốt nhiệm vụ."]
    assert [r.text for r in under.runs if r.underline] == ["Hoàn thành tốt nhiệm vụ"]
    txt = build.render_txt(*build.load_source(_write(tmp_path, "t", "txt")))
    assert "[x] Hoàn thành tốt nhiệm vụ" in txt and "**" not in txt and "__" not in txt


def _sources():
    return sorted((CORPORA / "src").glob("*.rpt"))


def test_committed_reports_are_up_to_date(tmp_path):
    srcs = _sources()
    if not srcs:
        pytest.skip("no corpus sources yet")
    expected = set()
    problems = []
    for src in srcs:
        name, data = build.render(src)
        expected.add(name)
        committed = CORPORA / "reports" / name
        if not committed.exists():
            problems.append(f"{name}: missing - run python corpora/build.py {src.stem}")
        elif committed.read_bytes() != data:
            hint = "content differs"
            if name.endswith(".docx"):
                with zipfile.ZipFile(committed) as a, zipfile.ZipFile(io.BytesIO(data)) as b:
                    if [(i.filename, a.read(i)) for i in a.infolist()] == [(i.filename, b.read(i)) for i in b.infolist()]:
                        hint = "same parts, different compression (another zlib build?)"
            problems.append(f"{name}: out of date ({hint}) - run python corpora/build.py {src.stem}")
    orphans = sorted(p.name for p in (CORPORA / "reports").iterdir()
                     if p.suffix in {".docx", ".txt"} and p.name not in expected)
    problems += [f"{o}: no source in corpora/src" for o in orphans]
    assert not problems, "\n".join(problems)
