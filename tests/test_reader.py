"""Reading .docx / .txt / .md reports into ``Document``s."""

from __future__ import annotations

import time
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX

from reportcheck.errors import InputError
from reportcheck.io import read_document
from reportcheck.io.docx import format_number
from reportcheck.text.normalize import normalize

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:{{root}} xmlns:w="{W}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
)
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
REL = '<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" Target="{target}"/>'
RELS = '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{}</Relationships>'


def part(root: str, inner: str) -> str:
    """A WordprocessingML part with the usual namespaces declared."""
    return HEAD.format(root=root) + inner + f"</w:{root}>"


def make_docx(path: Path, body: str, *, styles: str | None = None, numbering: str | None = None) -> Path:
    """Write a minimal .docx by hand: ``body`` is the XML inside ``w:body``."""
    rels = []
    parts = {"word/document.xml": part("document", f"<w:body>{body}</w:body>")}
    for kind, inner, root in (("styles", styles, "styles"), ("numbering", numbering, "numbering")):
        if inner is not None:
            parts[f"word/{kind}.xml"] = part(root, inner)
            rels.append(REL.format(id=f"rId{len(rels) + 1}", kind=kind, target=f"{kind}.xml"))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS.format(REL.format(id="rId1", kind="officeDocument", target="word/document.xml")))
        z.writestr("word/_rels/document.xml.rels", RELS.format("".join(rels)))
        for name, xml in parts.items():
            z.writestr(name, xml)
    return path


