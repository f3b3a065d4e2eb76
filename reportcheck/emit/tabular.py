"""The audit table as CSV (Excel opens it with Vietnamese intact) and as XLSX.

One row per report, in the order given (``audit.rows_for`` / ``run_audit().rows``:
worst first). Columns: :data:`COLUMNS`, then one column per rule (its name), holding
how many findings of that rule the report has. Both writers are atomic (a temporary
file beside the target, renamed into place) and deterministic (same rows, same bytes:
the XLSX package gets fixed timestamps).
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from datetime import datetime
from pathlib import Path

COLUMNS = ("file", "member", "unit", "parent_unit", "kind", "form", "year", "party", "civil_servant", "overall", "completeness",
           "specificity", "balance", "verdict", "errors", "warnings", "prior_similarity", "peer_matches")
_FIXED_TIME = datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # names and files come from the reports: never formulas


def rule_columns() -> list[str]:
    """Every rule's name, in code order (the same columns whatever fired)."""
    from ..registry import all_rules

    return [r.name for r in all_rules()]


def header() -> list[str]:
    return list(COLUMNS) + rule_columns()


def _values(row: dict, rules: list[str]) -> list:
    findings = row.get("findings") or {}
    return [row.get(c) for c in COLUMNS] + [findings.get(name, 0) for name in rules]


def _csv_cell(v):
    """A value as CSV text; text that a spreadsheet would run as a formula is quoted with "'"."""
    if v is None:
        return ""
    if isinstance(v, str) and v[:1] in _FORMULA_START:
        return "'" + v
    return v


def _atomic_write(path: str | os.PathLike, data: bytes) -> None:
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def csv_bytes(rows: list[dict]) -> bytes:
    rules = rule_columns()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header())
    for row in rows:
        w.writerow([_csv_cell(v) for v in _values(row, rules)])
    return buf.getvalue().encode("utf-8-sig")  # the BOM tells Excel the file is UTF-8


def write_csv(rows: list[dict], path: str | os.PathLike) -> None:
    """UTF-8 with BOM, comma-separated, CRLF line ends (Excel's own CSV dialect)."""
    _atomic_write(path, csv_bytes(rows))


def _fixed_package(data: bytes) -> bytes:
    """The same package with fixed timestamps: in the zip entries and in docProps/core.xml."""
    out = io.BytesIO()
    stamp = _FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), body)
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zout.writestr(zi, body)
    return out.getvalue()


def xlsx_bytes(rows: list[dict]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    rules = rule_columns()
    names = header()
    wb = Workbook()
    wb.properties.creator = "reportcheck"
    wb.properties.created = _FIXED_TIME
    ws = wb.active
    ws.title = "audit"
    ws.append(names)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [len(n) for n in names]
    for row in rows:
        values = _values(row, rules)
        ws.append(values)
        for k, v in enumerate(values):
            if v is None:
                continue
            widths[k] = max(widths[k], len(str(v)))
            if isinstance(v, str) and v.startswith("="):
                ws.cell(ws.max_row, k + 1).data_type = "s"  # text, not a formula
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(names))}{len(rows) + 1}"
    for k, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(k)].width = min(60, max(8, w + 2))
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_package(buf.getvalue())


def write_xlsx(rows: list[dict], path: str | os.PathLike) -> None:
    """One sheet "audit": bold frozen header row, autofilter, column widths fitted to the content."""
    _atomic_write(path, xlsx_bytes(rows))
