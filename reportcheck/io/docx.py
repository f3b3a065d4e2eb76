"""The .docx reader: zip + lxml, body order, styles, numbering, legacy fonts.

The package is opened with :class:`~reportcheck.io.safety.SafeZip` and the
parts are parsed with lxml directly (python-docx is not used at run time: it
cannot read Strict OOXML or a renamed main part, and its paragraph objects
cost more than the whole walk below). Only the main document part, its
styles and its numbering are read; headers, footers, footnotes and comments
are left out.

Paragraph order is body order: paragraphs, then table cells row by row and
cell by cell (nested tables where they stand), content controls, text boxes
right after the paragraph that anchors them. Every ``w:p`` met this way is a
:class:`Paragraph`, empty ones included, except those of vertically merged
continuation cells (their text is the merged cell's, already read).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import unquote

from lxml import etree

from reportcheck.io.safety import DEFAULT_LIMITS, SafeZip, parse_xml, refuse
from reportcheck.model import Document, Paragraph
from reportcheck.text.legacy import VNI_MARKS, Encoding, font_encoding, to_unicode
from reportcheck.text.normalize import normalize

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"


@cache
def _w(name: str) -> str:
    """Clark name of a WordprocessingML element or attribute."""
    return f"{{{W_NS}}}{name}"


W_VAL = _w("val")
P, R, T, TBL, TR, TC = _w("p"), _w("r"), _w("t"), _w("tbl"), _w("tr"), _w("tc")
PPR, RPR, TCPR, TRPR = _w("pPr"), _w("rPr"), _w("tcPr"), _w("trPr")
SDT, SDT_CONTENT, CUSTOM_XML = _w("sdt"), _w("sdtContent"), _w("customXml")
TXBX = _w("txbxContent")
MC_CHOICE, MC_FALLBACK, MC_ALTERNATE = f"{{{MC_NS}}}Choice", f"{{{MC_NS}}}Fallback", f"{{{MC_NS}}}AlternateContent"
M_T, M_MATH, M_MATH_PARA = f"{{{M_NS}}}t", f"{{{M_NS}}}oMath", f"{{{M_NS}}}oMathPara"

# inline containers whose runs are visible text (w:del / w:moveFrom are not)
_INLINE_WRAPPERS = frozenset(_w(n) for n in (
    "hyperlink", "ins", "moveTo", "smartTag", "fldSimple", "customXml", "sdtContent", "dir", "bdo",
))
# run children -> the text they stand for
_RUN_CHARS = {
    _w("tab"): " ", _w("ptab"): " ", _w("br"): " ", _w("cr"): " ",
    _w("noBreakHyphen"): "-", _w("softHyphen"): "\u00ad",  # U+00AD is "ư" in TCVN3; normalize drops it elsewhere
}
# run children that may hold text boxes
_BOX_HOLDERS = frozenset((_w("drawing"), _w("pict"), _w("object"), MC_ALTERNATE))
_B, _U, _HIGHLIGHT, _VANISH, _RFONTS, _RSTYLE, _SYM = (
    _w(n) for n in ("b", "u", "highlight", "vanish", "rFonts", "rStyle", "sym"))
_PSTYLE, _NUMPR, _OUTLINE = _w("pStyle"), _w("numPr"), _w("outlineLvl")
_BLOCKS, _ROWS, _CELLS = frozenset((P, TBL)), frozenset((TR,)), frozenset((TC,))
_OFF = frozenset(("0", "false", "off", "none"))
_STRICT_NS_RE = re.compile(rb"http://purl\.oclc\.org/ooxml/([A-Za-z]+)/")
_OFFICE_DOCUMENT = "/officeDocument"


# --- package -------------------------------------------------------------------

def _to_transitional(data: bytes) -> bytes:
    """Map Strict OOXML namespaces (purl.oclc.org) onto the transitional ones."""
    if b"purl.oclc.org/ooxml/" not in data:
        return data
    return _STRICT_NS_RE.sub(rb"http://schemas.openxmlformats.org/\1/2006/", data)


class Package:
    """The parts of a .docx that the reader needs, parsed safely."""

    def __init__(self, data: bytes, path: str):
        self.path = path
        self.zip = SafeZip(data, path)

    def xml(self, name: str | None) -> etree._Element | None:
        """Parsed part ``name``; None when the name is None or the part absent."""
        data = self.zip.read(name) if name else None
        if data is None:
            return None
        return parse_xml(_to_transitional(data), self.path)

    def relations(self, source: str) -> dict[str, str]:
        """Relationship type suffix ("/styles") -> target part of part ``source``
        ("" for the package itself); first relationship of each type wins."""
        folder, name = posixpath.split(source)
        root = self.xml(posixpath.join(folder, "_rels", name + ".rels"))
        found: dict[str, str] = {}
        for rel in () if root is None else root.iter(f"{{{REL_NS}}}Relationship"):
            kind, target = rel.get("Type", ""), rel.get("Target", "")
            if rel.get("TargetMode") == "External" or not target:
                continue
            suffix = kind[kind.rfind("/"):]
            found.setdefault(suffix, _resolve(folder, target))
        return found

    def main_part(self) -> str:
        """Name of the main document part, found through ``_rels/.rels``."""
        name = self.relations("").get(_OFFICE_DOCUMENT, "word/document.xml")
        if not self.zip.has(name):
            raise refuse(self.path, "no-document")
        return name


def _resolve(folder: str, target: str) -> str:
    """Part name of a relationship target, relative to the source's folder."""
    target = unquote(target)
    joined = target if target.startswith("/") else posixpath.join("/", folder, target)
    return posixpath.normpath(joined).lstrip("/")


