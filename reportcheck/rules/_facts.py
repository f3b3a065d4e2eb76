"""Facts the content and balance rules share: items of a section, cue look-ups, concreteness."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..annotate import has_phrase, has_time, lexicon, split_sentences
from ..model import Analysis
from ..text.normalize import count_words, fold, lower

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


def content_bigrams(text: str) -> set[str]:
    """Pairs of adjacent syllables that say what a sentence is about (generic pairs removed)."""
    toks = [t for t in re.findall(r"\w+", fold(text)) if not t.isdigit()]
    pairs = {f"{a} {b}" for a, b in zip(toks, toks[1:]) if a not in _STOP_SYLL or b not in _STOP_SYLL}
    return pairs - _generic_bigrams()


@lru_cache(maxsize=1)
def _generic_bigrams() -> frozenset[str]:
    return frozenset(lexicon()["remedy_link"]["generic_bigrams"])


def answers(limitation: str, remedies: str) -> bool:
    """Whether the remedies speak of what the limitation is about."""
    return bool(content_bigrams(limitation) & content_bigrams(remedies)) or overlap(limitation, remedies) >= 0.5


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
    lex = lexicon()["concrete"]
    f = fold(text)
    if has_phrase(f, lex["phrases"]) is not None or has_time(text):
        return True
    if _made_output(tuple(lex["made"]), tuple(lex["outputs"])).search(f):
        return True
    return _number_word_count(lower(text), tuple(lex["number_words"]), tuple(lex["count_nouns"]))


@lru_cache(maxsize=4)
def _made_output(made: tuple[str, ...], outputs: tuple[str, ...]) -> re.Pattern:
    verbs = "|".join(re.escape(v) for v in made)
    things = "|".join(re.escape(o) for o in outputs)
    return re.compile(rf"\b(?:{verbs})\s+(?:xong\s+|thanh cong\s+|moi\s+|duoc\s+)?(?:\w+\s+){{0,2}}(?:{things})\b")


def _number_word_count(text: str, numbers: tuple[str, ...], nouns: tuple[str, ...]) -> bool:
    """A number written in words before a counted noun ("mười hai hồ sơ", "ba lớp")."""
    pattern = _count_pattern(numbers, nouns)
    return pattern.search(text) is not None


@lru_cache(maxsize=4)
def _count_pattern(numbers: tuple[str, ...], nouns: tuple[str, ...]) -> re.Pattern:
    num = "|".join(re.escape(n) for n in sorted(numbers, key=len, reverse=True))
    noun = "|".join(re.escape(n) for n in sorted(nouns, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{num})(?:\s+(?:{num}))*\s+(?:{noun})(?!\w)")


def is_deadline(text: str) -> bool:
    return has_time(text)