def rewrite_zip(path: Path, edit: Callable[[str, bytes], tuple[str, bytes] | None]) -> Path:
    """Rewrite every part of a zip through ``edit(name, data) -> (name, data)`` (None drops it)."""
    with zipfile.ZipFile(path) as z:
        items = [(info.filename, z.read(info)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            edited = edit(name, data)
            if edited is not None:
                z.writestr(*edited)
    return path


def para(text: str, ppr: str = "", rpr: str = "") -> str:
    return f'<w:p><w:pPr>{ppr}</w:pPr><w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs if p.text]


# --- python-docx built documents --------------------------------------------------

def test_body_order_with_tables_and_nested_table(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Mở đầu")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "A1"
    table.cell(0, 1).text = "B1"
    table.cell(1, 0).text = "A2"
    inner = table.cell(1, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "trong 1"
    inner.cell(0, 1).text = "trong 2"
    d.add_paragraph("Kết thúc")
    d.save(tmp_path / "r.docx")

    doc = read_document(tmp_path / "r.docx")
    assert texts(doc) == ["Mở đầu", "A1", "B1", "A2", "trong 1", "trong 2", "Kết thúc"]
    by_text = {p.text: p for p in doc.paragraphs if p.text}
    assert by_text["Mở đầu"].in_table is False and by_text["Mở đầu"].table_cell is None
    assert by_text["B1"].table_cell == (0, 0, 1)
    assert by_text["A2"].table_cell == (0, 1, 0)
    assert by_text["trong 2"].table_cell == (1, 0, 1) and by_text["trong 2"].in_table
    assert [p.index for p in doc.paragraphs] == list(range(len(doc.paragraphs)))


def test_merged_cells_are_not_duplicated(tmp_path: Path) -> None:
    d = docx.Document()
    table = d.add_table(rows=3, cols=3)
    for r in range(3):
        for c in range(3):
            table.cell(r, c).text = f"{r}{c}"
    table.cell(0, 0).merge(table.cell(0, 1))  # horizontal: gridSpan
    table.cell(1, 2).merge(table.cell(2, 2))  # vertical: vMerge
    d.save(tmp_path / "m.docx")

    doc = read_document(tmp_path / "m.docx")
    found = texts(doc)
    assert len(found) == len(set(found))
    cells = {p.text: p.table_cell for p in doc.paragraphs if p.text}
    # python-docx moves the merged cells' paragraphs into the first cell
    assert cells["00"] == cells["01"] == (0, 0, 0)
    assert cells["02"] == (0, 0, 2)  # column index counts grid columns, after the span
    assert cells["12"] == cells["22"] == (0, 1, 2)
    assert (0, 2, 2) not in cells.values()  # the continuation cell is skipped


def test_heading_styles_and_levels(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_heading("BẢN KIỂM ĐIỂM CÁ NHÂN", 0)
    d.add_heading("I. Ưu điểm", 1)
    d.add_heading("1. Về tư tưởng chính trị", 2)
    d.add_paragraph("Nội dung")
    d.save(tmp_path / "h.docx")

    doc = read_document(tmp_path / "h.docx")
    got = [(p.text, p.style, p.level) for p in doc.paragraphs]
    assert got == [
        ("BẢN KIỂM ĐIỂM CÁ NHÂN", "Title", 0),
        ("I. Ưu điểm", "Heading 1", 1),
        ("1. Về tư tưởng chính trị", "Heading 2", 2),
        ("Nội dung", "Normal", None),
    ]


def test_bold_from_runs_and_style_inheritance(tmp_path: Path) -> None:
    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("Toàn bộ ").bold = True
    p.add_run("in đậm").bold = True
    d.add_heading("Tiêu đề in đậm nhờ kiểu", 1)  # python-docx's Heading 1 is bold by style
    p = d.add_heading("", 1)
    p.add_run("Tắt đậm trong kiểu đậm").bold = False  # w:b w:val="0" overrides the style
    p = d.add_paragraph()
    p.add_run("Kiểu ký tự đậm", style="Strong")
    d.add_paragraph("Bình thường")
    d.save(tmp_path / "b.docx")

    bold = {p.text: p.bold for p in read_document(tmp_path / "b.docx").paragraphs}
    assert bold == {
        "Toàn bộ in đậm": True,
        "Tiêu đề in đậm nhờ kiểu": True,
        "Tắt đậm trong kiểu đậm": False,
        "Kiểu ký tự đậm": True,
        "Bình thường": False,
    }


def test_lead_bold_and_emphasized(tmp_path: Path) -> None:
    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("1. Hạn chế, khuyết điểm:").bold = True
    p.add_run(" đôi khi chưa mạnh dạn trong ")
    p.add_run("tự phê bình").underline = True
    p.add_run(" và ")
    p.add_run("phê bình").font.highlight_color = WD_COLOR_INDEX.YELLOW
    p.add_run(".")
    whole = d.add_paragraph()
    whole.add_run("II. NHỮNG HẠN CHẾ").bold = True
    d.save(tmp_path / "e.docx")

    first, second = read_document(tmp_path / "e.docx").paragraphs
    assert first.bold is False
    assert first.lead_bold == "1. Hạn chế, khuyết điểm:"
    assert first.emphasized == ("1. Hạn chế, khuyết điểm:", "tự phê bình", "phê bình")
    assert second.bold is True and second.emphasized == () and second.lead_bold is None


def test_nfd_text_is_normalised_and_tone_placement_unified(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph(unicodedata.normalize("NFD", "Đảng viên hoà nhã"))
    d.add_paragraph("Đảng viên hòa nhã")
    d.save(tmp_path / "n.docx")

    first, second = read_document(tmp_path / "n.docx").paragraphs
    assert first.text == second.text == unicodedata.normalize("NFC", first.text)
    assert first.raw != first.text  # raw keeps what the file held


# --- hand-made XML ------------------------------------------------------------------

NUMBERING = """
<w:abstractNum w:abstractNumId="0">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="2">
  <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="1"/>
  <w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
"""
NUMBERED_STYLES = """
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Muc"><w:name w:val="Muc"/><w:basedOn w:val="Normal"/>
  <w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr></w:style>
"""


def numbered(text: str, num_id: int, ilvl: int) -> str:
    return para(text, f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')


def test_automatic_numbering_labels(tmp_path: Path) -> None:
    body = "".join([
        numbered("Tư tưởng chính trị", 1, 0),
        numbered("Ý thức", 1, 1),
        numbered("Lối sống", 1, 1),
        numbered("chi tiết một", 1, 2),
        numbered("chi tiết hai", 1, 2),
        numbered("Phẩm chất đạo đức", 1, 0),
        numbered("Mục mới", 1, 1),  # lower levels restart when a higher one advances
        numbered("chi tiết ba", 1, 2),
        para("Đoạn thường"),
        numbered("Gạch đầu dòng", 3, 0),
        para("Theo kiểu", '<w:pStyle w:val="Muc"/>'),  # numbering from the style chain
        para("Theo kiểu, mức 2", '<w:pStyle w:val="Muc"/><w:numPr><w:ilvl w:val="1"/></w:numPr>'),
        numbered("Bắt đầu lại từ 5", 4, 0),  # startOverride
        numbered("Tắt đánh số", 0, 0),
    ])
    path = make_docx(tmp_path / "n.docx", body, styles=NUMBERED_STYLES, numbering=NUMBERING)
    doc = read_document(path)
    got = [(p.label, p.text, p.list_item) for p in doc.paragraphs]
    assert got == [
        ("I.", "Tư tưởng chính trị", True),
        ("1.", "Ý thức", True),
        ("2.", "Lối sống", True),
        ("a)", "chi tiết một", True),
        ("b)", "chi tiết hai", True),
        ("II.", "Phẩm chất đạo đức", True),
        ("1.", "Mục mới", True),
        ("a)", "chi tiết ba", True),
        (None, "Đoạn thường", False),
        (None, "Gạch đầu dòng", True),
        ("1.", "Theo kiểu", True),
        ("1.1.", "Theo kiểu, mức 2", True),
        ("5.", "Bắt đầu lại từ 5", True),
        (None, "Tắt đánh số", False),
    ]
    assert doc.paragraphs[0].display == "I. Tư tưởng chính trị"


@pytest.mark.parametrize(
    ("n", "fmt", "expected"),
    [(4, "upperRoman", "IV"), (9, "lowerRoman", "ix"), (28, "lowerLetter", "bb"), (3, "upperLetter", "C"),
     (7, "decimalZero", "07"), (12, "decimal", "12"), (2, "ordinalText", "2")],
)
def test_format_number(n: int, fmt: str, expected: str) -> None:
    assert format_number(n, fmt) == expected


STYLES = """
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/></w:rPr></w:rPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>
  <w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Muc2"><w:name w:val="Mục hai"/><w:basedOn w:val="Heading1"/>
  <w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Cu"><w:name w:val="Cũ"/><w:basedOn w:val="Normal"/>
  <w:rPr><w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime"/></w:rPr></w:style>
<w:style w:type="character" w:styleId="Nhan"><w:name w:val="Nhấn"/><w:rPr><w:b w:val="true"/></w:rPr></w:style>
"""


def test_style_chain_outline_levels_and_bold(tmp_path: Path) -> None:
    body = "".join([
        para("Mục một", '<w:pStyle w:val="Heading1"/>'),
        para("Mục con", '<w:pStyle w:val="Muc2"/>'),
        para("Đề mục trực tiếp", '<w:outlineLvl w:val="2"/>'),
        para("Không rõ kiểu", '<w:pStyle w:val="KhongCo"/>'),
        '<w:p><w:r><w:rPr><w:rStyle w:val="Nhan"/></w:rPr><w:t>Đậm nhờ kiểu ký tự</w:t></w:r>'
        '<w:r><w:t xml:space="preserve"> </w:t></w:r></w:p>',
    ])
    doc = read_document(make_docx(tmp_path / "s.docx", body, styles=STYLES))
    got = [(p.text, p.style, p.level, p.bold) for p in doc.paragraphs]
    assert got == [
        ("Mục một", "Heading 1", 1, True),
        ("Mục con", "Mục hai", 2, True),
        ("Đề mục trực tiếp", "Normal", 3, False),
        ("Không rõ kiểu", "Normal", None, False),
        ("Đậm nhờ kiểu ký tự", "Normal", None, True),
    ]


def run(text: str, rpr: str = "") -> str:
    return f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'


def font(name: str) -> str:
    return f'<w:rFonts w:ascii="{name}" w:hAnsi="{name}"/>'


def test_legacy_font_runs_are_converted(tmp_path: Path) -> None:
    body = "".join([
        f'<w:p>{run("B¶n kiÓm ®iÓm c¸ nh©n", font(".VnTime"))}</w:p>',
        f'<w:p>{run("®¶ng viªn", font(".VnTimeH"))}</w:p>',
        f'<w:p>{run("Baûn kieåm ñieåm, ", font("VNI-Times"))}{run("Ba", font("VNI-Times"))}{run("ûn", font("VNI-Times"))}</w:p>',
        f'<w:p>{run("Ñaûng")}</w:p>',  # not in a VNI font: left alone
        para("\u00adu ®iÓm, h¹n chÕ", '<w:pStyle w:val="Cu"/>'),  # font from the paragraph style
        f'<w:p>{run("nguy")}{run("ÔN", font(".VnTime"))}</w:p>',
    ])
    doc = read_document(make_docx(tmp_path / "l.docx", body, styles=STYLES))
    assert texts(doc) == [
        "Bản kiểm điểm cá nhân",
        "ĐẢNG VIÊN",
        "Bản kiểm điểm, Bản",
        normalize("Ñaûng"),
        "ưu điểm, hạn chế",
        "nguyễN",
    ]
    assert doc.paragraphs[3].raw == "Ñaûng"
    assert doc.notes == ("legacy-font:TCVN3", "legacy-font:VNI")


def test_no_legacy_note_for_unicode_documents(tmp_path: Path) -> None:
    doc = read_document(make_docx(tmp_path / "u.docx", para("Bản kiểm điểm"), styles=STYLES))
    assert doc.notes == ()


def test_inline_content_kinds(tmp_path: Path) -> None:
    body = (
        "<w:p>"
        + run("Đầu")
        + '<w:r><w:tab/><w:t>sau tab</w:t><w:br/><w:t>dòng mới</w:t></w:r>'
        + f'<w:hyperlink r:id="rId9">{run(" liên kết")}</w:hyperlink>'
        + f'<w:ins w:id="1" w:author="A">{run(" thêm")}</w:ins>'
        + '<w:del w:id="2" w:author="A"><w:r><w:delText> xoá</w:delText></w:r></w:del>'
        + f'<w:smartTag w:uri="u" w:element="e">{run(" thẻ")}</w:smartTag>'
        + f'<w:fldSimple w:instr="PAGE">{run(" 7")}</w:fldSimple>'
        + f'<w:sdt><w:sdtPr/><w:sdtContent>{run(" điều khiển")}</w:sdtContent></w:sdt>'
        + run(" ẩn", "<w:vanish/>")
        + '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DATE </w:instrText></w:r>'
        + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + run(" ngày") + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        + "</w:p>"
    )
    doc = read_document(make_docx(tmp_path / "i.docx", body))
    assert texts(doc) == ["Đầu sau tab dòng mới liên kết thêm thẻ 7 điều khiển ngày"]


def test_block_content_controls_and_text_boxes(tmp_path: Path) -> None:
    box = (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>'
        + para("Trong hộp")
        + '</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>'
        + para("Trong hộp")
        + "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )
    body = (
        f"<w:sdt><w:sdtPr/><w:sdtContent>{para('Trong điều khiển')}</w:sdtContent></w:sdt>"
        f"<w:p>{run('Neo')}{box}</w:p>"
        + para("Sau")
    )
    doc = read_document(make_docx(tmp_path / "b.docx", body))
    assert texts(doc) == ["Trong điều khiển", "Neo", "Trong hộp", "Sau"]


def test_missing_styles_part_does_not_crash(tmp_path: Path) -> None:
    doc = read_document(make_docx(tmp_path / "x.docx", para("Chữ", '<w:pStyle w:val="Heading1"/>', "<w:b/>")))
    (p,) = doc.paragraphs
    assert p.text == "Chữ" and p.style is None and p.bold is True


def _strict(name: str, data: bytes) -> tuple[str, bytes]:
    data = data.replace(b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                        b"http://purl.oclc.org/ooxml/wordprocessingml/main")
    data = data.replace(b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                        b"http://purl.oclc.org/ooxml/officeDocument/relationships")
    return name, data


def test_strict_ooxml(tmp_path: Path) -> None:
    body = para("Tiêu đề", '<w:pStyle w:val="Heading1"/>') + numbered("Một", 1, 0)
    path = make_docx(tmp_path / "s.docx", body, styles=STYLES, numbering=NUMBERING)
    rewrite_zip(path, _strict)
    assert b"purl.oclc.org" in zipfile.ZipFile(path).read("word/document.xml")
    doc = read_document(path)
    assert [(p.text, p.style, p.label) for p in doc.paragraphs] == [("Tiêu đề", "Heading 1", None), ("Một", "Normal", "I.")]


def test_renamed_main_part_found_through_rels(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "r.docx", para("Đã đổi tên"), styles=STYLES)

    def rename(name: str, data: bytes) -> tuple[str, bytes]:
        if name == "_rels/.rels":
            return name, data.replace(b"word/document.xml", b"word/noi_dung.xml")
        if name == "word/_rels/document.xml.rels":
            return "word/_rels/noi_dung.xml.rels", data
        return name.replace("word/document.xml", "word/noi_dung.xml"), data

    rewrite_zip(path, rename)
    assert "word/document.xml" not in zipfile.ZipFile(path).namelist()
    (p,) = read_document(path).paragraphs
    assert p.text == "Đã đổi tên" and p.style == "Normal"


def test_typical_report_reads_fast(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_heading("BẢN KIỂM ĐIỂM CÁ NHÂN", 0)
    for section in range(6):
        d.add_heading(f"Phần {section}", 1)
        for i in range(8):
            p = d.add_paragraph()
            p.add_run(f"{i}. Nội dung:").bold = True
            p.add_run(" luôn trung thành với chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh. " * 3)
    d.save(tmp_path / "t.docx")
    read_document(tmp_path / "t.docx")
    start = time.perf_counter()
    for _ in range(5):
        read_document(tmp_path / "t.docx")
    assert (time.perf_counter() - start) / 5 < 0.1  # ~10 ms here; generous for a loaded CI machine


# --- text and markdown ---------------------------------------------------------------

REPORT = "BẢN KIỂM ĐIỂM CÁ NHÂN\n\nI. Ưu điểm\n1. Về tư tưởng chính trị: luôn kiên định.\n"


@pytest.mark.parametrize(
    "encode",
    [
        lambda s: s.encode("utf-8"),
        lambda s: b"\xef\xbb\xbf" + s.encode("utf-8"),
        lambda s: s.encode("utf-16"),  # with BOM
        lambda s: unicodedata.normalize("NFD", s).encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "nfd"],
)
def test_text_encodings(tmp_path: Path, encode) -> None:
    path = tmp_path / "r.txt"
    path.write_bytes(encode(REPORT))
    doc = read_document(path)
    assert doc.source_format == "txt"
    assert texts(doc) == ["BẢN KIỂM ĐIỂM CÁ NHÂN", "I. Ưu điểm", "1. Về tư tưởng chính trị: luôn kiên định."]
    assert all(p.label is None for p in doc.paragraphs)  # typed numbering stays in the text


def test_text_in_tcvn3_bytes(tmp_path: Path) -> None:
    path = tmp_path / "cu.txt"
    path.write_bytes("B¶n kiÓm ®iÓm c¸ nh©n\n\u00adu ®iÓm: h¹n chÕ, khuyÕt ®iÓm\n".encode("latin-1"))
    doc = read_document(path)
    assert texts(doc) == ["Bản kiểm điểm cá nhân", "ưu điểm: hạn chế, khuyết điểm"]
    assert doc.notes == ("legacy-encoding:TCVN3",)


def test_non_vietnamese_latin1_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fr.txt"
    path.write_bytes("Café crème brûlée à la française\n".encode("latin-1"))
    with pytest.raises(InputError) as info:
        read_document(path)
    assert info.value.reason == "not-text"


def test_markdown_headings_bold_and_bullets(tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    path.write_text(
        "# BẢN KIỂM ĐIỂM\n\n## I. Ưu điểm\n\n**1. Hạn chế, khuyết điểm:** còn chậm __đổi mới__.\n"
        "**II. Nguyên nhân**\n- gạch đầu dòng\n---\n",
        encoding="utf-8",
    )
    doc = read_document(path)
    got = [(p.text, p.level, p.bold, p.emphasized, p.lead_bold, p.list_item) for p in doc.paragraphs]
    assert got == [
        ("BẢN KIỂM ĐIỂM", 1, False, (), None, False),
        ("I. Ưu điểm", 2, False, (), None, False),
        ("1. Hạn chế, khuyết điểm: còn chậm đổi mới.", None, False,
         ("1. Hạn chế, khuyết điểm:", "đổi mới"), "1. Hạn chế, khuyết điểm:", False),
        ("II. Nguyên nhân", None, True, (), None, False),
        ("gạch đầu dòng", None, False, (), None, True),
    ]
    assert doc.source_format == "md"


def test_text_tables_by_tabs_and_pipes(tmp_path: Path) -> None:
    """Rows of cells (tabs, as Word's "Save as Plain Text" writes a table, or pipes) are read as a table,
    a paragraph a cell, as the .docx reader reads one; a lone line with a pipe or a tab stays a paragraph."""
    path = tmp_path / "t.txt"
    path.write_text(
        "II. Hạn chế | nguyên nhân\n"
        "Hạn chế\tNguyên nhân\tThời hạn\n"
        "Chậm báo cáo\tChưa lập lịch\tQuý I/2025\n"
        "Ít phát biểu\t\tTháng 3/2025\n"
        "Giữa hai bảng\n"
        "| Chỉ tiêu | Kế hoạch | Thực hiện |\n"
        "|---|---:|---|\n"
        "| Kết nạp đảng viên | 2 | 1 |\n",
        encoding="utf-8",
    )
    got = [(p.text, p.table_cell) for p in read_document(path).paragraphs]
    assert got == [
        ("II. Hạn chế | nguyên nhân", None),
        ("Hạn chế", (0, 0, 0)), ("Nguyên nhân", (0, 0, 1)), ("Thời hạn", (0, 0, 2)),
        ("Chậm báo cáo", (0, 1, 0)), ("Chưa lập lịch", (0, 1, 1)), ("Quý I/2025", (0, 1, 2)),
        ("Ít phát biểu", (0, 2, 0)), ("Tháng 3/2025", (0, 2, 2)),
        ("Giữa hai bảng", None),
        ("Chỉ tiêu", (1, 0, 0)), ("Kế hoạch", (1, 0, 1)), ("Thực hiện", (1, 0, 2)),
        ("Kết nạp đảng viên", (1, 1, 0)), ("2", (1, 1, 1)), ("1", (1, 1, 2)),
    ]
    assert all(p.in_table == (p.table_cell is not None) for p in read_document(path).paragraphs)