# --- formatting ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RunProps:
    """Run formatting that the reader uses; None means "not set here"."""

    bold: bool | None = None
    underline: bool | None = None
    highlight: bool | None = None
    hidden: bool | None = None
    font: str | None = None  # hAnsi font ("" when a theme font is used)
    ascii_font: str | None = None

    def over(self, top: RunProps | None) -> RunProps:
        """These properties with ``top``'s set fields laid over them."""
        if top is None:
            return self
        return RunProps(
            self.bold if top.bold is None else top.bold,
            self.underline if top.underline is None else top.underline,
            self.highlight if top.highlight is None else top.highlight,
            self.hidden if top.hidden is None else top.hidden,
            self.font if top.font is None else top.font,
            self.ascii_font if top.ascii_font is None else top.ascii_font,
        )

    @property
    def encoding(self) -> Encoding | None:
        """Legacy encoding of the run's font (hAnsi first, then ascii)."""
        return font_encoding(self.font if self.font is not None else self.ascii_font)


def _on(el: etree._Element | None) -> bool | None:
    """Value of an on/off property element (``<w:b/>``, ``<w:b w:val="0"/>``)."""
    if el is None:
        return None
    return el.get(W_VAL, "1").lower() not in _OFF


def _font(fonts: etree._Element, which: str) -> str | None:
    """Font name of ``w:rFonts`` for ``which`` ("ascii"/"hAnsi"); "" for a theme font."""
    if fonts.get(_w(which + "Theme")) is not None:
        return ""
    return fonts.get(_w(which))


def read_rpr(rpr: etree._Element) -> tuple[RunProps, str | None]:
    """The :class:`RunProps` written in one ``w:rPr``, and its character style id."""
    bold = underline = highlight = hidden = font = ascii_font = style = None
    for child in rpr:
        tag = child.tag
        if tag == _B:
            bold = _on(child)
        elif tag == _U:
            underline = child.get(W_VAL, "single") not in _OFF
        elif tag == _HIGHLIGHT:
            highlight = child.get(W_VAL, "none") not in _OFF
        elif tag == _VANISH:
            hidden = _on(child)
        elif tag == _RFONTS:
            font, ascii_font = _font(child, "hAnsi"), _font(child, "ascii")
        elif tag == _RSTYLE:
            style = child.get(W_VAL)
    return RunProps(bold, underline, highlight, hidden, font, ascii_font), style


def _val(parent: etree._Element | None, name: str) -> str | None:
    """``w:val`` of child ``w:name`` of ``parent``, None when either is missing."""
    el = None if parent is None else parent.find(_w(name))
    return None if el is None else el.get(W_VAL)


