"""Facts the content and balance rules share: items of a section, cue look-ups, concreteness."""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache, wraps

from ..annotate import has_phrase, lexicon, split_sentences, writer_words
from ..model import Analysis
from ..text.normalize import count_words, fold, fold_word, lower, phrase_pattern

_LEADING_LABEL = re.compile(r"^\s*(?:[-+*•●○▪■◦]|\(?[0-9]{1,2}[.)/]|\(?[a-zđ][.)/]|[IVX]{1,4}[.)/-])\s*", re.I)
_NUMBER = re.compile(r"\d")
# Syllables too common to say what a sentence is about. Kept with their diacritics: folded,
# "đề" (topic) and "để" (in order to), "tài" and "tại" would collide.
# Words that say nothing about what a sentence is about. A word of two syllables is a stop word as a
# whole: "khuyết điểm" is, "điểm diễn" keeps its "điểm"; "một số" is, "số liệu" keeps its "số".
_STOP_WORDS = """
còn chưa không có là và của các những một_số đôi_khi lúc việc trong với để được đã sẽ cho này do vì bởi nên
bản_thân tôi chúng_tôi hạn_chế khuyết_điểm yếu_kém tồn_tại nguyên_nhân khắc_phục biện_pháp phương_hướng tiếp_tục
hơn_nữa nâng_cao công_tác thực_hiện nhiệm_vụ tốt cần_phải cần phải đảm_bảo đúng theo về tại từ như thì mà
tập_thể chi_bộ đảng_viên năm mới cũng rất vẫn đang thế_nào hay nhiều ít phần đến ra vào lại trên dưới
the a and of to in for with on my our i we be was is are not have has will more by at as it this that
""".split()
_STOP_SYLL = frozenset(w for w in _STOP_WORDS if "_" not in w)
_STOP_PHRASE = re.compile(r"(?<!\w)(?:" + "|".join(
    re.escape(w.replace("_", " ")).replace(r"\ ", r"\s+") for w in sorted((w for w in _STOP_WORDS if "_" in w), key=len, reverse=True)
) + r")(?!\w)")


@lru_cache(maxsize=8192)
def _syllables(text: str) -> tuple[str, ...]:
    """Lower-case syllables, each two-syllable stop word standing as one stop token "_". Kept per text:
    :func:`content_syllables` and :func:`content_bigrams` of one sentence both start from them."""
    return tuple(re.findall(r"\w+", _STOP_PHRASE.sub(" _ ", lower(text))))


@dataclass(frozen=True, slots=True)
class Item:
    paragraph: int
    text: str


_LOCAL = threading.local()  # .memo: what the rules derive from the report being checked (this thread's)


@contextmanager
def per_report():
    """While the rules check one report: the facts several rules derive from it (its items, whether its
    shortcomings are token ones) are computed once. Rules never change the analysis, so within one run of
    the rules the same call gives the same answer; outside such a run nothing is kept."""
    outer = getattr(_LOCAL, "memo", None)
    _LOCAL.memo = {}
    try:
        yield
    finally:
        _LOCAL.memo = outer


def once_per_report(fn):
    """Keep ``fn(analysis, *args)`` (a list is handed out as a copy) while :func:`per_report` is open.
    ``args``: hashable, or lists of hashable values, or objects fixed for the run (keyed by identity)."""

    @wraps(fn)
    def wrapper(analysis, *args):
        memo = getattr(_LOCAL, "memo", None)
        if memo is None:
            return fn(analysis, *args)
        key = (fn, id(analysis)) + tuple(
            tuple(a) if isinstance(a, list) else a if a is None or isinstance(a, (str, int)) else ("id", id(a))
            for a in args)
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = (fn(analysis, *args), analysis, args)  # the objects kept alive: their ids stay theirs
        out = hit[0]
        return list(out) if isinstance(out, list) else out

    return wrapper


def strip_label(text: str) -> str:
    return _LEADING_LABEL.sub("", text, count=1).strip()


@once_per_report
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


