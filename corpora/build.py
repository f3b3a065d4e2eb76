#!/usr/bin/env python3
"""Build the example reports in ``corpora/reports/`` from ``corpora/src/*.rpt``.

Usage::

    python corpora/build.py [--out DIR] [--check] [NAME ...]

``NAME`` is a source stem (``d_teacher_2023``), a file name or a path; with no
name every ``corpora/src/*.rpt`` is built. ``--check`` builds in memory and
compares with what is in ``--out`` (exit status 1 when anything differs or is
missing) instead of writing.

The source format and the layouts are described in ``corpora/README.md``.
Conventions this builder adds where the README is silent:

* ``HEAD:: BODY`` (on a ``#``/``##``/``###`` line) renders as the bold run
  ``HEAD:`` followed by the plain run `` BODY`` - the ``::`` becomes one colon.
* A line starting with a backslash is a plain paragraph taken literally
  (``\\- not a bullet``).
* Boxes (``[x]``, ``[ ]``, ``[v]``) are replaced wherever they occur in a
  line, so a row "Tự đánh giá: [ ] Xuất sắc [x] Tốt" works too.
* ``**bold**``/``__underline__`` (and ``**__both__**``) written by the author are kept in every docx
  layout, ``plain`` included (the layout only decides how headings look).
* ``auto-numbering``: the typed labels are checked against the numbers Word
  will display (level 1 upper Roman, level 2 decimal restarting under each
  level 1, level 3 lower letter); the punctuation after the number ("I." or
  "I-", "1." or "1)") is taken from the first label of each level. Bullets
  become Word list bullets in this layout; elsewhere the dash is typed.
* In ``[expect]`` (TOML has no null) ``key = null`` is accepted and read as
  ``None``; so is a missing ``year``.

Output is byte-for-byte reproducible: fixed core properties, no thumbnail or
other template leftovers, and the zip rewritten with sorted entries and a fixed
timestamp. The module is importable from its path (it is not in a package)::

    spec = importlib.util.spec_from_file_location("corpus_build", path)
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    meta, body = mod.load_source("corpora/src/d_x.rpt")
"""

from __future__ import annotations

import argparse
import datetime as _dt
import io
import os
import re
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
SRC_DIR = HERE / "src"
OUT_DIR = HERE / "reports"

# --------------------------------------------------------------------------- labels

KINDS = {"member", "leader", "collective"}
FORMS = {"2019", "2023", "2025", "legacy"}
LANGUAGES = {"vi", "en"}
LAYOUTS = {"word-headings", "bold-typed", "auto-numbering", "table-letterhead", "plain", "txt"}
SPLITS = {"dev", "test"}
RATINGS = {"excellent", "good", "complete", "not_complete", "none"}
VERDICTS = {"ok", "revise", "perfunctory"}
RULES = {
    "missing-section",
    "empty-template",
    "empty-section",
    "rating-missing",
    "no-shortcomings",
    "limitation-without-cause",
    "no-subjective-cause",
    "remedy-without-deadline",
    "remedy-unrelated",
    "no-concrete-results",
    "achievement-heavy",
    "rating-inconsistent",
    "leader-items-thin",
    "collective-responsibility-unnamed",
}
SECTION_IDS = {
    "header", "ideology", "ethics", "lifestyle", "discipline", "working_style", "task_results",
    "commitment", "leadership", "innovation", "exemplary", "limitations", "causes",
    "prior_remediation", "suggested_issues", "collective_responsibility", "remedies",
    "self_rating", "principles", "targets", "party_building", "political_tasks",
}

# ------------------------------------------------------------------ fixed metadata

CORPUS_AUTHOR = "reportcheck corpus"
FIXED_DATETIME = _dt.datetime(2025, 1, 1, 0, 0, 0)  # core properties created/modified
ZIP_DATE_TIME = (2025, 1, 1, 0, 0, 0)  # every zip entry
TXT_WIDTH = 78