def _int(value: str | None) -> int | None:
    """``value`` as an int; None when missing or not a number."""
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class NumRef:
    """A ``w:numPr``: numbering instance and list level (either may be unset)."""

    num_id: str | None = None
    ilvl: int | None = None

    def over(self, top: NumRef | None) -> NumRef:
        """This reference with ``top``'s set fields laid over it."""
        if top is None:
            return self
        return NumRef(top.num_id if top.num_id is not None else self.num_id,
                      top.ilvl if top.ilvl is not None else self.ilvl)


BODY_TEXT = -1  # outlineLvl 9: explicitly not a heading, whatever the style chain says


def outline_level(lvl: int | None) -> int | None:
    """A ``w:outlineLvl`` value as a heading level (0 -> 1), ``BODY_TEXT`` for 9."""
    if lvl is None:
        return None
    return lvl + 1 if 0 <= lvl <= 8 else BODY_TEXT


def read_ppr(ppr: etree._Element | None) -> tuple[str | None, NumRef | None, int | None]:
    """(style id, numbering reference, outline level) written in one ``w:pPr``."""
    style = numbering = outline = None
    for child in () if ppr is None else ppr:
        tag = child.tag
        if tag == _PSTYLE:
            style = child.get(W_VAL)
        elif tag == _NUMPR:
            numbering = NumRef(_val(child, "numId"), _int(_val(child, "ilvl")))
        elif tag == _OUTLINE:
            outline = outline_level(_int(child.get(W_VAL)))
    return style, numbering, outline


# --- styles --------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class StyleInfo:
    """A style with its ``basedOn`` chain resolved."""

    name: str | None = None
    level: int | None = None  # outlineLvl (or BODY_TEXT), else "Heading N" -> N / "Title" -> 0
    numbering: NumRef | None = None
    props: RunProps = field(default_factory=RunProps)


_HEADING_RE = re.compile(r"heading\s*(\d)", re.IGNORECASE)
_BUILTIN_NAMES = {"title": "Title", "caption": "Caption", "header": "Header", "footer": "Footer"}
_MAX_CHAIN = 20


def display_name(name: str) -> str:
    """Style name as Word shows it ("heading 1" -> "Heading 1")."""
    m = _HEADING_RE.fullmatch(name)
    if m:
        return f"Heading {m.group(1)}"
    return _BUILTIN_NAMES.get(name.lower(), name)


def _name_level(name: str) -> int | None:
    """Heading level implied by a display name: "Heading N" -> N, "Title" -> 0."""
    if name == "Title":
        return 0
    m = _HEADING_RE.fullmatch(name)
    return int(m.group(1)) if m else None


class Styles:
    """The styles part: names, heading levels, numbering and run formatting,
    each resolved through ``basedOn``. A missing part gives empty styles."""

    def __init__(self, root: etree._Element | None):
        self._raw: dict[str, etree._Element] = {}
        self._cache: dict[str | None, StyleInfo] = {}
        self._paragraphs: dict[str | None, tuple[StyleInfo, RunProps]] = {}
        self.default_paragraph: str | None = None
        self.defaults = RunProps()
        if root is None:
            return
        for style in root.iter(_w("style")):
            sid = style.get(_w("styleId"))
            if sid is None or sid in self._raw:
                continue
            self._raw[sid] = style
            is_default = style.get(_w("default"), "0").lower() in ("1", "true", "on")
            if is_default and style.get(_w("type")) == "paragraph" and self.default_paragraph is None:
                self.default_paragraph = sid
        defaults = root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{RPR}")
        if defaults is not None:
            self.defaults = read_rpr(defaults)[0]

    def resolve(self, style_id: str | None, depth: int = 0) -> StyleInfo:
        """``style_id`` merged over its ``basedOn`` chain (cached)."""
        info = self._cache.get(style_id)
        if info is None:
            info = self._resolve(style_id, depth)
            self._cache[style_id] = info
        return info

    def _resolve(self, style_id: str | None, depth: int) -> StyleInfo:
        style = self._raw.get(style_id) if style_id is not None else None
        if style is None or depth > _MAX_CHAIN:
            return StyleInfo()
        base = self.resolve(_val(style, "basedOn"), depth + 1)
        _, own_num, level = read_ppr(style.find(PPR))
        raw_name = _val(style, "name")
        name = display_name(raw_name) if raw_name else None
        if level is None and name:
            level = _name_level(name)
        rpr = style.find(RPR)
        return StyleInfo(
            name=name,
            level=level if level is not None else base.level,
            numbering=base.numbering.over(own_num) if base.numbering else own_num,
            props=base.props if rpr is None else base.props.over(read_rpr(rpr)[0]),
        )

    def paragraph(self, style_id: str | None) -> tuple[StyleInfo, RunProps]:
        """Paragraph style (the default one when ``style_id`` is None or unknown)
        and the formatting its runs start from (document defaults + style)."""
        if style_id is None or style_id not in self._raw:
            style_id = self.default_paragraph
        found = self._paragraphs.get(style_id)
        if found is None:
            info = self.resolve(style_id)
            found = self._paragraphs[style_id] = (info, self.defaults.over(info.props))
        return found