_EN_SUFFIX = re.compile(r"(?:ations?|ing|ed|es|s)$")


def _stem(token: str) -> str:
    """Crude English stemming (reconciliations ~ reconciliation ~ reconcile); Vietnamese syllables are left alone."""
    if len(token) > 4 and token.isascii() and not token.isdigit():
        return _EN_SUFFIX.sub("", token) or token
    return token


@lru_cache(maxsize=8192)
def content_syllables(text: str) -> frozenset[str]:
    """Syllables (folded, English stemmed) that say what a sentence is about; the stop list is applied with diacritics."""
    # (one word at a time: fold_word's table, not fold's, which keeps whole sentences)
    return frozenset(_stem(fold_word(t)) for t in _syllables(text)
                     if len(t) > 1 and t not in _STOP_SYLL and not t.isdigit())


def frame_bigrams(analysis: Analysis) -> frozenset[str]:
    """Pairs of content syllables of the report's header and unit name: what the writer's work and unit
    are called ("trợ giúp pháp lý", "hợp tác xã", "giảng viên"), not what one entry is about."""
    frame: set[str] = set()
    for i, sid in analysis.paragraph_section.items():
        text = analysis.document.paragraphs[i].text
        if sid == "header" and count_words(text) <= 20:  # letterhead, title, name and post lines, not the preamble
            frame |= content_bigrams(text, strict=True)
    for name in (analysis.unit, analysis.parent_unit):
        if name:
            frame |= content_bigrams(name, strict=True)
    return frozenset(frame)


def overlap(a: str, b: str) -> float:
    """Share of ``a``'s content syllables that also occur in ``b``."""
    sa = content_syllables(a)
    if not sa:
        return 0.0
    return len(sa & content_syllables(b)) / len(sa)


@lru_cache(maxsize=8192)
def content_bigrams(text: str, strict: bool = False) -> frozenset[str]:
    """Pairs of adjacent syllables that say what a sentence is about (generic pairs removed), folded.

    ``strict``: both syllables must be content syllables ("nộp chậm", not "của nhà").
    """
    toks = [t if t != "_" else "là" for t in _syllables(text) if not t.isdigit() and (len(t) > 1 or t == "_")]  # ("centre's": no "s")
    keep = (lambda a, b: a not in _STOP_SYLL and b not in _STOP_SYLL) if strict else (
        lambda a, b: a not in _STOP_SYLL or b not in _STOP_SYLL)
    folded = list(map(fold_word, toks))  # (a pair's fold is its two words' folds: see fold_word)
    pairs = {f"{x} {y}" for a, b, x, y in zip(toks, toks[1:], folded, folded[1:]) if keep(a, b)}
    return frozenset(pairs - _generic_bigrams())


@lru_cache(maxsize=1)
def _generic_bigrams() -> frozenset[str]:
    return frozenset(lexicon()["remedy_link"]["generic_bigrams"])


def answers(limitation: str, remedy: str, frame: frozenset[str] = frozenset(), english: bool = False) -> bool:
    """Whether a remedy (or a cause's topic lead) speaks of what the limitation is about:
    a shared pair of content syllables ("nộp chậm", "bệnh án điện tử") or most of its content words.
    Pairs of ``frame`` (the writer's job and unit, written all over the report: "hợp tác xã",
    "giảng viên") tie nothing."""
    if (content_bigrams(limitation, strict=True) & content_bigrams(remedy, strict=True)) - frame:
        return True
    # most of the limitation's words, and more than a chance pair of syllables ("tổng kết" is not "kết nạp")
    # (an English word is a whole word, worth a Vietnamese syllable pair and more)
    shared = content_syllables(limitation) & content_syllables(remedy)
    if english and len({t for t in shared if len(t) >= 4} - _EN_GENERIC - {w for pair in frame for w in pair.split()}) >= 2:
        return True  # English words are whole words: two shared ("marks … entered" ~ "enter all marks") tie them
    weight = sum(3 if len(t) >= 5 and t.isascii() else 1 for t in shared)
    return weight >= 3 and overlap(limitation, remedy) >= 0.5


