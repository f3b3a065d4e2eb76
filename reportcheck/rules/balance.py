"""RC4xx: balance of praise and criticism, and a self-rating the text can support."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from ..annotate import _any_of, has_phrase, lexicon, writer_words
from ..model import Analysis, Finding
from ..rating import POINT_BANDS  # QĐ 366: excellent from 90 points, good from 70, completed from 50
from ..registry import Context, label, rule
from ..text.normalize import count_words, fold, lower, phrase_pattern
from ._facts import is_concrete, section_items

_RANK = {"not_complete": 0, "complete": 1, "good": 2, "excellent": 3}


_PART_II = ("limitations", "causes")


def balance(analysis: Analysis) -> dict[str, float] | None:
    """Word shares of achievement vs shortcoming (+cause) sentences, None when too little text."""
    # in part II a sentence is a shortcoming or its cause whatever its wording ("… 37 học sinh không có thiết
    # bị; đến tháng 10 nhà trường đã …" reads like a result, but the writer put it among the limitations)
    ach = sum(count_words(s.text) for s in analysis.sentences
              if s.role == "achievement" and s.section not in _PART_II)
    short = sum(count_words(s.text) for s in analysis.sentences
                if s.role in ("shortcoming", "cause") or (s.section in _PART_II and s.role == "achievement"))
    if ach + short == 0:
        return None
    return {"achievements": round(ach / (ach + short), 3), "shortcomings": round(short / (ach + short), 3)}


@rule("RC401")
def achievement_heavy(analysis: Analysis, ctx: Context) -> Iterator[Finding]:
    """Achievements take most of the substance; or section II admits nothing while achievements fill the report."""
    from .content import _admitted_items, _token_shortcomings

    b = analysis.balance
    if b is None:
        return
    total = sum(count_words(s.text) for s in analysis.sentences if s.role in ("achievement", "shortcoming", "cause"))
    if total < ctx.thresholds["balance_min_words"]:
        return
    limits = _admitted_items(analysis)
    token = bool(limits) and _token_shortcomings(analysis, limits, ctx)  # (as RC201 reads part II)
    limit = ctx.thresholds["achievement_heavy_token_share" if token else "achievement_heavy_share"]
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
    texts = [(s.paragraph, s.text) for s in analysis.sentences if s.section not in ("prior_remediation", "remedies")]
    # a note above part I ("Ghi chú về thời gian công tác: trong năm tôi nghỉ ốm 4 tháng …") counts too
    first_part = min((i for i in analysis.headings), default=0)
    texts += [(p.index, p.text) for p in analysis.document.paragraphs[:first_part]
              if analysis.paragraph_section.get(p.index) in (None, "header") and count_words(p.text) >= 8]
    out = []
    for paragraph, text in sorted(texts):
        f = fold(text)
        if not has_phrase(f, lex[key]["phrases"]) or has_phrase(f, lex["discipline"]["negations"]):
            continue
        if _this_year(analysis, f):
            out.append((paragraph, text))
    return out


_MONTHS_RE = re.compile(
    r"(?<!\w)(\d{1,2}|một|hai|ba|bốn|tư|năm|sáu|bảy|tám|chín|mười|one|two|three|four|five|six|seven|eight|nine|ten)"
    r"\s*(?:tháng|months?)(?!\w)"
)
_WORD_NUM = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10,
             "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


_DATE_RANGE_RE = re.compile(
    r"(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*((?:19|20)\d\d))?\D{1,25}?(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*((?:19|20)\d\d))?"
)


# "Từ ngày 05/4/2022 tôi phải mổ …, nghỉ điều trị … đến hết ngày 31/7/2022": the two ends far apart in one clause
_VI_RANGE_RE = re.compile(
    r"\btừ\s+(?:ngày\s+)?(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*((?:19|20)\d\d))?[^.;]{0,200}?"
    r"\b(?:đến|tới)\s+(?:hết\s+)?(?:ngày\s+)?(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*((?:19|20)\d\d))?"
)
_VI_MONTH_RANGE_RE = re.compile(r"\btừ\s+tháng\s+(\d{1,2})\s+(?:đến|tới)\s+(?:hết\s+)?tháng\s+(\d{1,2})(?!\d)")


_MONTH_NAMES = ("january february march april may june july august september october november december").split()
_EN_RANGE_RE = re.compile(
    r"(\d{1,2})?\s*(" + "|".join(_MONTH_NAMES) + r")\s*(\d{1,2})?,?\s*((?:19|20)\d\d)?\s*(?:to|until|till|-|through)\s*"
    r"(\d{1,2})?\s*(" + "|".join(_MONTH_NAMES) + r")\s*(\d{1,2})?,?\s*((?:19|20)\d\d)?"
)


def _range_months(text: str) -> float:
    """Length in months of a "từ 05/02/2024 đến 20/5/2024" or "from 1 March to 30 June" range, 0 when none."""
    import datetime as dt

    best = 0.0
    for m in _EN_RANGE_RE.finditer(text.lower()):
        d1a, mo1, d1b, y1, d2a, mo2, d2b, y2 = m.groups()
        y = int(y2 or y1 or 2000)
        try:
            start = dt.date(int(y1 or y), _MONTH_NAMES.index(mo1) + 1, int(d1a or d1b or 1))
            end = dt.date(y, _MONTH_NAMES.index(mo2) + 1, int(d2a or d2b or 28))
        except ValueError:
            continue
        if end > start:
            best = max(best, _calendar_months(start, end))
    # (and from a date to the day the writer came back: "ngày 18/7 … nhiễm COVID-19; ngày 25/10 trở lại công tác")
    for m in [*_DATE_RANGE_RE.finditer(text), *_VI_RANGE_RE.finditer(lower(text)), *_returned().finditer(fold(text))]:
        d1, m1, y1, d2, m2, y2 = m.groups()
        y2 = int(y2 or y1 or 2000)
        y1 = int(y1 or y2)
        try:
            start, end = dt.date(y1, int(m1), int(d1)), dt.date(y2, int(m2), int(d2))
        except ValueError:
            continue
        if end > start:
            best = max(best, _calendar_months(start, end))
    for m in _VI_MONTH_RANGE_RE.finditer(lower(text)):
        best = max(best, int(m.group(2)) - int(m.group(1)))  # "từ tháng 4 đến tháng 7": at least 3 months
    return best


def _calendar_months(start, end) -> float:
    """Months from the first day of leave to the last, both days counted: 07/3 to 06/6 is three months (the
    days alone, 91 of them, would fall just short of 3 × 30.4)."""
    import calendar
    import datetime as dt

    after = end + dt.timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if after.day < start.day:
        months -= 1
    y, m = divmod(start.month - 1 + months, 12)
    anchor = dt.date(start.year + y, m + 1, min(start.day, calendar.monthrange(start.year + y, m + 1)[1]))
    return months + max(0, (after - anchor).days) / 30.4


@lru_cache(maxsize=1)
def _returned() -> re.Pattern:
    """A date, then in the same sentence the date the writer came back to work (cues.toml sick_leave.returned):
    "Ngày 18/7/2021 bản thân nhiễm COVID-19 …; ngày 25/10/2021 trở lại công tác" is the leave's two ends."""
    back = "|".join(re.escape(w) for w in lexicon()["sick_leave"]["returned"])
    date = r"(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*((?:19|20)\d\d))?"
    return re.compile(rf"(?<![\d/]){date}[^.!?]{{0,300}}?(?<![\d/]){date}(?![\d/])[^.!?\d]{{0,25}}?\b(?:{back})\b")


