"""Recognise the language, year, form and kind of a report, and the member's name."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import lru_cache
from importlib import resources

from .model import Document
from .text.normalize import fold


@lru_cache(maxsize=1)
def markers() -> dict:
    path = resources.files("reportcheck.data").joinpath("forms.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _has(text_fold: str, phrase: str) -> bool:
    if phrase not in text_fold:
        return False
    return re.search(r"(?<![\w])" + re.escape(phrase) + r"(?![\w])", text_fold) is not None


# letters are what ``[^\W\d_]`` matches: deleting every run of anything else leaves them alone, and
# the ASCII ones among them are exactly a-z, A-Z (the rest carry Vietnamese diacritics, or are not Latin)
_NON_LETTER_RE = re.compile(r"[\W\d_]+")
_ASCII_LETTERS_RE = re.compile(r"[a-zA-Z]+")
_EN_WORD_RE = re.compile(r"[a-z]+")


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    return frozenset(markers()["english"]["words"])


def _vi_letters_at_least(text: str) -> int:
    """How many letters of ``text`` surely match ``[^\\W\\d_a-zA-Z]``, counted on its UTF-8 bytes: those of
    U+00C0-U+00FF but × and ÷ (lead byte C3), U+0100-U+01BF (C4, C5, C6) and U+1E80-U+1EFF (E1 BA, E1 BB) —
    every one a letter — which hold all the Vietnamese letters with diacritics."""
    b = text.encode("utf-8", "surrogatepass")
    n = b.count(b"\xc4") + b.count(b"\xc5") + b.count(b"\xc6") + b.count(b"\xe1\xba") + b.count(b"\xe1\xbb")
    c3 = b.count(b"\xc3")
    if c3:
        n += c3 - b.count(b"\xc3\x97") - b.count(b"\xc3\xb7")
    return n


def detect_language(doc: Document) -> str:
    """'vi' unless the text has (almost) no Vietnamese letters and reads as English."""
    text = " ".join(p.text for p in doc.paragraphs)
    cfg = markers()["english"]
    # Vietnamese at once when some of its letters with diacritics are already more than the share of
    # every character (a text has no more letters than characters): the same answer, found sooner
    if text and not text.isascii() and _vi_letters_at_least(text) / len(text) > cfg["max_vi_share"]:
        return "vi"
    only = _NON_LETTER_RE.sub("", text)
    letters = len(only)
    if not letters:
        return "vi"
    vi = 0 if only.isascii() else len(_ASCII_LETTERS_RE.sub("", only))
    if vi / letters > cfg["max_vi_share"]:
        return "vi"
    words = _english_words()
    hits = sum(1 for w in _EN_WORD_RE.findall(text.lower()) if w in words)
    return "en" if hits >= cfg["min_words"] else "vi"


_YEAR_TITLE = re.compile(r"^(?:nam|year)\s*:?\s*(20\d\d|19\d\d)\b")
_YEAR_REVIEW = re.compile(
    r"(?:kiem diem|danh gia|xep loai|review|self-criticism|report)[^.\n]{0,60}?(?:nam|year|for)\s+(20\d\d)\b"
)
_YEAR_SCHOOL = re.compile(r"nam hoc\s+(20\d\d)\s*-\s*(20\d\d)")
_DATE = re.compile(r"ngay\s*\d{1,2}\s*thang\s*(\d{1,2})\s*nam\s*(20\d\d)|(\d{1,2})[/.-](\d{1,2})[/.-](20\d\d)")
_DATE_EN = re.compile(r"\b(january|february|march|april|may|june|july|august|september|october|november|december)\b[^\n]{0,12}?(20\d\d)")
_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}


def _reviewed_year(month: int, year: int) -> int:
    """Reports are written from October to January: one dated early in a year reviews the year before."""
    return year - 1 if month <= 3 else year


def detect_year(doc: Document) -> int | None:
    head = [fold(p.text) for p in doc.paragraphs[: markers()["head_paragraphs"]]]
    for line in head:
        m = _YEAR_TITLE.match(line.strip(" .:()-"))
        # a subtitle "Năm 2024" (or "Năm 2025 - Cán bộ giữ chức vụ lãnh đạo"), not a sentence "Năm 2024 chi bộ góp ý …"
        if m and (len(line.split()) <= 4 or re.match(r"\s*[-–(]", line.strip(" .:()-")[m.end():])):
            return int(m.group(1))
    for line in head:
        m = _YEAR_REVIEW.search(line)
        if m:
            return int(m.group(1))
    for line in head:
        m = _YEAR_SCHOOL.search(line)
        if m:
            return int(m.group(1))
    for line in head + [fold(p.text) for p in doc.paragraphs[-12:]]:
        m = _DATE.search(line)
        if m:
            if m.group(1):
                return _reviewed_year(int(m.group(1)), int(m.group(2)))
            return _reviewed_year(int(m.group(4)), int(m.group(5)))
        m = _DATE_EN.search(line)
        if m:
            return _reviewed_year(_MONTHS[m.group(1)], int(m.group(2)))
    return None


def detect_variant(doc: Document) -> str | None:
    """'2c' for a Mẫu 2C report (HD 43: members outside the political system), else None."""
    head = "\n".join(fold(p.display) for p in doc.paragraphs[: markers()["head_paragraphs"]])
    return "2c" if any(_has(head, ph) for ph in markers()["kind"]["member_2c"]) else None


def detect_markers(doc: Document) -> tuple[str | None, str | None, str | None]:
    """(form, kind, evidence) from explicit form codes, regulations and title lines."""
    cfg = markers()
    head_paras = doc.paragraphs[: cfg["head_paragraphs"]]
    head = "\n".join(fold(p.display) for p in head_paras)
    # title-like lines only: a collective phrase inside a sentence of the body says nothing
    titles = "\n".join(fold(p.display) for p in head_paras if len(p.text.split()) <= 20)
    form = kind = evidence = None
    # a form's code or regulation in a title, subtitle or "Căn cứ …" line; a sentence of the body citing a
    # regulation that shares a number ("Quy định số 132-QĐ/TW về kiểm soát quyền lực trong hoạt động tư
    # pháp", 2023) names no form
    cited = "\n".join(fold(p.display) for p in head_paras if len(p.text.split()) <= cfg["form_line_words"])
    for name, phrases in cfg["form"].items():
        for ph in phrases:
            if _has(cited, ph):
                form, evidence = name, ph
                break
        if form:
            break
    kinds = cfg["kind"]
    if not any(_has(titles, ph) for ph in kinds["individual"]):
        for ph in kinds["collective"]:
            if _has(titles, ph):
                kind = "collective"
                break
    if kind is None:
        if any(_has(head, ph) for ph in kinds["member_explicit"]):
            kind = "member"
        elif any(_has(head, ph) for ph in kinds["leader"]):
            kind = "leader"
    return form, kind, evidence


def form_from_year(year: int | None) -> str | None:
    if year is None:
        return None
    if year >= 2025:
        return "2025"
    if year >= 2023:
        return "2023"
    if year >= 2019:
        return "2019"
    return "legacy"


_NAME_RE = re.compile(r"(?:ho va ten|ho ten|full name|name)\s*:\s*", re.I)


# a leadership or management post in the "Chức vụ chính quyền:" line of the header. Matched with the
# diacritics: folded, "trưởng ban" and "(điểm) trường bản" are the same letters.
# (the line may open with another field: "Cấp bậc: Thiếu tá. Chức vụ: Tiểu đoàn trưởng …")
# (English: "Government position:", "Administrative post:"; not the party's or a mass organisation's)
_POST_LINE_RE = re.compile(r"(?:^|[.;|\t]\s*)(?:chức vụ chính quyền|chức vụ chuyên môn|chức vụ(?! đảng)(?! đoàn thể)|"
                           r"(?:(?:government|administrative|professional|executive|state)\s+(?:\([^)]{1,30}\)\s+)?)?"
                           r"(?:position|post)|job title)"
                           r"(?:\s*\([^)]{1,30}\))?\s*[:.]\s*")  # "Government (professional) position:", "Chức vụ (chính quyền):"
_LEADER_POST_RE = re.compile(
    r"(?<!\w)(?:chủ tịch|tổng giám đốc|giám đốc|trưởng phòng|hiệu trưởng|chánh văn phòng|chánh án|chánh thanh tra|"
    r"viện trưởng|trưởng khoa|hạt trưởng|đội trưởng|chỉ huy trưởng|trưởng ban|trạm trưởng|trưởng trạm|chi cục trưởng|"
    r"cục trưởng|quản đốc|trưởng công an|kế toán trưởng|thủ trưởng|chính trị viên|đồn trưởng|đoàn trưởng|"
    r"director|head of|chairman|chairwoman|chair of|commander|chief|dean|rector|"
    # a school's principal, not a civil-service grade ("Principal officer" = chuyên viên chính)
    r"principal(?!\s+(?:officer|specialist|expert|researcher|lecturer|engineer|accountant|inspector|auditor|"
    r"economist|consultant|analyst|investigator)))(?!\w)")
# a mass organisation's leader at district level or above ("Chức vụ đoàn thể: Phó Chủ tịch Thường trực Liên đoàn
# Lao động huyện") holds a post in the political system; a grassroots union post ("Tổ trưởng công đoàn") does not
_MASS_LINE_RE = re.compile(r"^\s*chức vụ đoàn thể\s*[:.]\s*")
_MASS_LEADER_RE = re.compile(r"(?<!\w)(?:phó\s+)?chủ tịch(?!\w).*(?<!\w)(?:huyện|quận|thị xã|thành phố|tỉnh|thường trực)(?!\w)")


def detect_leader_post(doc: Document) -> bool:
    """The header names a leadership or management post ("Chức vụ chính quyền: Phó Giám đốc …")."""
    for p in doc.paragraphs[:25]:
        low = p.text.lower()
        mass = _MASS_LINE_RE.match(low)
        if mass and _MASS_LEADER_RE.search(low[mass.end(): mass.end() + 100]):
            return True
        m = _POST_LINE_RE.search(low)
        if not m:
            continue
        post = low[m.end(): m.end() + 80]
        # a cooperative is outside the political system: its director writes as a member
        if _LEADER_POST_RE.search(post) and not re.search(r"(?<!\w)(hợp tác xã|htx|cooperative)(?!\w)", post):
            return True
    return False


def detect_parent_unit(doc: Document) -> str | None:
    """The party organisation above the cell, from the letterhead ("ĐẢNG BỘ XÃ AN PHÚ"), if given."""
    for p in doc.paragraphs[:12]:
        f = fold(p.text)
        if f.startswith(("chi bo", "party cell")):
            return None  # the cell line came first: no parent above it
        if f.startswith(("dang bo ", "party committee of", "party organisation of")):
            cell = re.split(r"\s{2,}|\|", p.text)[0].strip(" .:…")
            return unicodedata.normalize("NFC", cell) if len(cell) > 9 else None
    return None


def detect_member(doc: Document) -> tuple[str | None, str | None]:
    """The member's name and cell as written in the header ("Họ và tên: …", "Chi bộ …")."""
    name = unit = None
    for p in doc.paragraphs[:30]:
        f = fold(p.text)
        if name is None:
            m = _NAME_RE.search(f)
            if m:
                raw = p.text[m.end():]
                raw = re.split(r"\s{2,}|[;,]|\b(?:Ngày sinh|Sinh ngày|Date of birth|Năm sinh)\b", raw)[0]
                raw = raw.strip(" .:…")
                if raw and not set(raw) <= set(".…_ "):
                    name = unicodedata.normalize("NFC", raw)
        if unit is None and (f.startswith("chi bo") or f.startswith("party cell")):
            cell = re.split(r"\s{2,}|\|", p.text)[0].strip(" .:…")
            if len(cell) > 7:
                unit = cell
    return name, unit