# English words every limitation and remedy may use (stemmed as content_syllables stems them)
_EN_GENERIC = frozenset("""
work plan task year month time from with more which were been their other every each shortcom limit caus
measur remedy continu strengthen improv better quality party member cell meet regular also about after before
than into only some this that these those them they would should could made make take""".split())


# ", do …" / ". Do …" after a clause gives its cause ("… chậm chi trả, do hướng dẫn thay đổi"); without the comma
# "do" is as often "by" ("lớp do trường mở"), which the marker list leaves to its "do + word" entries
_COMMA_DO = re.compile(r"[,;.]\s*(?:(?:nhung|va|chu yeu|mot phan|cung|phan lon)\s+)*(?:la\s+)?(?P<do>do)\s+\w")


@lru_cache(maxsize=1)
def _agent_pattern() -> re.Pattern:
    verbs = "|".join(re.escape(v) for v in sorted(lexicon()["cause"]["agent_verbs"], key=len, reverse=True))
    # … but "do tôi thẩm định chưa kỹ" gives the cause: the doing and the manner it fell short in ("chưa kỹ",
    # "còn sơ suất"), where "hồ sơ do bản thân phụ trách còn thiếu 2 biên bản" says what the file lacks
    return re.compile(rf"(?<![,;.:]\s)(?<![,;.:])\b(?<!la )(?<!chu yeu )(?<!mot phan )do(?=\s+(?:{writer_words(bound=True)})"
                      rf"\s+(?:{verbs})\b(?!(?:\s+\w+)?\s+(?:(?:chua|khong|thieu)\s+(?:ky|can than|chat che|sat|ky luong)"
                      rf"|con\s+(?:so suat|chu quan|voi|cham))\b))")


def mask_agent(text_fold: str) -> str:
    """Folded text with the "do" of an agent ("phiếu do tôi ghi") blanked, same length, so that it is
    not read as a cause marker; "…, do tôi chưa…" and "là do tôi …" stay causes."""
    return _agent_pattern().sub("__", text_fold)


# the conjunctions of a cause as written: folded, "thái độ chưa" and "vi phạm" would read as "do chưa", "vi …"
_CONJ_FOLDED = {"do": "do", "vi": "vì", "boi": "bởi"}


def conj_as_written(text_lower: str, start: int, folded_word: str) -> bool:
    """Whether the conjunction found at ``start`` of the folded text is that word with its own diacritics
    ("do", "vì", "bởi"), not another word that folds onto it ("độ", "đó", "vi", "bói")."""
    written = _CONJ_FOLDED.get(folded_word)
    return written is None or text_lower[start: start + len(written)] == written


def is_cause(text: str) -> bool:
    lex = lexicon()["cause"]
    f = mask_agent(fold(text))
    if has_phrase(lower(text), lex["markers_vi"]) is not None:
        return True
    low = None
    if has_phrase(f, lex["markers"]) is not None:
        low = lower(text)
        for m in phrase_pattern(tuple(lex["markers"])).finditer(f):
            first = m.group(0).strip().split(" ", 1)[0]
            if conj_as_written(low, m.start() + len(m.group(0)) - len(m.group(0).lstrip()), first):
                return True
    for m in (*_COMMA_DO.finditer(f), *_collective_do().finditer(f), *_failing_do().finditer(f)):
        low = low if low is not None else lower(text)
        if conj_as_written(low, m.start("do"), "do"):
            return True
    return False