FONT = "Times New Roman"
BODY_PT = {"word-headings": 14, "auto-numbering": 14, "bold-typed": 13, "table-letterhead": 13, "plain": 13}
LANG_TAG = {"vi": "vi-VN", "en": "en-US"}


class SourceError(ValueError):
    """A source file that does not follow corpora/README.md."""


# ----------------------------------------------------------------------- sources

_NULL_LINE = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=\s*null\s*(#.*)?$")
_TABLE_LINE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]\s*(#.*)?$")


def _parse_front_matter(text: str, where: str) -> dict:
    """TOML, with ``key = null`` lines read as None (TOML itself has no null)."""
    kept: list[str] = []
    nulls: list[tuple[str | None, str]] = []
    table: str | None = None
    for line in text.splitlines():
        m = _TABLE_LINE.match(line)
        if m:
            table = m.group(1)
        m = _NULL_LINE.match(line)
        if m:
            nulls.append((table, m.group(1)))
            continue
        kept.append(line)
    try:
        meta = tomllib.loads("\n".join(kept))
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{where}: front matter is not valid TOML: {exc}") from None
    for tbl, key in nulls:
        target = meta if tbl is None else meta.setdefault(tbl, {})
        target[key] = None
    return meta


def validate_meta(meta: dict, where: str = "<source>") -> None:
    """Raise SourceError when the front matter breaks the README's vocabulary."""

    def need(key: str, allowed: set[str]) -> None:
        if meta.get(key) not in allowed:
            raise SourceError(f"{where}: {key} = {meta.get(key)!r}, expected one of {sorted(allowed)}")

    need("kind", KINDS)
    need("form", FORMS)
    need("language", LANGUAGES)
    need("layout", LAYOUTS)
    need("split", SPLITS)
    if not isinstance(meta.get("author"), str) or not meta["author"]:
        raise SourceError(f"{where}: author must be a non-empty string")
    year = meta.setdefault("year", None)
    if year is not None and (not isinstance(year, int) or not 1990 <= year <= 2100):
        raise SourceError(f"{where}: year = {year!r}, expected an integer year or null")
    exp = meta.get("expect")
    if not isinstance(exp, dict):
        raise SourceError(f"{where}: an [expect] table is required")
    for key in ("party", "civil_servant"):
        if exp.get(key) not in RATINGS:
            raise SourceError(f"{where}: expect.{key} = {exp.get(key)!r}, expected one of {sorted(RATINGS)}")
    if exp.get("verdict") not in VERDICTS:
        raise SourceError(f"{where}: expect.verdict = {exp.get('verdict')!r}, expected one of {sorted(VERDICTS)}")
    for key, allowed in (("missing", SECTION_IDS), ("findings", RULES)):
        val = exp.get(key)
        if not isinstance(val, list) or not all(isinstance(v, str) for v in val):
            raise SourceError(f"{where}: expect.{key} must be a list of strings")
        unknown = sorted(set(val) - allowed)
        if unknown:
            raise SourceError(f"{where}: expect.{key} has unknown names {unknown}")
        if len(set(val)) != len(val):
            raise SourceError(f"{where}: expect.{key} repeats a name")
    if bool(exp["missing"]) != ("missing-section" in exp["findings"]):
        raise SourceError(f"{where}: expect.missing and the finding 'missing-section' go together")


def load_source(path: str | Path) -> tuple[dict, list[str]]:
    """Read one ``.rpt`` file.

    Returns ``(meta, body_lines)``: ``meta`` is the validated TOML front matter
    (``meta["expect"]`` holds the labels; ``year`` is None when absent or null);
    ``body_lines`` are the non-blank lines after the front matter, trailing
    whitespace removed - one paragraph (or letterhead row) each.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines()
    if not lines or lines[0].strip() != "+++":
        raise SourceError(f"{path}: must start with a '+++' line")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "+++")
    except StopIteration:
        raise SourceError(f"{path}: front matter is not closed by '+++'") from None
    meta = _parse_front_matter("\n".join(lines[1:end]), str(path))
    validate_meta(meta, str(path))
    body = [ln.rstrip() for ln in lines[end + 1 :] if ln.strip()]
    if not body:
        raise SourceError(f"{path}: the report body is empty")
    return meta, body


# ------------------------------------------------------------------------ markup


class Node(NamedTuple):
    kind: str  # letterhead | row | title | subtitle | heading | bullet | box | right | plain
    text: str = ""  # the line without its markup prefix (inline markup kept)
    level: int = 0  # heading level 1..3
    label: str = ""  # heading: first token (the typed label)
    head: str | None = None  # heading with "::": the bold lead (label included)
    body: str | None = None  # heading with "::": the plain rest
    cells: tuple[str, ...] = ()  # letterhead: (left, right); row: a body table's cells
    marker: str = ""  # bullet: "-" or "+"
    lineno: int = 0  # 1-based index into body_lines


_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_BULLET = re.compile(r"^([-+])\s+(.*)$")


def parse_line(line: str, lineno: int = 0) -> Node:
    """Classify one body line (see the README markup table)."""
    s = line.strip()
    if s.startswith("\\"):
        return Node("plain", s[1:].lstrip(), lineno=lineno)
    if len(s) >= 4 and s.startswith("||") and s.endswith("||"):
        cells = tuple(c.strip() for c in s[2:-2].split("|"))
        if len(cells) < 2:
            raise SourceError(f"body line {lineno}: a table row needs at least two cells: {line!r}")
        return Node("row", cells=cells, lineno=lineno)
    if len(s) >= 2 and s.startswith("|") and s.endswith("|"):
        cells = tuple(c.strip() for c in s[1:-1].split("|"))
        if len(cells) != 2:
            raise SourceError(f"body line {lineno}: a letterhead row needs exactly two cells: {line!r}")
        return Node("letterhead", cells=cells, lineno=lineno)
    if s.startswith("=~"):
        return Node("subtitle", s[2:].strip(), lineno=lineno)
    if s.startswith("= ") or s == "=":
        return Node("title", s[1:].strip(), lineno=lineno)
    m = _HEADING.match(s)
    if m:
        level, text = len(m.group(1)), m.group(2).strip()
        label = text.split(None, 1)[0] if text else ""
        head = body = None
        if "::" in text:
            head, body = (part.strip() for part in text.split("::", 1))
        return Node("heading", text, level=level, label=label, head=head, body=body, lineno=lineno)
    m = _BULLET.match(s)
    if m:
        return Node("bullet", m.group(2).strip(), marker=m.group(1), lineno=lineno)
    if s.startswith(">>"):
        return Node("right", s[2:].strip(), lineno=lineno)
    return Node("plain", s, lineno=lineno)


def parse_body(body_lines: list[str]) -> list[Node]:
    return [parse_line(ln, i) for i, ln in enumerate(body_lines, 1) if ln.strip()]


_BOX = re.compile(r"\[([xXvV ])\]\s?")
_BOX_GLYPH = {"x": "☒ ", "X": "☒ ", " ": "☐ ", "v": "✓ ", "V": "✓ "}
_INLINE = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")


def boxes(text: str, *, txt: bool = False) -> str:
    if txt:
        return _BOX.sub(lambda m: "✓ " if m.group(1) in "vV" else f"[{m.group(1).lower()}] ", text)
    return _BOX.sub(lambda m: _BOX_GLYPH[m.group(1)], text)


def runs(text: str, *, txt: bool = False) -> list[tuple[str, bool, bool]]:
    """Split inline markup into ``(text, bold, underline)`` runs, boxes replaced."""
    text = boxes(text, txt=txt)
    out: list[tuple[str, bool, bool]] = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            out.append((text[pos : m.start()], False, False))
        if m.group(1) is not None:
            inner = m.group(1)
            both = len(inner) > 4 and inner.startswith("__") and inner.endswith("__")
            out.append((inner[2:-2] if both else inner, True, both))  # "**__x__**": bold and underlined
        else:
            inner = m.group(2)
            both = len(inner) > 4 and inner.startswith("**") and inner.endswith("**")
            out.append((inner[2:-2] if both else inner, both, True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False, False))
    return [r for r in out if r[0]]


def plain_text(text: str) -> str:
    """Text with inline markup removed (boxes as in a .txt file)."""
    return "".join(t for t, _b, _u in runs(text, txt=True))


# ------------------------------------------------------------- auto-numbering labels

_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(n: int) -> str:
    out = ""
    for value, sym in _ROMAN:
        while n >= value:
            out += sym
            n -= value
    return out


def letter(n: int) -> str:
    return "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26]


_LABEL = {
    1: re.compile(r"^([IVXLC]+)([.\-)/:]*)$"),
    2: re.compile(r"^(\d+)([.\-)/:]*)$"),
    3: re.compile(r"^([a-z])([.\-)/:]*)$"),
}


def auto_number_plan(nodes: list[Node], where: str = "<source>") -> tuple[dict[int, str], dict[int, str]]:
    """Check typed heading labels against Word's numbering.

    Returns ``(suffix_by_level, label_by_lineno)``; raises SourceError when a
    typed label is not what Word would display at that point.
    """
    suffix: dict[int, str] = {}
    counters = [0, 0, 0]
    labels: dict[int, str] = {}
    for node in nodes:
        if node.kind != "heading":
            continue
        lv = node.level
        m = _LABEL[lv].match(node.label)
        if not m:
            raise SourceError(f"{where}: body line {node.lineno}: level-{lv} label {node.label!r} cannot be "
                              "produced by auto-numbering (upper Roman / decimal / lower letter)")
        suffix.setdefault(lv, m.group(2))
        if m.group(2) != suffix[lv]:
            raise SourceError(f"{where}: body line {node.lineno}: label {node.label!r} changes the "
                              f"punctuation of level {lv} (first was {suffix[lv]!r})")
        counters[lv - 1] += 1
        for deeper in range(lv, 3):
            counters[deeper] = 0
        n = counters[lv - 1]
        expected = (roman(n) if lv == 1 else str(n) if lv == 2 else letter(n)) + suffix[lv]
        if node.label != expected:
            raise SourceError(f"{where}: body line {node.lineno}: typed label {node.label!r} but Word "
                              f"numbering would show {expected!r}")
        labels[node.lineno] = expected
    return suffix, labels


def strip_label(text: str, label: str) -> str:
    return text[len(label):].lstrip() if text.startswith(label) else text


# ----------------------------------------------------------------------------- txt


def render_txt(meta: dict, body_lines: list[str]) -> str:
    out: list[str] = []
    for node in parse_body(body_lines):
        if node.kind == "letterhead":
            left, right = (plain_text(c) for c in node.cells)
            if left:
                out.append(left)
            if right:
                out.append(right.rjust(TXT_WIDTH))
        elif node.kind == "row":
            out.append(" | ".join(plain_text(c) for c in node.cells))
        elif node.kind in ("title", "subtitle"):
            out.append(plain_text(node.text).center(TXT_WIDTH).rstrip())
        elif node.kind == "heading":
            if node.head is not None:
                out.append(f"{plain_text(node.head)}: {plain_text(node.body or '')}".rstrip())
            else:
                out.append(plain_text(node.text))
        elif node.kind == "bullet":
            out.append(f"{node.marker} {plain_text(node.text)}")
        elif node.kind == "right":
            out.append(plain_text(node.text).rjust(TXT_WIDTH))
        else:
            out.append(plain_text(node.text))
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------- docx


def _docx():
    import docx  # noqa: PLC0415 - imported lazily so load_source works without python-docx
    return docx


def _w(tag: str) -> str:
    from docx.oxml.ns import qn  # noqa: PLC0415
    return qn(tag)


def _set_rfonts(rpr, font: str) -> None:
    from docx.oxml import OxmlElement  # noqa: PLC0415
    for old in rpr.findall(_w("w:rFonts")):
        rpr.remove(old)
    rf = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rf.set(_w(attr), font)
    rpr.insert(0, rf)


def _prepare_package(doc, meta: dict, title: str) -> None:
    """Drop template leftovers a real report would not carry; fix core properties."""
    pkg_rels = doc.part.package.rels
    for rid, rel in list(pkg_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            pkg_rels.pop(rid)
    doc_rels = doc.part.rels
    for rid, rel in list(doc_rels.items()):
        if rel.reltype.endswith("/stylesWithEffects") or rel.reltype.endswith("/customXml"):
            doc_rels.pop(rid)
    cp = doc.core_properties
    cp.author = CORPUS_AUTHOR
    cp.last_modified_by = CORPUS_AUTHOR
    cp.created = FIXED_DATETIME
    cp.modified = FIXED_DATETIME
    cp.revision = 1
    cp.title = title
    cp.subject = ""
    cp.comments = ""
    cp.keywords = ""
    cp.category = ""
    cp.language = LANG_TAG[meta["language"]]


def _setup_styles(doc, meta: dict, body_pt: int) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: PLC0415
    from docx.shared import Pt, RGBColor  # noqa: PLC0415

    styles_el = doc.styles.element
    defaults = styles_el.find(_w("w:docDefaults"))
    rpr = defaults.find(_w("w:rPrDefault")).find(_w("w:rPr"))
    _set_rfonts(rpr, FONT)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(_w(tag)).set(_w("w:val"), str(body_pt * 2))
    lang = rpr.find(_w("w:lang"))
    lang.set(_w("w:val"), LANG_TAG[meta["language"]])
    lang.set(_w("w:eastAsia"), "en-US")
    ppr = defaults.find(_w("w:pPrDefault")).find(_w("w:pPr"))
    spacing = ppr.find(_w("w:spacing"))
    spacing.set(_w("w:after"), "80")
    spacing.set(_w("w:line"), "288")
    spacing.set(_w("w:lineRule"), "auto")

    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(body_pt)
    _set_rfonts(normal.element.get_or_add_rPr(), FONT)

    sizes = {1: body_pt, 2: body_pt, 3: body_pt}
    for level in (1, 2, 3):
        st = doc.styles[f"Heading {level}"]
        srpr = st.element.get_or_add_rPr()
        for tag in ("w:color", "w:i", "w:iCs"):
            for old in srpr.findall(_w(tag)):
                srpr.remove(old)
        _set_rfonts(srpr, FONT)
        st.font.size = Pt(sizes[level])
        st.font.bold = True
        st.font.italic = level == 3
        st.font.color.rgb = RGBColor(0, 0, 0)
        pf = st.paragraph_format
        pf.space_before = Pt(6)
        pf.space_after = Pt(3)
        pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def _setup_page(doc) -> None:
    from docx.shared import Cm  # noqa: PLC0415
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(2), Cm(2)
    sec.left_margin, sec.right_margin = Cm(3), Cm(2)


class _Numbering:
    """The numbering definitions this builder adds to ``word/numbering.xml``."""

    def __init__(self, doc, suffix: dict[int, str]):
        from docx.oxml import parse_xml  # noqa: PLC0415
        from docx.oxml.ns import nsdecls  # noqa: PLC0415

        self._parse, self._nsdecls = parse_xml, nsdecls
        self.root = doc.part.numbering_part.element
        self._next_abstract = 1 + max((int(a.get(_w("w:abstractNumId"))) for a in self.root.findall(_w("w:abstractNum"))), default=-1)
        self._next_num = 1 + max((int(n.get(_w("w:numId"))) for n in self.root.findall(_w("w:num"))), default=0)
        fmts = {1: ("upperRoman", "%1"), 2: ("decimal", "%2"), 3: ("lowerLetter", "%3")}
        levels = "".join(
            self._lvl(lv - 1, fmt, text + suffix.get(lv, "."), left=0, first=0 if lv == 1 else 567, bold=True)
            for lv, (fmt, text) in fmts.items()
        )
        self.heading_num = self._add(levels, "multilevel", "5A1C0001")
        self._bullets: dict[str, int] = {}

    def bullet(self, glyph: str) -> int:
        if glyph not in self._bullets:
            lvl = self._lvl(0, "bullet", glyph, left=0, first=567, bold=False)
            self._bullets[glyph] = self._add(lvl, "singleLevel", f"5A1C{0x10 + len(self._bullets):04X}")
        return self._bullets[glyph]

    @staticmethod
    def _lvl(ilvl: int, fmt: str, text: str, *, left: int, first: int, bold: bool) -> str:
        b = "<w:b/><w:bCs/>" if bold else ""
        return (
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:suff w:val="space"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{left}" w:firstLine="{first}"/></w:pPr>'
            f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"/>{b}</w:rPr></w:lvl>'
        )

    def _add(self, levels: str, multi: str, nsid: str) -> int:
        aid, nid = self._next_abstract, self._next_num
        self._next_abstract += 1
        self._next_num += 1
        abstract = self._parse(
            f'<w:abstractNum {self._nsdecls("w")} w:abstractNumId="{aid}"><w:nsid w:val="{nsid}"/>'
            f'<w:multiLevelType w:val="{multi}"/>{levels}</w:abstractNum>'
        )
        first_num = self.root.find(_w("w:num"))
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            self.root.append(abstract)
        num = self._parse(f'<w:num {self._nsdecls("w")} w:numId="{nid}"><w:abstractNumId w:val="{aid}"/></w:num>')
        nums = self.root.findall(_w("w:num"))
        (nums[-1].addnext(num) if nums else self.root.append(num))
        return nid

    @staticmethod
    def attach(paragraph, num_id: int, ilvl: int) -> None:
        numpr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        numpr.get_or_add_ilvl().val = ilvl
        numpr.get_or_add_numId().val = num_id


_DATE_LINE = re.compile(r"ngày\s*\S*\s*tháng|\b(date|day)\b|\d{1,2}\s+(January|February|March|April|May|June|July|"
                        r"August|September|October|November|December)|(January|February|March|April|May|June|July|"
                        r"August|September|October|November|December)\s+\d{1,2}", re.IGNORECASE)


def _is_caps(text: str) -> bool:
    letters = [c for c in plain_text(text) if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _add_runs(paragraph, text: str, *, bold: bool = False, italic: bool = False, size=None) -> None:
    for chunk, b, u in runs(text):
        run = paragraph.add_run(chunk)
        if bold or b:
            run.bold = True
        if u:
            run.underline = True
        if italic:
            run.italic = True
        if size is not None:
            run.font.size = size


def _borderless(table) -> None:
    from docx.oxml import parse_xml  # noqa: PLC0415
    from docx.oxml.ns import nsdecls  # noqa: PLC0415

    tblpr = table._tbl.tblPr
    for old in tblpr.findall(_w("w:tblBorders")):
        tblpr.remove(old)
    edges = "".join(f'<w:{e} w:val="nil"/>' for e in ("top", "left", "bottom", "right", "insideH", "insideV"))
    borders = parse_xml(f"<w:tblBorders {nsdecls('w')}>{edges}</w:tblBorders>")
    layout = parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>')
    # schema order inside tblPr: tblStyle, ..., tblW, jc, ..., tblBorders, shd, tblLayout, tblCellMar, tblLook
    look = tblpr.find(_w("w:tblLook"))
    if look is not None:
        look.addprevious(borders)
        look.addprevious(layout)
    else:
        tblpr.append(borders)
        tblpr.append(layout)


def render_docx(meta: dict, body_lines: list[str], where: str = "<source>") -> bytes:
    """Build the .docx bytes for one source (already reproducible)."""
    docx = _docx()
    from docx.enum.text import WD_ALIGN_PARAGRAPH as ALIGN  # noqa: PLC0415
    from docx.shared import Cm, Pt  # noqa: PLC0415

    layout = meta["layout"]
    if layout == "txt":
        raise SourceError(f"{where}: layout 'txt' is built with render_txt")
    nodes = parse_body(body_lines)
    body_pt = BODY_PT[layout]
    small = Pt(body_pt - 1)
    plain = layout == "plain"
    title = next((plain_text(n.text) for n in nodes if n.kind == "title"), "")

    doc = docx.Document()
    _prepare_package(doc, meta, title)
    _setup_styles(doc, meta, body_pt)
    _setup_page(doc)

    numbering = None
    if layout == "auto-numbering":
        suffix, _labels = auto_number_plan(nodes, where)
        numbering = _Numbering(doc, suffix)

    def para(style: str | None = None, align=None, indent: bool = False):
        p = doc.add_paragraph(style=style)
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Cm(1)
        return p

    i = 0
    while i < len(nodes):
        node = nodes[i]
        if node.kind == "letterhead":
            rows = []
            while i < len(nodes) and nodes[i].kind == "letterhead":
                rows.append(nodes[i].cells)
                i += 1
            if layout == "table-letterhead":
                table = doc.add_table(rows=len(rows), cols=2)
                _borderless(table)
                widths = (Cm(6.5), Cm(9.5))
                for r, cells in enumerate(rows):
                    for c, text in enumerate(cells):
                        cell = table.cell(r, c)
                        cell.width = widths[c]
                        p = cell.paragraphs[0]
                        p.alignment = ALIGN.CENTER
                        p.paragraph_format.space_after = Pt(0)
                        if text:
                            _add_runs(p, text, italic=bool(_DATE_LINE.search(text)), size=small)
                for c, w in enumerate(widths):
                    table.columns[c].width = w
                para()  # the empty line Word users leave after the letterhead
            else:
                for cells in rows:
                    for c, text in enumerate(cells):
                        if not text:
                            continue
                        p = para(align=ALIGN.LEFT if c == 0 else ALIGN.RIGHT)
                        p.paragraph_format.space_after = Pt(0)
                        _add_runs(p, text, italic=not plain and bool(_DATE_LINE.search(text)), size=small)
            continue
        if node.kind == "row":
            rows = []
            while i < len(nodes) and nodes[i].kind == "row":
                rows.append(nodes[i].cells)
                i += 1
            ncols = max(len(r) for r in rows)
            table = doc.add_table(rows=len(rows), cols=ncols)
            table.style = "Table Grid"
            for r, cells in enumerate(rows):
                for c, text in enumerate(cells):
                    if text:
                        cell_p = table.cell(r, c).paragraphs[0]
                        cell_p.paragraph_format.space_after = Pt(0)
                        _add_runs(cell_p, text)
            continue
        i += 1
        if node.kind == "title":
            p = para(align=ALIGN.CENTER)
            p.paragraph_format.space_before = Pt(12)
            _add_runs(p, node.text, bold=not plain, size=None if plain else Pt(body_pt + 1))
        elif node.kind == "subtitle":
            p = para(align=ALIGN.CENTER)
            italic = not plain and node.text.startswith("(")
            _add_runs(p, node.text, bold=not plain and not italic, italic=italic)
        elif node.kind == "heading":
            text, head = node.text, node.head
            if numbering is not None:
                text, head = strip_label(text, node.label), strip_label(head, node.label) if head is not None else None
            if head is not None:
                p = para(align=ALIGN.JUSTIFY, indent=numbering is None and node.level > 1)
                _add_runs(p, head + ":", bold=not plain)
                if node.body:
                    _add_runs(p, " " + node.body)
            elif layout == "word-headings":
                p = para(style=f"Heading {node.level}")
                _add_runs(p, text)
            else:
                p = para(align=ALIGN.JUSTIFY, indent=numbering is None and node.level > 1)
                _add_runs(p, text, bold=not plain, italic=not plain and node.level == 3)
            if layout != "word-headings" or head is not None:
                p.paragraph_format.space_before = Pt(6 if node.level == 1 else 3)
            if numbering is not None:
                numbering.attach(p, numbering.heading_num, node.level - 1)
        elif node.kind == "bullet":
            p = para(align=ALIGN.JUSTIFY)
            if numbering is not None:
                numbering.attach(p, numbering.bullet(node.marker), 0)
                _add_runs(p, node.text)
            else:
                p.paragraph_format.first_line_indent = Cm(1)
                _add_runs(p, f"{node.marker} {node.text}")
        elif node.kind == "right":
            p = para(align=ALIGN.RIGHT)
            caps = _is_caps(node.text)
            _add_runs(p, node.text, bold=not plain and caps,
                      italic=not plain and not caps and (bool(_DATE_LINE.search(node.text)) or node.text.startswith("(")))
        else:
            p = para(align=ALIGN.JUSTIFY, indent=True)
            _add_runs(p, node.text)

    raw = io.BytesIO()
    doc.save(raw)
    return normalize_zip(raw.getvalue())


def normalize_zip(data: bytes) -> bytes:
    """Rewrite a zip with sorted entries, fixed timestamps and attributes."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        entries = sorted((info.filename, zin.read(info)) for info in zin.infolist())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for name, payload in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.create_version = 20
            info.external_attr = 0
            zout.writestr(info, payload, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return out.getvalue()


# --------------------------------------------------------------------------- driver


def output_name(src: Path, meta: dict) -> str:
    return src.stem + (".txt" if meta["layout"] == "txt" else ".docx")


def render(src: str | Path) -> tuple[str, bytes]:
    """``(output file name, bytes)`` for one source."""
    src = Path(src)
    meta, body = load_source(src)
    if meta["layout"] == "txt":
        data = render_txt(meta, body).encode("utf-8")
    else:
        data = render_docx(meta, body, str(src))
    return output_name(src, meta), data


def write_if_changed(target: Path, data: bytes) -> bool:
    """Write atomically, and only when the bytes differ; True when written."""
    if target.exists() and target.read_bytes() == data:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return True


def build_one(src: str | Path, out_dir: str | Path = OUT_DIR) -> Path:
    name, data = render(src)
    target = Path(out_dir) / name
    write_if_changed(target, data)
    return target


def sources(names: list[str] | None = None, src_dir: Path = SRC_DIR) -> list[Path]:
    if not names:
        return sorted(src_dir.glob("*.rpt"))
    found = []
    for name in names:
        p = Path(name)
        if p.suffix == ".rpt" and p.exists():
            found.append(p)
            continue
        cand = src_dir / (p.name if p.suffix == ".rpt" else p.name + ".rpt")
        if not cand.exists():
            raise SourceError(f"no source {cand}")
        found.append(cand)
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default corpora/reports)")
    ap.add_argument("--check", action="store_true", help="compare with --out instead of writing")
    ap.add_argument("names", nargs="*", help="source stems; default: every corpora/src/*.rpt")
    args = ap.parse_args(argv)
    try:
        srcs = sources(args.names)
        stale = 0
        for src in srcs:
            name, data = render(src)
            target = args.out / name
            if args.check:
                if not target.exists() or target.read_bytes() != data:
                    print(f"out of date: {target}", file=sys.stderr)
                    stale += 1
            else:
                print(f"{'wrote' if write_if_changed(target, data) else 'unchanged'} {target}")
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
