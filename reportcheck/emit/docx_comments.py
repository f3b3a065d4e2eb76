"""The original .docx with the findings as Word comments (``annotate_docx``).

A copy of the source is opened with python-docx (>= 1.2, which writes
comments); each paragraph that has findings gets one comment listing them
(rule code and name, message, suggestion), and the first non-empty paragraph
gets a summary comment (form, kind, year, self-rating, scores, verdict,
missing parts and the findings that belong to no paragraph).

Paragraph indices are the reader's (:mod:`reportcheck.io.docx`): body order
with table cells, nested tables, content controls and text boxes where they
stand. They are mapped onto python-docx's XML by running the reader's own
walk (:class:`~reportcheck.io.docx.BodyReader`) over python-docx's element
tree and recording each ``w:p`` it visits, so the two orders cannot drift
apart; the texts read on the way are compared with the checked ones before
anything is written.

The source is never written to; the output is written atomically (temporary
file + ``os.replace``) and is deterministic: comment dates are fixed and the
zip is rewritten with fixed timestamps (as ``corpora/build.py`` does).
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import zipfile
from pathlib import Path

from ..errors import UsageError
from ..model import Finding
from ..pipeline import Result
from ..registry import label
from .jsonout import section_order
from .text import rating_line

__all__ = ["annotate_docx", "paragraph_elements", "AUTHOR", "INITIALS", "FIXED_DATE"]

AUTHOR = "reportcheck"
INITIALS = "RC"
FIXED_DATE = _dt.datetime(2025, 1, 1, 0, 0, 0, tzinfo=_dt.timezone.utc)  # every comment's w:date
ZIP_DATE_TIME = (2025, 1, 1, 0, 0, 0)  # every zip entry, as corpora/build.py
_DOCX_EXTENSIONS = (".docx", ".docm")
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

_T = {  # words of the comments not in data/i18n.toml: (vi, en)
    "summary_title": ("reportcheck — kết quả kiểm tra bản kiểm điểm", "reportcheck — report check"),
    "overall": ("tổng điểm", "overall"),
    "missing_parts": ("Thiếu phần bắt buộc", "Missing required parts"),
    "doc_findings": ("Phát hiện chung", "Document-level findings"),
    "evidence": ("Trích", "Quote"),
    "counts": ("{n} phát hiện ({detail})", "{n} findings ({detail})"),
}


def _t(key: str, lang: str) -> str:
    vi, en = _T[key]
    return en if lang == "en" else vi


# --- paragraph mapping -------------------------------------------------------------

def _related_root(part, reltype: str):
    """Root element of the part related to ``part`` by ``reltype``, None when absent
    (never creates a default part, unlike ``document.styles``)."""
    try:
        return part.part_related_by(reltype).element
    except (KeyError, AttributeError):
        return None


def paragraph_elements(document) -> tuple[list, list]:
    """(``w:p`` elements, reader ``Paragraph`` objects) of a python-docx ``Document``,
    both in the reader's order: element ``i`` is the tool's paragraph ``i``."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    from ..io.docx import BodyReader, Numbering, Styles, _w

    class _Recorder(BodyReader):
        def paragraph(self, p, cell):  # the element first, then the reader (which recurses into text boxes)
            self.elements.append(p)
            super().paragraph(p, cell)

    part = document.part
    styles = Styles(_related_root(part, RT.STYLES))
    numbering_root = _related_root(part, RT.NUMBERING)
    numbering = Numbering(lambda: numbering_root, styles)
    try:
        reader = _Recorder(styles, numbering, "<annotate>")
    except TypeError:  # older BodyReader(styles, numbering)
        reader = _Recorder(styles, numbering)
    reader.elements = []
    body = document.element.find(_w("body"))
    if body is not None:
        reader.blocks(body)
    return reader.elements, reader.paragraphs


# --- comment texts -----------------------------------------------------------------

def _finding_lines(f: Finding, lang: str, para_text: str | None) -> list[str]:
    lines = [f"{f.code} {f.rule} [{label('severity', f.severity, lang)}]: {f.message.get(lang)}"]
    if f.suggestion is not None:
        lines.append(f"→ {label('ui', 'suggestion', lang)}: {f.suggestion.get(lang)}")
    if f.evidence and (para_text is None or f.evidence.rstrip(".") not in para_text):
        lines.append(f"{_t('evidence', lang)}: «{f.evidence}»")
    return lines


def summary_lines(result: Result, lang: str, unplaced: list[Finding]) -> list[str]:
    """The summary comment: what the report is and what was found, one line each."""
    a = result.analysis
    rubric = a.rubric
    form = getattr(rubric, "name", None) if a.form != "unknown" else None
    scores = result.scores or {}
    comps = ", ".join(f"{k} {v}" for k, v in scores.items() if k not in ("overall", "explain"))
    lines = [
        _t("summary_title", lang),
        f"{label('ui', 'form', lang)}: {form or a.form} · {label('ui', 'kind', lang)}: {label('kind', a.kind, lang)}"
        f" · {label('ui', 'year', lang)}: {a.year or '?'}",
        f"{label('ui', 'rating', lang)}: {rating_line(result, lang)}",
        f"{label('ui', 'scores', lang)}: {_t('overall', lang)} {scores.get('overall')}" + (f" ({comps})" if comps else ""),
        f"{label('ui', 'verdict', lang)}: {label('verdict', result.verdict, lang)}",
    ]
    counts = {s: sum(1 for f in result.findings if f.severity == s) for s in ("error", "warning", "info")}
    detail = ", ".join(f"{n} {label('severity', s, lang)}" for s, n in counts.items() if n)
    lines.append(_t("counts", lang).format(n=len(result.findings), detail=detail or "0") if result.findings
                 else label("ui", "no_findings", lang))
    required = set(getattr(rubric, "required", ()) or ())
    missing = [sid for sid in section_order(result)
               if sid in required and not (a.sections.get(sid) and a.sections[sid].present)]
    if missing:
        lines.append(f"{_t('missing_parts', lang)}: " + "; ".join(label("section", s, lang) for s in missing))
    if unplaced:
        lines.append(f"{_t('doc_findings', lang)}:")
        for f in unplaced:
            lines.extend(_finding_lines(f, lang, None))
    return lines


