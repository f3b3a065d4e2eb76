"""RC202/RC203 read limitations written in a table beside their causes (one limitation a row)."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from reportcheck.io import read_document
from reportcheck.pipeline import check_document

from test_rule_examples import load_base, render

ROWS = [
    ("1. Có 2 báo cáo quý nộp lãnh đạo phòng chậm 2 ngày so với lịch.",
     "Tôi chưa lập lịch làm việc cho các tuần cao điểm quyết toán."),
    ("2. 3 xã phải lập lại dự toán năm 2024 vì hướng dẫn mẫu biểu sai.",
     "Bản thân chưa nghiên cứu kỹ Thông tư mới trước khi hướng dẫn."),
    ("3. Trong sinh hoạt chi bộ còn ít phát biểu, ngại góp ý.",
     "Còn tâm lý nể nang, ngại va chạm với đồng chí lớn tuổi."),
]


def _build(tmp_path: Path, rows, header=("Khuyết điểm, hạn chế", "Nguyên nhân")) -> Path:
    """The base 02A report with part II's limitations and causes as a two-column table."""
    base = load_base("member_vi")
    text = render(base, {"heading": {"limitations": "", "causes": ""}, "replace": {"limitations": "", "causes": ""}})
    d = docx.Document()
    for line in text.splitlines():
        d.add_paragraph(line)
        if line.startswith("II."):
            d.add_paragraph("Tôi tự nhận thấy còn ba khuyết điểm; nguyên nhân của từng khuyết điểm ghi bên cạnh:")
            table = d.add_table(rows=0, cols=2)
            for left, right in [header, *rows]:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = left, right
    path = tmp_path / "table.docx"
    d.save(path)
    return path


def _codes(path: Path) -> list[str]:
    return [f.code for f in check_document(read_document(path)).findings]


def test_each_row_gives_its_cause(tmp_path: Path) -> None:
    codes = _codes(_build(tmp_path, ROWS))
    assert "RC202" not in codes and "RC203" not in codes


def test_an_empty_cause_cell_is_a_limitation_without_cause(tmp_path: Path) -> None:
    rows = [ROWS[0], ROWS[1], (ROWS[2][0], "")]
    result = check_document(read_document(_build(tmp_path, rows)))
    found = [f for f in result.findings if f.code == "RC202"]
    assert len(found) == 1 and "ít phát biểu" in found[0].evidence


@pytest.mark.parametrize("header", [("Hạn chế", "Nguyên nhân"), ("Limitations", "Causes")])
def test_header_wordings(tmp_path: Path, header) -> None:
    rows = [ROWS[0], (ROWS[1][0], "")]
    assert _codes(_build(tmp_path, rows, header)).count("RC202") == 1


def test_objective_causes_in_the_table_are_still_judged(tmp_path: Path) -> None:
    rows = [(ROWS[0][0], "Khối lượng quyết toán dồn vào cuối quý."),
            (ROWS[1][0], "Thông tư mới ban hành tháng 7, chưa có hướng dẫn của Sở.")]
    assert "RC203" in _codes(_build(tmp_path, rows))


def _txt(tmp_path: Path, rows: list[str], remedies: str) -> Path:
    """The base 02A report as plain text, part II a pipe table, part VI replaced by ``remedies``."""
    base = load_base("member_vi")
    text = render(base, {"heading": {"limitations": "", "causes": ""}, "replace": {"limitations": "", "causes": "",
                                                                                   "remedies": remedies}})
    out = []
    for line in text.splitlines():
        out.append(line)
        if line.startswith("II."):
            out += rows
    path = tmp_path / "table.txt"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


TRIPLE_ROWS = [
    "Hạn chế, khuyết điểm | Nguyên nhân | Biện pháp khắc phục | Thời hạn",
    f"{ROWS[0][0]} | {ROWS[0][1]} | Lập lịch tuần cho các tuần cao điểm | Từ quý I/2025",
    f"{ROWS[1][0]} | {ROWS[1][1]} | Đọc kỹ thông tư trước khi hướng dẫn xã | Tháng 01/2025",
]


def test_a_plain_text_table_gives_each_limitation_its_cause(tmp_path: Path) -> None:
    codes = _codes(_txt(tmp_path, TRIPLE_ROWS, "Thực hiện các biện pháp nêu tại bảng phần II."))
    assert "RC202" not in codes and "RC203" not in codes


def test_remedies_in_part_iis_table_answer_their_rows(tmp_path: Path) -> None:
    """Part VI points back to the table: the remedies and deadlines in each limitation's row count (RC204, RC205)."""
    codes = _codes(_txt(tmp_path, TRIPLE_ROWS, "Thực hiện các biện pháp nêu tại bảng phần II."))
    assert "RC204" not in codes and "RC205" not in codes


def test_table_remedies_without_any_time_still_lack_a_deadline(tmp_path: Path) -> None:
    rows = [line.rsplit(" | ", 1)[0] for line in TRIPLE_ROWS]  # no deadline column
    codes = _codes(_txt(tmp_path, rows, "Thực hiện các biện pháp nêu tại bảng phần II."))
    assert "RC204" in codes and "RC205" not in codes