# --- numbering -----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Level:
    """One ``w:lvl`` of an abstract numbering definition."""

    fmt: str = "decimal"
    text: str = ""
    start: int = 1
    legal: bool = False  # w:isLgl: every number shown as decimal
    style: str | None = None  # w:pStyle: the paragraph style tied to this level


def _level(lvl: etree._Element) -> Level:
    """One ``w:lvl`` element as a :class:`Level`."""
    start = _int(_val(lvl, "start"))
    return Level(
        fmt=_val(lvl, "numFmt") or "decimal",
        text=_val(lvl, "lvlText") or "",
        start=1 if start is None else start,
        legal=bool(_on(lvl.find(_w("isLgl")))),
        style=_val(lvl, "pStyle"),
    )


def _levels(parent: etree._Element) -> dict[int, Level]:
    """The ``w:lvl`` definitions under ``parent`` by list level."""
    return {_int(lvl.get(_w("ilvl"))) or 0: _level(lvl) for lvl in parent.iter(_w("lvl"))}


def _roman(n: int) -> str:
    """``n`` in upper-case Roman numerals."""
    out = []
    for value, digits in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out.append(digits * count)
    return "".join(out)


def format_number(n: int, fmt: str) -> str:
    """A list counter as Word shows it for ``numFmt`` ``fmt``."""
    if n < 1 or fmt in ("decimal", "bullet", "none"):
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)  # a..z, aa, bb, ...
        return letter.upper() if fmt == "upperLetter" else letter
    return str(n)


_PLACEHOLDER_RE = re.compile(r"%([1-9])")