@lru_cache(maxsize=1)
def _failing_do() -> re.Pattern:
    """A bare "do" right after a failing ("còn chậm do hồ sơ …"): the failing's cause."""
    words = "|".join(re.escape(w) for w in sorted(lexicon()["cause"]["failing_before_do"], key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{words})\s+(?P<do>do)\s+\w")


@lru_cache(maxsize=1)
def _collective_do() -> re.Pattern:
    subjects = "|".join(sorted(lexicon()["cause"]["collective_subjects"], key=len, reverse=True))
    return re.compile(rf"\b(?P<do>do)\s+(?:{subjects})\s+(?:chua|con|thieu|khong|it|did not|failed)\b")


_CLAUSE_SPLIT = re.compile(r"[;,.:]|\s-\s")
# "chưa được", "không được", "bị": the passive — what was not given to or happened to the writer
_PASSIVE = re.compile(r"\s+(?:được|bị|có điều kiện|kịp được)\b")
_PASSIVE_FOLDED = re.compile(r"\s+(?:duoc|bi)\b")
# "không thể", "chưa thể", "could not": what circumstances did not allow; "was not trained": the passive in English
_UNABLE = re.compile(r"\s+(?:thể|kịp|được phép)\b")
_UNABLE_FOLDED = re.compile(r"\s+(?:the|kip)\b")
# the English passive: "was not trained", "have not been given" (but "I have not passed" is the writer's own)
_EN_PASSIVE = re.compile(r"\b(?:was|were|is|are|am)\s+not\s+\w+(?:ed|en|ght)\b|\bnot\s+been\s+\w+")
# a clause that is not the writer's own failing any more: a reason, a consequence, another subject
_OTHER_CLAUSE = re.compile(r"\s(?:vì|do|bởi|nên|vì vậy|do đó|dẫn đến|because|so|therefore|as|while|since)\s")
# words that fold onto a subjective cue but mean something else: "chủ quản" (governing body) ≠ "chủ quan"
_FALSE_FRIENDS = re.compile(r"chủ\s+quản|chủ quãn")


def is_subjective(text: str) -> bool:
    """A cause that is the writer's own: a subjective cue in a clause whose subject is not someone else."""
    lex = lexicon()
    third = lex["subjective"]["third_party"]
    text = _FALSE_FRIENDS.sub(" ", lower(text))  # "cơ quan chủ quản" folds to "chu quan" too
    for sentence in re.split(r"[.;!?]", text):
        for person in phrase_pattern(tuple(lex["subjective"]["first_person"])).finditer(sentence):
            # the writer's own clause: up to the clause that gives a reason or a consequence
            # ("tôi phải kiêm nhiệm thêm 12 vận động viên | vì Bộ môn thiếu huấn luyện viên")
            stop = _OTHER_CLAUSE.search(sentence, person.end())
            own = sentence[person.end(): stop.start() if stop else len(sentence)]
            for fault in phrase_pattern(tuple(lex["subjective"]["fault"])).finditer(own):
                if not (_PASSIVE.match(own, fault.end()) or _UNABLE.match(own, fault.end())
                        or _EN_PASSIVE.search(own, max(0, fault.start() - 5), fault.end() + 30)):
                    return True  # "tôi giao việc … không tổ chức kiểm tra chéo"
    folded = _HEDGE.sub("", fold(text))  # "Chi ủy có lúc chưa chuẩn bị kỹ" is "Chi ủy chưa chuẩn bị kỹ", hedged
    for sentence in re.split(r"[.;!?]", folded):
        subject_elsewhere = False  # the sentence opened with someone else and the writer has not come in since
        for clause in _CLAUSE_SPLIT.split(sentence):
            cue = has_phrase(clause, lex["subjective"]["phrases"])
            if cue is None:
                if has_phrase(clause, third) is not None:
                    subject_elsewhere = True
                elif _writer().search(clause):
                    subject_elsewhere = False
                continue
            at = clause.find(cue)
            after = at + len(cue)
            if _PASSIVE_FOLDED.match(clause, after) or _UNABLE_FOLDED.match(clause, after) or \
                    _EN_PASSIVE.search(clause, at, after + 30):
                continue  # "bản thân chưa được tập huấn", "tôi không thể …": not given to or not possible for the writer
            if has_phrase(clause[:at], third) is not None:
                subject_elsewhere = True
                continue
            if subject_elsewhere and not _writer().search(clause[:at]) and not _writer().match(cue):
                continue  # "Người bệnh …, người nhà đông, có tâm lý sốt ruột": still the patients' families
            return True
    return False


# a hedge between a subject and its fault ("có lúc", "đôi khi") does not change whose fault it is
_HEDGE = re.compile(r"(?<!thay)\s(?:co luc|co khi|doi khi|doi luc|nhieu khi|doi cho|at times|sometimes)(?=\s)")  # (not "thay đổi khi")


@lru_cache(maxsize=1)
def _writer() -> re.Pattern:
    """The writer named as the subject again ("…, còn tôi chưa …")."""
    return re.compile(rf"(?:^|\s)(?:{writer_words(english=True)})(?:\s|$)")


def is_objective(text: str) -> bool:
    return has_phrase(fold(text), lexicon()["objective"]["phrases"]) is not None


def _dated(text_fold: str) -> bool:
    """A day, month or quarter named (a bare year does not count)."""
    from ..annotate import deadline_spans

    return any(not _YEAR.fullmatch(found.split()[-1]) for _s, _e, found in deadline_spans(text_fold))


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


# the writer's own score for the item (QĐ 366: "tự chấm 57/70 điểm") is a rating, not a product
_SELF_SCORE = re.compile(r"(?:(?:điểm\s+)?tự\s+chấm|tự\s+đánh\s+giá|self[- ]scored?|self[- ]assessed)"
                         r"[^.;\d]{0,20}\d{1,3}(?:[.,]\d)?\s*(?:/\s*\d{1,3})?(?:\s*(?:điểm|points?))?")


def is_concrete(text: str) -> bool:
    """A number, percentage, date, named output or award: a "concrete product".

    A bare year ("Năm 2023, bản thân luôn hoàn thành tốt…") is not one.
    """
    lex = lexicon()["concrete"]
    plain = _SELF_SCORE.sub(" ", strip_label(text).lower())
    for name in lex["non_products"]:
        plain = plain.replace(name, " ")
    for name in lex["periods"]:
        plain = plain.replace(name, " ")
    if _NUMBER.search(_YEAR.sub(" ", plain)):
        return True
    f = fold(text)
    if has_phrase(f, lex["phrases"]) is not None or _dated(fold(plain)):
        return True
    if _made_output(tuple(lex["made"]), tuple(lex["outputs"])).search(f):
        return True
    return _number_word_count(plain, tuple(lex["number_words"]), tuple(lex["count_nouns"]))


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


def is_deadline(text: str, year: int | None = None) -> bool:
    """A time the remedy is due: a time expression introduced as a deadline, or a later year.

    Clause by clause: "như đã xảy ra ở quý I năm 2023" (when the fault happened) and
    "dự toán năm 2024" (a budget year) are times, not deadlines.
    """
    from ..annotate import deadline_spans

    lex = lexicon()["time"]
    for clause in _CLAUSE_SPLIT.split(fold(text)):
        spans = deadline_spans(clause)
        if not spans or has_phrase(clause, lex["past"]):
            continue
        for start, _end, found in spans:
            before = clause[max(0, start - 14):start]
            if has_phrase(before + " ", lex["deadline_lead"]) or has_phrase(found, lex["deadline_lead"]):
                return True
            years = [int(y) for y in _YEAR.findall(found)]
            if years:
                # a later year as the frame of the plan: "… sẽ hoàn thành năm 2025", "Năm 2025 tiếp tục …"
                if year is not None and max(years) > year and (_FUTURE.search(clause) or _YEAR_LEAD.match(clause)):
                    return True
            elif not _PAST.search(before):
                return True
    return False


_YEAR_LEAD = re.compile(r"^\s*(?:[-+*•]\s*)?(?:trong\s+)?nam\s+(?:19|20)\d\d\b|^\s*(?:in|during)\s+(?:19|20)\d\d\b")
_FUTURE = re.compile(r"\b(se|phan dau|du kien|ke hoach|dang ky|will|plan to|aim to)\b")
_PAST = re.compile(r"\b(da|o|vao|tai|trong nam qua|hoi|in|during)\s*$")
