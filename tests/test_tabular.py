"""CSV and XLSX of the audit table: columns, values, BOM, Excel features, atomic and deterministic writes."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reportcheck.audit import rows_for
from reportcheck.emit.tabular import COLUMNS, rule_columns, write_csv, write_xlsx
from reportcheck.io import read_document
from reportcheck.pipeline import analyse, check_analysis
from reportcheck.registry import all_rules

REPORTS = Path(__file__).resolve().parent.parent / "corpora" / "reports"


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    results = [check_analysis(analyse(read_document(REPORTS / name)))
               for name in ("d_teacher_02a_2024.docx", "d_land_officer_perfunctory_2023.docx")]
    made = rows_for(results)
    made.append({"file": "=HYPERLINK(\"http://example.invalid\")", "member": "Đặng Thị Ánh Tuyết", "unit": "Chi bộ Thôn Đông",
                 "kind": "member", "form": "2023", "year": 2024, "party": None, "civil_servant": None, "overall": 12,
                 "completeness": 20, "specificity": None, "balance": None, "verdict": "perfunctory", "errors": 3,
                 "warnings": 1, "findings": {"missing-section": 3, "empty-section": 1}, "prior_similarity": 0.812,
                 "peer_matches": 2})
    return made


def expected_header() -> list[str]:
    return list(COLUMNS) + [r.name for r in all_rules()]


def test_csv(rows: list[dict], tmp_path: Path) -> None:
    path = tmp_path / "audit.csv"
    write_csv(rows, path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads the file as UTF-8
    assert b"\r\n" in data
    with path.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == expected_header()
    assert {"file", "member", "overall", "completeness", "specificity", "balance", "prior_similarity",
            "peer_matches", "missing-section", "excellent-quota"} <= set(table[0])
    assert len(table) == len(rows) + 1  # one row per report
    col = {name: k for k, name in enumerate(table[0])}
    for row, line in zip(rows, table[1:]):
        assert line[col["member"]] == (row["member"] or "")
        assert line[col["errors"]] == str(row["errors"])
        assert line[col["verdict"]] == row["verdict"]
        for rule in rule_columns():
            assert line[col[rule]] == str(row["findings"].get(rule, 0))
    last = table[-1]
    assert last[col["member"]] == "Đặng Thị Ánh Tuyết"
    assert last[col["prior_similarity"]] == "0.812" and last[col["party"]] == "" and last[col["specificity"]] == ""
    assert last[col["file"]].startswith("'=")  # never a live formula in a spreadsheet
    write_csv(rows, tmp_path / "again.csv")
    assert (tmp_path / "again.csv").read_bytes() == data


def test_xlsx(rows: list[dict], tmp_path: Path) -> None:
    path = tmp_path / "audit.xlsx"
    write_xlsx(rows, path)
    ws = load_workbook(path).active
    header = [c.value for c in ws[1]]
    assert header == expected_header()
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(header)).column_letter}{len(rows) + 1}"
    assert ws.max_row == len(rows) + 1
    col = {name: k + 1 for k, name in enumerate(header)}
    for r, row in enumerate(rows, start=2):
        assert ws.cell(r, col["file"]).value == row["file"]
        assert ws.cell(r, col["overall"]).value == row["overall"]
        assert ws.cell(r, col["errors"]).value == row["errors"]
        assert ws.cell(r, col["missing-section"]).value == row["findings"].get("missing-section", 0)
    last = len(rows) + 1
    assert ws.cell(last, col["member"]).value == "Đặng Thị Ánh Tuyết"
    assert ws.cell(last, col["prior_similarity"]).value == pytest.approx(0.812)
    assert ws.cell(last, col["party"]).value is None
    assert ws.cell(last, col["file"]).data_type == "s"  # text, not a formula
    assert ws.column_dimensions["A"].width > ws.column_dimensions[ws.cell(1, col["errors"]).column_letter].width


def test_writes_are_atomic_and_deterministic(rows: list[dict], tmp_path: Path) -> None:
    path = tmp_path / "audit.xlsx"
    path.write_bytes(b"old")
    write_xlsx(rows, path)
    first = path.read_bytes()
    write_xlsx(rows, path)
    assert path.read_bytes() == first  # no timestamps inside
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.xlsx"]  # no temporary file left
    with pytest.raises(OSError):
        write_csv(rows, tmp_path / "no-such-folder" / "a.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.xlsx"]