class Numbering:
    """The numbering part plus the running list counters of one document.

    Counters belong to the abstract definition (as in Word, two ``w:num``
    sharing one definition continue each other) and are keyed by list level;
    a level advancing clears the deeper ones; ``w:startOverride`` restarts a
    level the first time its ``w:num`` is used.
    """

    def __init__(self, load: Callable[[], etree._Element | None], styles: Styles):
        self._load_root = load  # the part is parsed on first use: most reports number nothing
        self._styles = styles
        self._abstract: dict[str, dict[int, Level]] = {}
        self._links: dict[str, str] = {}  # abstractNumId -> numStyleLink style id
        self._nums: dict[str, tuple[str, dict[int, Level], dict[int, int]]] = {}
        self._counts: dict[str, dict[int, int]] = {}
        self._restarted: set[tuple[str, int]] = set()

    def _load(self) -> None:
        """Parse the numbering part, once."""
        load, self._load_root = self._load_root, None
        root = load() if load else None
        if root is None:
            return
        for abstract in root.iter(_w("abstractNum")):
            aid = abstract.get(_w("abstractNumId"))
            self._abstract[aid] = _levels(abstract)
            link = _val(abstract, "numStyleLink")
            if link:
                self._links[aid] = link
        for num in root.iter(_w("num")):
            levels: dict[int, Level] = {}
            starts: dict[int, int] = {}
            for override in num.iter(_w("lvlOverride")):
                ilvl = _int(override.get(_w("ilvl"))) or 0
                levels.update({ilvl: lvl for lvl in _levels(override).values()})
                start = _int(_val(override, "startOverride"))
                if start is not None:
                    starts[ilvl] = start
            self._nums[num.get(_w("numId"))] = (_val(num, "abstractNumId"), levels, starts)

    def _definition(self, num_id: str) -> tuple[str, dict[int, Level], dict[int, int]] | None:
        """(abstract id, levels with overrides, start overrides) of ``num_id``,
        following one ``numStyleLink`` hop."""
        if self._load_root:
            self._load()
        entry = self._nums.get(num_id)
        if entry is None:
            return None
        aid, overrides, starts = entry
        link = self._links.get(aid)
        if link and not self._abstract.get(aid):
            linked = self._styles.resolve(link).numbering
            target = self._nums.get(linked.num_id) if linked and linked.num_id else None
            if target is not None:
                aid = target[0]
        return aid, {**self._abstract.get(aid, {}), **overrides}, starts

    def level_of_style(self, num_id: str, style_id: str | None) -> int:
        """List level tied to ``style_id`` through ``w:lvl/w:pStyle`` (else 0)."""
        definition = self._definition(num_id)
        if definition and style_id:
            for ilvl, lvl in definition[1].items():
                if lvl.style == style_id:
                    return ilvl
        return 0

    def next_label(self, num_id: str, ilvl: int) -> tuple[str | None, bool]:
        """Advance the counter for (``num_id``, ``ilvl``); return (label, is list item).

        Bullets and unnumbered levels give (None, True); an unknown ``num_id``
        gives (None, False).
        """
        definition = self._definition(num_id)
        if definition is None:
            return None, False
        aid, levels, starts = definition
        lvl = levels.get(ilvl)
        if lvl is None:
            return None, True
        counts = self._counts.setdefault(aid, {})
        if ilvl in starts and (num_id, ilvl) not in self._restarted:
            self._restarted.add((num_id, ilvl))
            counts[ilvl] = starts[ilvl]
        else:
            counts[ilvl] = counts[ilvl] + 1 if ilvl in counts else lvl.start
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        if lvl.fmt in ("bullet", "none"):
            return None, True
        return self._render(lvl, levels, counts) or None, True

    @staticmethod
    def _render(lvl: Level, levels: dict[int, Level], counts: dict[int, int]) -> str:
        """``lvlText`` with each %N replaced by level N-1's counter."""
        def number(m: re.Match) -> str:
            ref = int(m.group(1)) - 1
            ref_lvl = levels.get(ref, Level())
            fmt = "decimal" if lvl.legal else ref_lvl.fmt
            return format_number(counts.get(ref, ref_lvl.start), fmt)

        return _PLACEHOLDER_RE.sub(number, lvl.text).strip()


# --- body ----------------------------------------------------------------------

@dataclass(slots=True)
class Segment:
    """Text of one run (or math zone) with the formatting the reader needs."""

    text: str
    bold: bool = False
    emphasis: bool = False  # bold, underlined or highlighted
    encoding: Encoding | None = None  # legacy font encoding; converted in place before use


def _children(parent: etree._Element, tags: frozenset[str]):
    """Children of ``parent`` with a tag in ``tags``, looking through content
    controls and custom XML wrappers."""
    for child in parent:
        tag = child.tag
        if tag in tags:
            yield child
        elif tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                yield from _children(content, tags)
        elif tag == CUSTOM_XML:
            yield from _children(child, tags)


def _text_boxes(el: etree._Element, found: list[etree._Element]) -> None:
    """Outermost ``w:txbxContent`` under ``el``, skipping ``mc:Fallback`` copies."""
    for child in el:
        tag = child.tag
        if tag == TXBX:
            found.append(child)
        elif tag != MC_FALLBACK and isinstance(tag, str):
            _text_boxes(child, found)


def _symbol(sym: etree._Element) -> str:
    """Character of a ``w:sym``; symbol-font glyphs (private use area) are dropped."""
    try:
        code = int(sym.get(_w("char"), ""), 16)
    except ValueError:
        return ""
    return "" if 0xE000 <= code <= 0xF8FF or code > 0x10FFFF else chr(code)