# --- writing -----------------------------------------------------------------------

def _add_comment(document, paragraph, lines: list[str]):
    runs = paragraph.runs
    if not runs:
        runs = [paragraph.add_run("")]
    comment = document.add_comment(runs, text=lines[0], author=AUTHOR, initials=INITIALS)
    for line in lines[1:]:
        comment.add_paragraph(line)
    return comment


def _fix_comment_dates(data: bytes, when: _dt.datetime) -> bytes:
    from lxml import etree

    root = etree.fromstring(data)
    stamp = when.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    attr = f"{{{_W_NS}}}date"
    for el in root.iter(f"{{{_W_NS}}}comment"):
        if el.get(attr) is not None:
            el.set(attr, stamp)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _normalise_zip(data: bytes, when: _dt.datetime) -> bytes:
    """Same entries in the same order, fixed timestamps/attributes, comment dates fixed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            payload = zin.read(item.filename)
            if item.filename.endswith("comments.xml"):
                payload = _fix_comment_dates(payload, when)
            info = zipfile.ZipInfo(item.filename, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            zout.writestr(info, payload, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return out.getvalue()


def _write_atomic(target: Path, data: bytes) -> None:
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"{target}: không ghi được ({exc.strerror}).", f"{target}: cannot write ({exc.strerror}).") from None


def annotate_docx(src: str | os.PathLike, result: Result, out: str | os.PathLike, lang: str = "vi",
                  force: bool = False, when: _dt.datetime = FIXED_DATE) -> int:
    """Write ``out``: a copy of ``src`` with the findings of ``result`` as Word comments.

    Returns the number of comments written (paragraphs with findings + 1 summary).
    Raises :class:`UsageError` for a source that is not a .docx, a result that does
    not belong to ``src``, an ``out`` that exists (unless ``force``) or is ``src``.
    """
    import docx

    if lang not in ("vi", "en"):
        raise ValueError(f"lang must be 'vi' or 'en', not {lang!r}")
    src_path, out_path = Path(src), Path(out)
    if src_path.suffix.lower() not in _DOCX_EXTENSIONS or result.analysis.document.source_format != "docx":
        raise UsageError(f"{src}: bản có ghi chú (comment) chỉ làm được từ tệp .docx.",
                         f"{src}: annotated output needs a .docx source.")
    if out_path.exists():
        if src_path.exists() and os.path.samefile(src_path, out_path):
            raise UsageError(f"{out}: không ghi đè lên chính tệp gốc; hãy chọn tên khác.",
                             f"{out}: will not overwrite the source file; choose another name.")
        if not force:
            raise UsageError(f"{out}: tệp đã tồn tại; dùng --force để ghi đè.",
                             f"{out}: already exists; use --force to overwrite.")
    try:
        data = src_path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{src}: không đọc được ({exc.strerror}).", f"{src}: cannot read ({exc.strerror}).") from None
    try:
        document = docx.Document(io.BytesIO(data))  # a copy in memory: src is never opened for writing
    except Exception as exc:  # python-docx raises several types for files it cannot handle (e.g. .docm, Strict)
        raise UsageError(f"{src}: python-docx không mở được tệp này ({type(exc).__name__}).",
                         f"{src}: python-docx cannot open this file ({type(exc).__name__}).") from None

    from docx.text.paragraph import Paragraph as DocxParagraph

    elements, read = paragraph_elements(document)
    checked = result.analysis.document.paragraphs
    if [p.text for p in read] != [p.text for p in checked]:
        raise UsageError(f"{src}: kết quả kiểm tra không khớp với tệp (tệp đã bị sửa?); hãy kiểm tra lại.",
                         f"{src}: the result does not match this file (was it changed?); check it again.")

    by_para: dict[int, list[Finding]] = {}
    unplaced: list[Finding] = []
    for f in result.findings:
        if f.paragraph is not None and 0 <= f.paragraph < len(elements):
            by_para.setdefault(f.paragraph, []).append(f)
        else:
            unplaced.append(f)

    written = 0
    first = next((i for i, p in enumerate(checked) if p.display.strip()), None)
    if first is not None:
        target = DocxParagraph(elements[first], document)
    elif elements:
        target = DocxParagraph(elements[0], document)
    else:
        target = document.add_paragraph()
    _add_comment(document, target, summary_lines(result, lang, unplaced))
    written += 1
    for index in sorted(by_para):
        text = checked[index].display
        lines: list[str] = []
        for f in by_para[index]:
            lines.extend(_finding_lines(f, lang, text))
        _add_comment(document, DocxParagraph(elements[index], document), lines)
        written += 1

    buf = io.BytesIO()
    document.save(buf)
    payload = _normalise_zip(buf.getvalue(), when)
    if out_path.exists() and not force:  # appeared meanwhile
        raise UsageError(f"{out}: tệp đã tồn tại; dùng --force để ghi đè.", f"{out}: already exists; use --force to overwrite.")
    _write_atomic(out_path, payload)
    return written
