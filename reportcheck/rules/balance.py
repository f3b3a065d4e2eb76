"""RC4xx: balance of praise and criticism, and a self-rating the text can support."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..annotate import has_phrase, lexicon
from ..model import Analysis, Finding
from ..registry import Context, label, rule
from ..text.normalize import count_words, fold
from ._facts import is_concrete, section_items

_RANK = {"not_complete": 0, "complete": 1, "good": 2, "excellent": 3}


def balance(analysis: Analysis) -> dict[str, float] | None:
    """Word shares of achievement vs shortcoming (+cause) sentences, None when too little text."""
    ach = sum(count_words(s.text) for s in analysis.sentences if s.role == "achievement")
    short = sum(count_words(s.text) for s in analysis.sentences if s.role in ("shortcoming", "cause"))
    if ach + short == 0:
        return None
    return {"achievements": round(ach / (ach + short), 3), "shortcomings": round(short / (ach + short), 3)}


@rule("RC401")
def achievement_heavy(analysis: Analysis, ctx: Context) -> Iterator[Finding]:
    b = analysis.balance
    if b is None:
        return
    total = sum(count_words(s.text) for s in analysis.sentences if s.role in ("achievement", "shortcoming", "cause"))
    if total < ctx.thresholds.get("balance_min_words", 150):
        return
    limit = ctx.thresholds.get("achievement_heavy_share", 0.85)
    if b["achievements"] >= limit:
        sec = analysis.sections.get("limitations")
        yield ctx.finding(
            "RC401", section="limitations", paragraph=sec.first if sec else None,
            ach=round(100 * b["achievements"]), short=round(100 * b["shortcomings"]),
        )


def _this_year(analysis: Analysis, text_fold: str) -> bool:
    """False when the sentence places itself in another year than the one reviewed."""
    years = set(re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", text_fold))
    if years:
        return analysis.year is None or str(analysis.year) in years
    return not has_phrase(text_fold, lexicon()["discipline"]["earlier"])


def _mentions(analysis: Analysis, key: str) -> list[tuple[int, str]]:
    """Sentences that mention a cue of ``key`` for the year reviewed, not negated."""
    lex = lexicon()
    out = []
    for s in analysis.sentences:
        if s.section in ("prior_remediation", "remedies"):
            continue
        f = fold(s.text)
        if not has_phrase(f, lex[key]["phrases"]) or has_phrase(f, lex["discipline"]["negations"]):
            continue
        if _this_year(analysis, f):
            out.append((s.paragraph, s.text))
    return out


_MONTHS_RE = re.compile(r"(\d{1,2}|mot|hai|ba|bon|tu|nam|sau|bay|tam|chin|muoi)\s*(thang|months?)")
_WORD_NUM = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10}


_DATE_RANGE_RE = re.compile(
    r"(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*((?:19|20)\d\d))?\D{1,25}?(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*((?:19|20)\d\d))?"
)


def _range_months(text: str) -> float:
    """Length in months of a "từ 05/02/2024 đến 20/5/2024" style range, 0 when none."""
    import datetime as dt

    best = 0.0
    for m in _DATE_RANGE_RE.finditer(text):
        d1, m1, y1, d2, m2, y2 = m.groups()
        y2 = int(y2 or y1 or 2000)
        y1 = int(y1 or y2)
        try:
            start, end = dt.date(y1, int(m1), int(d1)), dt.date(y2, int(m2), int(d2))
        except ValueError:
            continue
        if end > start:
            best = max(best, (end - start).days / 30.4)
    return best


_SPAN_RE = re.compile(r"(\d{1,3})\s*(tuan|weeks?|ngay|days?)\b")


def _sick_months(text: str) -> float:
    best = _range_months(text)
    for m in _SPAN_RE.finditer(fold(text)):
        per_month = 4.345 if m.group(2).startswith(("tuan", "week")) else 30.4
        best = max(best, int(m.group(1)) / per_month)
    for m in _MONTHS_RE.finditer(fold(text)):
        n = m.group(1)
        best = max(best, int(n) if n.isdigit() else _WORD_NUM.get(n, 0))
    return best


@rule("RC402")
def rating_inconsistent(analysis: Analysis, ctx: Context) -> Iterator[Finding]:
    r = analysis.rating
    ratings = [x for x in (r.party, r.civil_servant) if x]
    if not ratings:
        return
    high = max(ratings, key=_RANK.__getitem__)
    rated = {"vi": {"rating": label("rating", high, "vi")}, "en": {"rating": label("rating", high, "en")}}

    def finding(reason_vi: str, reason_en: str, paragraph=None, evidence=None, key=""):
        return ctx.finding(
            "RC402", section="self_rating", paragraph=paragraph, evidence=evidence,
            vi={**rated["vi"], "reason": reason_vi}, en={**rated["en"], "reason": reason_en}, extra={"case": key},
        )

    if _RANK[high] >= _RANK["good"]:
        hits = _mentions(analysis, "discipline")
        if hits:
            yield finding("bản kiểm điểm có nêu bị xử lý kỷ luật trong năm",
                          "the report admits a disciplinary measure this year", hits[0][0], hits[0][1], "discipline")
        for p, text in _mentions(analysis, "sick_leave"):
            if _sick_months(text) >= ctx.thresholds.get("sick_leave_months", 3):
                yield finding("nghỉ ốm từ 03 tháng trở lên trong năm", "sick leave of three months or more this year",
                              p, text, "sick_leave")
                break
        hits = _failed_targets(analysis, high)
        if hits:
            yield finding("có chỉ tiêu, nhiệm vụ trọng tâm không hoàn thành", "key targets were not met",
                          hits[0][0], hits[0][1], "failed_targets")
    if high == "excellent":
        sid = "targets" if analysis.kind == "collective" else "task_results"
        if analysis.sections.get(sid) and not any(is_concrete(it.text) for it in section_items(analysis, sid)):
            yield finding("xếp loại xuất sắc nhưng kết quả không có sản phẩm cụ thể",
                          "rated excellent without concrete products", None, None, "excellent_without_products")
    if r.party and r.civil_servant and _RANK[r.party] > _RANK[r.civil_servant]:
        yield finding("xếp loại đảng viên cao hơn xếp loại cán bộ, công chức, viên chức",
                      "the party rating is above the civil-servant rating", r.paragraph, None, "party_above_civil")


def _failed_targets(analysis: Analysis, rating: str) -> list[tuple[int, str]]:
    """Missed targets: any for "excellent" (100% of targets required), key ones for "good"."""
    lex = lexicon()
    out = []
    for paragraph, text in _mentions(analysis, "failed_targets"):
        if rating == "excellent" or has_phrase(fold(text), lex["failed_targets"]["key_target"]):
            out.append((paragraph, text))
    return out