def _merge_vni_marks(segments: list[Segment]) -> None:
    """Move a VNI mark that Word split from its vowel into the previous run."""
    for prev, seg in zip(segments, segments[1:]):
        if seg.encoding == "VNI" and prev.encoding == "VNI" and seg.text[:1] in VNI_MARKS and prev.text:
            prev.text += seg.text[0]
            seg.text = seg.text[1:]


def _groups(segments: list[Segment], attr: str) -> list[str]:
    """Normalised texts of maximal runs of consecutive segments whose ``attr``
    is set; white space joins a group but never opens one."""
    groups: list[str] = []
    current: list[str] = []
    for seg in segments:
        if not seg.text.strip():
            if current:
                current.append(seg.text)
        elif getattr(seg, attr):
            current.append(seg.text)
        elif current:
            groups.append("".join(current))
            current = []
    if current:
        groups.append("".join(current))
    return [g for g in map(normalize, groups) if g]


def formatting(segments: list[Segment]) -> tuple[bool, tuple[str, ...], str | None]:
    """(wholly bold, emphasized groups, leading bold text) of a paragraph."""
    visible = [s for s in segments if s.text.strip()]
    if not visible or all(s.bold for s in visible):
        return bool(visible), (), None
    lead = _groups(segments, "bold")[0] if visible[0].bold else None
    return False, tuple(_groups(segments, "emphasis")), lead


class BodyReader:
    """Walks ``w:body`` and collects :class:`Paragraph` objects in body order."""

    def __init__(self, styles: Styles, numbering: Numbering, path: str):
        self.styles = styles
        self.numbering = numbering
        self.path = path
        self.paragraphs: list[Paragraph] = []
        self.notes: set[str] = set()
        self._tables = 0
        self._chars = 0

    def blocks(self, parent: etree._Element, cell: tuple[int, int, int] | None = None) -> None:
        """Read the paragraphs and tables under ``parent`` in order."""
        for child in _children(parent, _BLOCKS):
            if child.tag == P:
                self.paragraph(child, cell)
            else:
                self.table(child)

    def table(self, tbl: etree._Element) -> None:
        """Read a table cell by cell; merged continuation cells are skipped."""
        number = self._tables
        self._tables += 1
        rows = [tr for tr in _children(tbl, _ROWS) if not _deleted_row(tr)]
        for r, tr in enumerate(rows):
            col = _int(_val(tr.find(TRPR), "gridBefore")) or 0
            for tc in _children(tr, _CELLS):
                tcpr = tc.find(TCPR)
                if not _continues_merge(tcpr):
                    self.blocks(tc, (number, r, col))
                col += max(_int(_val(tcpr, "gridSpan")) or 1, 1)

    def paragraph(self, p: etree._Element, cell: tuple[int, int, int] | None) -> None:
        """Read one paragraph, then the text boxes anchored in it."""
        style_id, direct_num, level = read_ppr(p.find(PPR))
        info, base = self.styles.paragraph(style_id)
        label, list_item = self._label(direct_num, info, style_id)
        segments: list[Segment] = []
        boxes: list[etree._Element] = []
        self._inline(p, base, segments, boxes)
        self._count_chars(segments)
        self._convert_legacy(segments)
        raw = "".join(s.text for s in segments)
        bold, emphasized, lead = formatting(segments)
        if level is None:
            level = info.level
        self.paragraphs.append(Paragraph(
            index=len(self.paragraphs), text=normalize(raw), raw=raw, label=label, style=info.name,
            level=None if level == BODY_TEXT else level, bold=bold, emphasized=emphasized,
            lead_bold=lead, in_table=cell is not None, table_cell=cell, list_item=list_item,
        ))
        for box in boxes:
            self.blocks(box, cell)

    def _label(self, direct: NumRef | None, info: StyleInfo, style_id: str | None) -> tuple[str | None, bool]:
        """Automatic numbering label of a paragraph (direct or from its style)."""
        ref = info.numbering.over(direct) if info.numbering else direct
        if ref is None or not ref.num_id or ref.num_id == "0":
            return None, False
        ilvl = ref.ilvl if ref.ilvl is not None else self.numbering.level_of_style(ref.num_id, style_id)
        return self.numbering.next_label(ref.num_id, ilvl)

    def _inline(self, parent: etree._Element, base: RunProps, out: list[Segment],
                boxes: list[etree._Element]) -> None:
        """Collect the visible runs under ``parent`` (a paragraph or a wrapper)."""
        for child in parent:
            tag = child.tag
            if tag == R:
                self._run(child, base, out, boxes)
            elif tag in _INLINE_WRAPPERS:
                self._inline(child, base, out, boxes)
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    self._inline(content, base, out, boxes)
            elif tag == MC_ALTERNATE:
                choice = child.find(MC_CHOICE)
                if choice is not None:
                    self._inline(choice, base, out, boxes)
            elif tag in (M_MATH, M_MATH_PARA):
                out.append(Segment("".join(t.text or "" for t in child.iter(M_T))))

    def _run(self, r: etree._Element, base: RunProps, out: list[Segment], boxes: list[etree._Element]) -> None:
        """One ``w:r``: its text, effective formatting, and any text boxes."""
        props = base
        parts = []
        found: list[etree._Element] = []
        for child in r:
            tag = child.tag
            if tag == T:
                parts.append(child.text or "")
            elif tag == RPR:
                props = self._run_format(child, base)
            elif tag in _RUN_CHARS:
                parts.append(_RUN_CHARS[tag])
            elif tag == _SYM:
                parts.append(_symbol(child))
            elif tag in _BOX_HOLDERS:
                _text_boxes(child, found)
        if props.hidden:
            return
        boxes.extend(found)
        if parts:
            emphasis = bool(props.bold or props.underline or props.highlight)
            out.append(Segment("".join(parts), bool(props.bold), emphasis, props.encoding))

    def _run_format(self, rpr: etree._Element, base: RunProps) -> RunProps:
        """Effective run formatting: paragraph base, then character style, then direct."""
        direct, char_style = read_rpr(rpr)
        if char_style:
            base = base.over(self.styles.resolve(char_style).props)
        return base.over(direct)

    def _count_chars(self, segments: list[Segment]) -> None:
        """Refuse a document whose text runs past the size limit."""
        self._chars += sum(len(s.text) for s in segments)
        if self._chars > DEFAULT_LIMITS.chars:
            raise refuse(self.path, "too-long")

    def _convert_legacy(self, segments: list[Segment]) -> None:
        """Convert runs in TCVN3/VNI fonts to Unicode and note that it happened."""
        _merge_vni_marks(segments)
        for seg in segments:
            if seg.encoding:
                converted = to_unicode(seg.text, seg.encoding)
                if converted != seg.text:
                    self.notes.add("legacy-font:" + ("VNI" if seg.encoding == "VNI" else "TCVN3"))
                    seg.text = converted


