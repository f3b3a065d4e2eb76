"""Facts the content and balance rules share: items of a section, cue look-ups, concreteness."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..annotate import has_phrase, has_time, lexicon, split_sentences
from ..model import Analysis
from ..text.normalize import count_words, fold

_LEADING_LABEL = re.compile(r"^\s*(?:[-+*•●○▪■◦]|\(?[0-9]{1,2}[.)/]|\(?[a-zđ][.)/]|[IVX]{1,4}[.)/-])\s*", re.I)
_NUMBER = re.compile(r"\d")
_STOP_SYLL = frozenset("""
con chua khong co la va cua cac nhung mot so doi khi luc viec trong voi de duoc da se cho nay do vi khi
ban than toi chung han che khuyet diem yeu kem ton tai nguyen nhan khac phuc bien phap phuong huong tiep tuc
hon nua nang cao cong tac thuc hien nhiem vu tot hon can phai dam bao dung theo ve tai tu nhu thi ma
tap the chi bo dang vien nam moi cung rat van dang the nao hay nhieu it phan mot so
the a an and of to in for with on my our i we be was is are not have has will more
""".split())


@dataclass(frozen=True, slots=True)
class Item:
    paragraph: int
    text: str


def strip_label(text: str) -> str:
    return _LEADING_LABEL.sub("", text, count=1).strip()


def section_items(analysis: Analysis, sid: str) -> list[Item]:
    """The entries of a section: its paragraphs, or its sentences when it is one paragraph."""
    sec = analysis.sections.get(sid)
    if sec is None:
        return []
    paras = [(i, analysis.para_body(i)) for i in sec.body]
    paras = [(i, strip_label(t)) for i, t in paras if t and count_words(t) >= 1]
    if sid != "header" and len(paras) == 1:
        i, t = paras[0]
        return [Item(i, t[a:b]) for a, b in split_sentences(t)]
    return [Item(i, t) for i, t in paras]


def section_fold(analysis: Analysis, sid: str) -> str:
    return fold(analysis.section_text(sid))


def content_syllables(text: str) -> set[str]:
    return {t for t in re.findall(r"\w+", fold(text)) if len(t) > 1 and t not in _STOP_SYLL and not t.isdigit()}


def overlap(a: str, b: str) -> float:
    """Share of ``a``'s content syllables that also occur in ``b``."""
    sa = content_syllables(a)
    if not sa:
        return 0.0
    return len(sa & content_syllables(b)) / len(sa)


def is_cause(text: str) -> bool:
    return has_phrase(fold(text), lexicon()["cause"]["markers"]) is not None


def is_subjective(text: str) -> bool:
    return has_phrase(fold(text), lexicon()["subjective"]["phrases"]) is not None


def is_objective(text: str) -> bool:
    return has_phrase(fold(text), lexicon()["objective"]["phrases"]) is not None


def is_concrete(text: str) -> bool:
    """A number, percentage, date, named output or award: a "concrete product"."""
    if _NUMBER.search(strip_label(text)):
        return True
    f = fold(text)
    lex = lexicon()["concrete"]
    return has_phrase(f, lex["phrases"]) is not None or has_phrase(f, lex["number_words"]) is not None or has_time(text)


def is_deadline(text: str) -> bool:
    return has_time(text)