_UNITS = {"một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "sáu": 6, "bảy": 7, "tám": 8,
          "chín": 9, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "twenty": 20}
_NUMBER_WORDS = r"(?:\d{1,3}|(?:(?:một|hai|ba|bốn|tư|năm|sáu|bảy|tám|chín|mười|mươi|mốt|lăm|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|twenty)\s*)+)"
_SPAN_RE = re.compile(rf"(?<!\w)({_NUMBER_WORDS})\s*(tuần|weeks?|ngày|days?|quý|quarters?)(?!\w)")


def _number(words: str) -> int:
    """12, "mười bốn" (14), "hai mươi mốt" (21), "twelve": the value of a small number."""
    words = words.strip()
    if words.isdigit():
        return int(words)
    total, current = 0, 0
    for w in words.split():
        if w == "mười":
            current += 10
        elif w == "mươi":
            current = (current or 1) * 10
        else:
            current += _UNITS.get(w, 0)
    return total + current


def _sick_months(text: str) -> float:
    best = _range_months(text)
    low = lower(text)
    for m in _SPAN_RE.finditer(low):
        unit = m.group(2)
        per_month = 4.345 if unit.startswith(("tuần", "week")) else 1 / 3 if unit.startswith(("quý", "quarter")) else 30.4
        best = max(best, _below(low, m.start(), _number(m.group(1)) / per_month))
    for m in _MONTHS_RE.finditer(low):
        n = m.group(1)
        best = max(best, _below(low, m.start(), int(n) if n.isdigit() else _WORD_NUM.get(n, 0)))
    return best