def _deleted_row(tr: etree._Element) -> bool:
    """Whether a table row is a tracked deletion."""
    trpr = tr.find(TRPR)
    return trpr is not None and trpr.find(_w("del")) is not None


def _continues_merge(tcpr: etree._Element | None) -> bool:
    """Whether a cell continues a vertical (or legacy horizontal) merge."""
    if tcpr is None:
        return False
    for name in ("vMerge", "hMerge"):
        el = tcpr.find(_w(name))
        if el is not None and el.get(W_VAL, "continue") == "continue":
            return True
    return False


# --- entry point ---------------------------------------------------------------

def read_docx(data: bytes, path: str) -> Document:
    """Read a .docx (or .docm, Strict OOXML included) held in ``data``."""
    package = Package(data, path)
    main = package.main_part()
    root = package.xml(main)
    if root is None or root.tag != _w("document"):
        raise refuse(path, "no-document")
    rels = package.relations(main)
    styles = Styles(package.xml(rels.get("/styles")))
    reader = BodyReader(styles, Numbering(lambda: package.xml(rels.get("/numbering")), styles), path)
    body = root.find(_w("body"))
    if body is not None:
        if sum(1 for _ in body.iter(P)) > DEFAULT_LIMITS.paragraphs:
            raise refuse(path, "too-long")
        reader.blocks(body)
    return Document(path=path, paragraphs=tuple(reader.paragraphs), source_format="docx",
                    notes=tuple(sorted(reader.notes)))
