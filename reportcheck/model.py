"""Core data types shared by every stage of the pipeline.

read (docx/txt/md) -> ``Document`` (paragraphs, normalised text)
segment            -> ``Section`` spans keyed by section id
annotate           -> ``Sentence`` list with roles
rules              -> ``Finding`` list
scores / emitters  -> ``Result``

Every type is a frozen dataclass: a stage never mutates what an earlier
stage produced, it returns new values. Paragraph indices are 0-based and
count every paragraph in body order, table cells included (row by row,
cell by cell), so that a finding can be anchored back into the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "info"]
Rating = Literal["excellent", "good", "complete", "not_complete"]
SEVERITY_ORDER = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph as read from the file.

    ``text`` is normalised (see :mod:`reportcheck.text.normalize`) and does NOT
    include a Word automatic-numbering label; that label is in ``label``
    ("I.", "1.", "a)") when Word produced it through ``w:numPr``.
    ``raw`` is the text before normalisation (legacy fonts already converted).
    """

    index: int
    text: str
    raw: str = ""
    label: str | None = None  # automatic numbering label recovered from numbering.xml
    style: str | None = None  # paragraph style name, e.g. "Heading 1", "Normal"
    level: int | None = None  # heading/outline level from style or w:outlineLvl (1 = top)
    bold: bool = False  # every visible character is bold
    emphasized: tuple[str, ...] = ()  # normalised text of bold/underlined/highlighted runs (when not all bold)
    lead_bold: str | None = None  # normalised text of a bold run that opens the paragraph ("1. Hạn chế:" then plain text)
    in_table: bool = False
    table_cell: tuple[int, int, int] | None = None  # (table no., row, column) when in_table
    list_item: bool = False  # a bulleted/numbered list paragraph (numPr present)

    @property
    def display(self) -> str:
        """Text as the reader sees it in Word, numbering label included."""
        return f"{self.label} {self.text}" if self.label else self.text


@dataclass(frozen=True, slots=True)
class Document:
    """A report as read from disk, before any analysis."""

    path: str
    paragraphs: tuple[Paragraph, ...]
    source_format: Literal["docx", "txt", "md"] = "docx"
    notes: tuple[str, ...] = ()  # reader notes, e.g. "legacy-font:TCVN3"

    @property
    def text(self) -> str:
        return "\n".join(p.display for p in self.paragraphs)


@dataclass(frozen=True, slots=True)
class Section:
    """A recognised part of the report.

    ``id`` is one of the section ids of the output contract. ``first``/``last``
    are paragraph indices (inclusive) of the part, heading included.
    ``heading`` is the heading text as found, None when the part was
    recognised from its content rather than from a heading.
    """

    id: str
    present: bool
    heading: str | None = None
    first: int | None = None
    last: int | None = None
    words: int = 0
    node: str | None = None  # rubric node that matched, e.g. "I.1"
    matched_by: Literal["heading", "combined", "content", "none"] = "none"
    body: tuple[int, ...] = ()  # paragraph indices holding the part's own text


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the body text with its position and role."""

    paragraph: int
    start: int  # character offsets into Paragraph.text
    end: int
    text: str
    section: str | None  # innermost section id
    role: str = "other"  # achievement / shortcoming / cause / remedy / other


@dataclass(frozen=True, slots=True)
class Msg:
    """A message in both languages; emitters pick one."""

    vi: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    rule: str
    severity: Severity
    message: Msg
    section: str | None = None
    paragraph: int | None = None
    evidence: str | None = None
    suggestion: Msg | None = None
    extra: tuple[tuple[str, object], ...] = ()  # rule-specific data, kept JSON-serialisable

    def sort_key(self) -> tuple:
        return (self.paragraph if self.paragraph is not None else -1, self.code, self.evidence or "")


@dataclass(frozen=True, slots=True)
class SelfRating:
    party: Rating | None = None
    civil_servant: Rating | None = None
    points: float | None = None  # 2025 forms: self-scored points out of 100
    paragraph: int | None = None  # where the rating was read


@dataclass(slots=True)
class Analysis:
    """Everything the rules may read about one report."""

    document: Document
    language: Literal["vi", "en"] = "vi"
    form: str = "unknown"  # 2019 / 2023 / 2025 / legacy / unknown
    kind: str = "unknown"  # member / leader / collective / unknown
    form_evidence: str | None = None
    year: int | None = None
    member: str | None = None  # "Họ và tên" from the header, when present
    unit: str | None = None  # "Chi bộ ..." / "Đơn vị công tác"
    parent_unit: str | None = None  # the "Đảng bộ …" above the cell in the letterhead (cells' names repeat across communes)
    sections: dict[str, Section] = field(default_factory=dict)
    paragraph_section: dict[int, str] = field(default_factory=dict)  # paragraph -> innermost section id
    headings: dict[int, str] = field(default_factory=dict)  # heading paragraph -> rubric node key
    heading_text: dict[int, str] = field(default_factory=dict)  # heading paragraph -> heading as written
    heading_rest: dict[int, str] = field(default_factory=dict)  # heading paragraph -> text after the heading
    rating: SelfRating = field(default_factory=SelfRating)
    sentences: list[Sentence] = field(default_factory=list)
    rubric: object | None = None  # reportcheck.rubric.Rubric in use
    component_scores: dict[str, float] = field(default_factory=dict)  # added by content analysis
    balance: dict[str, float] | None = None  # {"achievements": share, "shortcomings": share}

    def para_body(self, index: int) -> str:
        """A paragraph's own text: for a heading paragraph, only what follows the heading."""
        if index in self.headings:
            return self.heading_rest.get(index, "")
        return self.document.paragraphs[index].text

    def section_paragraphs(self, section_id: str) -> list[Paragraph]:
        sec = self.sections.get(section_id)
        if not sec or not sec.present:
            return []
        paras = self.document.paragraphs
        return [paras[i] for i in sec.body]

    def section_text(self, section_id: str) -> str:
        return "\n".join(self.para_body(p.index) for p in self.section_paragraphs(section_id))