@lru_cache(maxsize=1)
def _below_re() -> re.Pattern:
    words = "|".join(re.escape(w) for w in sorted(lexicon()["sick_leave"]["below"], key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{words})\s*$")


def _below(low: str, start: int, months: float) -> float:
    """An amount said to fall short ("82 ngày (gần 03 tháng)", "chưa đến 3 tháng", "just under three months") is
    less than itself: HD 21 counts three months or more."""
    return months - 0.01 if _below_re().search(fold(low[max(0, start - 20):start])) else months


def _leave_months(text: str) -> float:
    """The longest leave a sentence gives, read in the clauses that speak of leave: in "giá thép tăng mạnh 6 tháng
    đầu năm …; thời gian nghỉ điều trị bệnh dài nên …" the six months are the prices', not the leave's."""
    phrases = lexicon()["sick_leave"]["phrases"]
    clauses = [c for c in text.split(";") if has_phrase(fold(c), phrases)] or [text]
    # (dates name their own span, across clauses too: "ngày 18/7 … nhiễm COVID-19 …; ngày 25/10 trở lại công tác")
    return max(_range_months(text), *(_sick_months(c) for c in clauses))


def _own_illness(text: str) -> bool:
    """Leave the writer took: "nghỉ ốm" says so by itself; "điều trị", "nằm viện", "hospital" only when the
    sentence is about the writer ("tôi nằm viện điều trị 4 tháng"), not about patients ("41 người bỏ điều trị
    quá 3 tháng")."""
    lex = lexicon()["sick_leave"]
    f = fold(text)
    if has_phrase(f, lex["leave"]):
        return True
    return _me_words().search(f) is not None and has_phrase(f, lex["others"]) is None


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
        measures = _mentions(analysis, "discipline")
        hits = [h for h in measures if _falls_on_writer(analysis, h[1])]
        if hits:
            yield finding("bản kiểm điểm có nêu bị xử lý kỷ luật trong năm",
                          "the report admits a disciplinary measure this year", hits[0][0], hits[0][1], "discipline")
        elif measures and high == "excellent" and analysis.kind == "collective" and analysis.form == "2025":
            # QĐ 366 (2025): a collective rated excellent has no organisation or member disciplined in the year —
            # an ordinary member's measure too (QĐ 124 barred only its leadership's)
            yield finding("tập thể tự xếp loại xuất sắc nhưng trong năm có đảng viên bị xử lý kỷ luật",
                          "a member was disciplined this year, which rules out excellent for a collective",
                          measures[0][0], measures[0][1], "member_discipline")
        # HD 21's sick-leave rule is about a person: not a collective's, and not the patients a doctor treats
        for p, text in (_mentions(analysis, "sick_leave") if analysis.kind != "collective" else ()):
            if _leave_months(text) >= ctx.thresholds["sick_leave_months"] and _own_illness(text):
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
    band = _points_band(analysis)
    if band is not None and _RANK[high] > _RANK[band]:
        yield finding(f"tổng điểm tự chấm {r.points:g}/100 chỉ ứng với mức \"{label('rating', band, 'vi')}\"",
                      f"the self-scored {r.points:g}/100 only reaches \"{label('rating', band, 'en')}\"",
                      r.paragraph, None, "points_band")
    if r.party and r.civil_servant and _RANK[r.party] > _RANK[r.civil_servant]:
        yield finding("xếp loại đảng viên cao hơn xếp loại cán bộ, công chức, viên chức",
                      "the party rating is above the civil-servant rating", r.paragraph, None, "party_above_civil")




def _points_band(analysis: Analysis) -> str | None:
    """The highest level the self-scored points allow, for reports under the 2025 scale."""
    points = analysis.rating.points
    if points is None or analysis.form != "2025":
        return None
    return next(level for floor, level in POINT_BANDS if points >= floor)


@lru_cache(maxsize=1)
def _on_me() -> re.Pattern:
    """A measure named as falling on the writer: "Đảng ủy … khiển trách đối với tôi", "… gave me a reprimand"."""
    me = writer_words(bound=True)
    return re.compile(rf"\bdoi voi (?:{me})\b|\b(?:khien trach|canh cao|ky luat|cach chuc) (?:{me})\b"
                      r"|\bagainst me\b|\bme a (?:reprimand|warning)")
# "có 1 vận động viên …", "một chiến sĩ …": a counted person is someone else
# … or a person named by an initial ("đồng chí H. đã bị Giám đốc kỷ luật khiển trách")
_SOMEONE = re.compile(r"\b(?:mot|hai|ba|01|02|\d)\s+(?!thang|nam|ngay|lan|ky|tuan|gio|dot|vu)[a-z]{2,}\s+[a-z]{2,}"
                      r"|\b(?:dong chi|d/c|ong|ba|anh|chi|em|co|thay|chu|bac|cau)\s+[a-z]\b(?!/)")
# the full stop of a name's initial ("Nguyễn Thị H.") does not end a clause
_INITIAL_DOT = re.compile(r"(?<![\w/])([a-z])\.(?=\s)")


def _falls_on_writer(analysis: Analysis, text: str) -> bool:
    """The measure falls on whoever the rating is about.

    An individual: the writer's own measure, not one the writer imposed or a subordinate's
    ("một chiến sĩ … bị kỷ luật khiển trách"). A collective (QĐ 124 Art. 12; HD 21): its leadership
    or an organisation under it, not ordinary members it disciplined in its inspection work
    ("thi hành kỷ luật 2 đảng viên")."""
    lex = lexicon()["discipline"]
    f = fold(text)
    if analysis.kind == "collective":
        # "Ban Thường vụ … thi hành kỷ luật khiển trách 1 đảng viên": the leadership named as the one who
        # imposes the measure is not the one it falls on — only what follows the imposing verb says on whom
        imposing = _IMPOSING.search(f)
        if imposing and _PASSIVE_BEFORE.search(f[max(0, imposing.start() - 60): imposing.start()]):
            imposing = None  # "… bị Ủy ban Kiểm tra Huyện ủy thi hành kỷ luật": undergone, not imposed
        # ("… 1 đảng viên (đảng viên, không phải cấp ủy viên)": a post the writer denies names no one)
        # the one it falls on is named in the imposing verb's own clause: "… phải xử lý kỷ luật 2 đảng viên;
        # công tác kiểm tra của cấp ủy cơ sở chưa phát hiện sớm" names the committee in the next clause
        named = _NOT_A.sub(" ", re.split(r"[;.]", f[imposing.end():], maxsplit=1)[0] if imposing else f)
        if has_phrase(named, lex["collective_leadership"]):
            return True
        if imposing:
            return False  # imposed on someone who is not its leadership ("… disciplined 3 of their own staff")
        # a measure the collective imposed ("Đảng ủy thi hành kỷ luật khiển trách đối với đồng chí …") falls on
        # someone it disciplined, not on itself, unless that someone is named as one of its leadership
        return not (has_phrase(f, lex["ordinary_members"]) or has_phrase(f, lex["others"]) or has_phrase(f, lex["imposed"]))
    if _on_me().search(f):
        return True  # "Đảng ủy Sở thi hành kỷ luật khiển trách đối với tôi"
    if has_phrase(f, lex["imposed"]):
        return False
    # the clause that states the measure says on whom it falls ("Một thư ký do tôi phụ trách làm thất lạc
    # biên bản; đồng chí này bị khiển trách" is about the clerk), and its subject is what comes before the
    # measure: "nhân viên trực ca bị kỷ luật khiển trách, tôi nhận trách nhiệm …" is the clerk's measure
    clause = next((c for c in re.split(r"[;.]", _INITIAL_DOT.sub(r"\1", f)) if has_phrase(c, lex["phrases"])), f)
    m = phrase_pattern(tuple(lex["phrases"])).search(clause)
    subject = clause[: m.start()] if m else clause
    # the subject nearest the measure: after the writer's last mention ("Chi bộ gợi ý tôi làm rõ trách nhiệm
    # liên quan đến việc đồng chí công chức Tư pháp bị khiển trách" — the clerk's measure, not the writer's)
    last_me = None
    for last_me in _me_words().finditer(subject):
        pass
    nearest = subject[last_me.end():] if last_me else subject
    if has_phrase(nearest, lex["others"]) or _SOMEONE.search(nearest):
        return False  # someone else's measure, and the writer is not its subject
    if _me_words().search(subject) and _UNDERGONE.search(clause):
        return True  # "tôi … đã được Chi bộ thi hành kỷ luật bằng hình thức khiển trách"
    return has_phrase(f + " ", lex["self_markers"]) is not None


@lru_cache(maxsize=1)
def _me_words() -> re.Pattern:
    """The writer named, Vietnamese or English (cues.toml ``[writer]``), at word boundaries."""
    words = lexicon()["writer"]
    return phrase_pattern(tuple(sorted({*words["vi"], *words["en"]})))


_NOT_A = re.compile(r"\b(?:khong phai|khong la|chua phai|not an?|not the)(?:\s+[a-z]+){1,3}")
# the writer as the subject of a measure undergone: "được/bị <agent> thi hành kỷ luật"
_UNDERGONE = re.compile(r"\b(?:bi|duoc)\s+(?:\w+\s+){0,4}?(?:thi hanh ky luat|xu ly ky luat|ky luat|khien trach|canh cao)\b")


# "4/10 nhiệm vụ trọng tâm" — but not "2/7 nhiệm vụ vượt yêu cầu" (those exceeded, the rest were done)
# the collective (or its leadership) imposing a measure, not undergoing one ("bị thi hành kỷ luật" is undergoing it)
_IMPOSING = re.compile(r"\b(?:thi hanh ky luat|xu ly ky luat|ky luat khien trach|ky luat canh cao"
                       r"|disciplined|reprimanded)\b")
_PASSIVE_BEFORE = re.compile(r"\bbi\b[^,;.]*$|\b(?:was|were|been|be|being|is|are|got|get)\s+(?:\w+ly\s+)?$")


_RATIO_RE = re.compile(r"\b(\d{1,3})\s*/\s*(\d{1,3})\s+(?:chi tieu|nhiem vu|muc tieu|targets?|tasks?)"
                       r"(?!\s+(?:\w+\s+){0,2}(?:vuot|xuat sac|hoan thanh xuat sac|exceed|ahead of))")
# "đạt 58,4% (kế hoạch | dự toán | chỉ tiêu)", "bằng 64% kế hoạch vốn", "achieved 81% of the plan"
_PERCENT_RE = re.compile(
    r"\b(?:dat|chi dat|moi dat|bang|chi bang|achieved|reached|only)\s+(\d{1,3}(?:[.,]\d+)?)\s*%\s*(?:so voi\s+|cua\s+|of\s+(?:the\s+)?)?"
    r"(?:ke hoach|du toan|chi tieu|muc tieu|nghi quyet|plan|target|budget)"
)

# "Tỷ lệ nợ xấu: 3,12% (chỉ tiêu giao: dưới 1,5%)", "tỷ lệ tiêm chủng 91% (kế hoạch: ít nhất 95%)": a result beside
# its target with a bound; only an explicit bound says which side is missed (a lower debt ratio is better)
_CEILING = ("duoi", "khong qua", "khong vuot qua", "toi da", "<=", "≤", "<", "below", "under", "at most", "max", "maximum")
_AGAINST_TARGET_RE = re.compile(
    r"(?P<actual>\d{1,3}(?:[.,]\d+)?)\s*%\s*\(\s*(?:chi tieu|ke hoach|muc tieu|kh|target|plan)"
    r"(?:\s+(?:duoc giao|giao|de ra|assigned|set))?\s*(?::|la|is)?\s*"
    r"(?P<bound>duoi|khong vuot qua|khong qua|toi da|<=|≤|<|tren|toi thieu|it nhat|>=|≥|>|below|under|at most|maximum|max"
    r"|above|over|at least|minimum|min)\s*(?P<target>\d{1,3}(?:[.,]\d+)?)\s*%")


def _against_target(f: str) -> bool:
    """A result on the wrong side of its bounded target ("3,12% (chỉ tiêu giao: dưới 1,5%)")."""
    for m in _AGAINST_TARGET_RE.finditer(f):
        actual, target = float(m.group("actual").replace(",", ".")), float(m.group("target").replace(",", "."))
        if (actual > target) if m.group("bound") in _CEILING else (actual < target):
            return True
    return False


# "2/19 chỉ tiêu không đạt": the count is of the targets missed, not of those met
_MISSED_AFTER = re.compile(r"(?:\s+[a-z]+){0,3}?\s*(?:\([^)]*\)\s*)?(?:khong|chua)\s+(?:dat|hoan thanh)\b"
                           r"|(?:\s+[a-z]+){0,3}?\s+(?:were\s+|was\s+)?(?:not|missed|unmet)\b")


# "6/14 chỉ tiêu (43%) vượt mức kế hoạch", "5 of 9 targets exceeded": the count is of those beyond the plan
_EXCEEDED_AFTER = re.compile(r"(?:\s+[a-z]+){0,3}?\s*(?:\([^)]*\)\s*)?(?:vuot|exceed)")


# "Trong 14 chỉ tiêu chủ yếu năm 2020, đạt và vượt 12 chỉ tiêu", "of the 9 targets, 7 were met": (total, met)
_COUNT_OF_RE = re.compile(r"\b(?:trong|tren|trong tong so)\s+(?P<total>\d{1,3})\s+(?:chi tieu|nhiem vu|muc tieu)[^.;:]{0,40}?"
                          r"[,:]?\s*(?:da\s+)?(?:dat|hoan thanh)(?:\s+va\s+vuot|\s+vuot)?\s+(?P<met>\d{1,3})\b"
                          r"|\bof the\s+(?P<total_en>\d{1,3})\s+(?:key\s+|main\s+)?(?:targets?|tasks?)[^.;:]{0,40}?"
                          r"(?P<met_en>\d{1,3})\s+(?:were\s+|was\s+)?(?:met|achieved|completed)\b")
# "Không đạt 2/11 chỉ tiêu phường giao": the count after "không đạt" is of those missed
_MISSED_BEFORE = re.compile(r"\b(?:khong|chua)\s+(?:dat|hoan thanh)\s*:?\s*$|\b(?:missed|failed to meet|did not meet)\s+$")


def _achieved(m: re.Match, f: str) -> tuple[int, int]:
    """(met, total) of a "4/10 nhiệm vụ" ratio: the count after "không đạt" is of those missed."""
    a, b = int(m.group(1)), int(m.group(2))
    if _EXCEEDED_AFTER.match(f, m.end()):
        return b, b  # "6/14 chỉ tiêu (43%) vượt mức kế hoạch": those beyond the plan, the rest not said missed
    missed = _MISSED_AFTER.match(f, m.end()) or _MISSED_BEFORE.search(f, max(0, m.start() - 25), m.start())
    return (b - a, b) if missed else (a, b)


def _failed_targets(analysis: Analysis, rating: str) -> list[tuple[int, str]]:
    """Missed targets: any for "excellent" (100% of targets required), key ones for "good".

    Found by cue phrases, by "chỉ tiêu … không đạt" with words in between, or by a
    completion ratio such as "4/10 nhiệm vụ trọng tâm" (below one half is always key: QĐ 124 Art. 12.4).
    """
    lex = lexicon()["failed_targets"]
    patterns = lex.setdefault("_patterns", [re.compile(p) for p in lex["patterns"]])
    # one search for all of them, at a shared word boundary (2 searches of ~4 us a sentence before)
    any_pattern = lex.setdefault("_any", _any_of(lex["patterns"]))
    out = []
    for s in analysis.sentences:
        if s.section in ("prior_remediation", "remedies"):
            continue
        if s.section == "collective_responsibility" and analysis.kind == "member":
            continue  # part V of a member's report: the collective's targets, not the member's own (a leader's
            # unit's targets are the leader's results: QĐ 124 Art. 12 rates a leader by the unit's)
        f = fold(s.text)
        # (a ratio needs its "/", a percentage its "%": without them the patterns find nothing)
        ratio = [_achieved(m, f) for m in _RATIO_RE.finditer(f)] if "/" in f else []
        # "Trong 14 chỉ tiêu chủ yếu, đạt và vượt 12 chỉ tiêu": the same count written out
        ratio += [(int(m.group("met") or m.group("met_en")), int(m.group("total") or m.group("total_en")))
                  for m in _COUNT_OF_RE.finditer(f)]
        ratio = [(a, b) for a, b in ratio if 0 < b and a < b]
        percents = [float(p.replace(",", ".")) for p in _PERCENT_RE.findall(f)] if "%" in f else []
        # fewer than half of the targets (a count: "4/10 nhiệm vụ trọng tâm") is always key; one plan
        # item at 40% is a missed target, key or not
        below_half = any(a / b < 0.5 for a, b in ratio)
        by_number = below_half or any(p < 100 for p in percents) or ("%" in f and _against_target(f))
        by_words = (has_phrase(f, lex["phrases"]) or (any(p.search(f) for p in patterns) if any_pattern is None
                                                      else any_pattern.search(f) is not None)) and not has_phrase(
            f, lexicon()["discipline"]["negations"])
        if not (by_number or by_words) or not _this_year(analysis, f):
            continue
        if by_words and not by_number and (has_phrase(f, lex["self_study"]) or has_phrase(f, lex["own_goals"])):
            continue  # "Việc tự học ngoại ngữ chưa đạt kế hoạch", "mục tiêu tự đặt thêm … chưa đạt": the writer's
            # own plan, not a target assigned
        if rating != "excellent" and ratio and not below_half:
            continue  # "hoàn thành 14/16 nhiệm vụ trọng tâm": most of the key tasks done (QĐ 124 Art. 12: fewer than half)
        if rating == "excellent" or below_half or has_phrase(f, lex["key_target"]):
            out.append((s.paragraph, s.text))
    for at, row, percent in _plan_table_rows(analysis):
        if percent < 100 and (rating == "excellent" or has_phrase(fold(row), lex["key_target"])):
            out.append((at, row))
    return out


# the column of a plan/actual table that gives each target's completion: "% of plan", "Tỷ lệ % so với KH",
# "So với kế hoạch (%)", "% KH"
_PLAN_SHARE_HEAD = re.compile(r"%.{0,20}\b(?:ke hoach|kh|chi tieu|nghi quyet|plan|target)\b"
                              r"|\b(?:ke hoach|kh|chi tieu|plan|target)\b.{0,12}\(?%")
_CELL_PERCENT = re.compile(r"^\s*(\d{1,3}(?:[.,]\d+)?)\s*%?\s*$")


def _plan_table_rows(analysis: Analysis) -> list[tuple[int, str, float]]:
    """Rows of a plan/actual table with a completion column ("Indicator | Plan | Actual | % of plan"):
    (paragraph of the row's first cell, the row's text, its completion in %). Tables in parts III and VI
    (last year's failings, next year's plans) are not about this year's results."""
    paras = analysis.document.paragraphs
    rows: dict[tuple[int, int], list[tuple[int, int, str]]] = {}
    for p in paras:
        if p.table_cell is not None and analysis.paragraph_section.get(p.index) not in ("prior_remediation", "remedies"):
            t, r, c = p.table_cell
            rows.setdefault((t, r), []).append((c, p.index, p.text))
    out: list[tuple[int, str, float]] = []
    share_col: dict[int, int | None] = {}
    for (t, r), cells in sorted(rows.items()):
        if t not in share_col:  # the table's first row is its header
            share_col[t] = next((c for c, _i, text in cells if _PLAN_SHARE_HEAD.search(fold(text))), None)
            continue
        col = share_col[t]
        if col is None:
            continue
        cell = next((text for c, _i, text in cells if c == col), "")
        m = _CELL_PERCENT.match(cell)
        if m is None:
            continue
        row = " | ".join(text for _c, _i, text in sorted(cells))
        out.append((min(i for _c, i, _t in cells), row, float(m.group(1).replace(",", "."))))
    return out
