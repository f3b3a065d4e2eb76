"""RC2xx: the substance of sections II, VI, I.2 and the leader/collective items."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator

from ..annotate import classify, has_phrase, lexicon
from ..model import Analysis, Finding
from ..registry import Context, label, rule
from ..text.normalize import count_words, fold, lower, phrase_pattern
from .structure import template_like
from ._facts import (
    Item, answers, conj_as_written, content_bigrams, content_syllables, frame_bigrams, is_cause, is_concrete, is_deadline, is_objective,
    is_subjective, mask_agent, once_per_report, overlap, section_items, strip_label,
)


@once_per_report
def _limitation_items(analysis: Analysis) -> list[Item]:
    """Entries of the limitations part that state a shortcoming (not a cause given inline)."""
    lim = analysis.sections.get("limitations")
    if lim is None:
        return []
    table = _cause_table(analysis)
    if table is not None:  # one limitation a row, its cause beside it
        return [lim_item for lim_item, _cause in table.values()]
    items = _entries(section_items(analysis, "limitations"))
    causes = analysis.sections.get("causes")
    same = causes is not None and lim.node == causes.node
    if same:  # "II. Hạn chế, khuyết điểm và nguyên nhân" without sub-items: drop the cause sentences
        items = [it for it, part in _by_label(items) if part == "limitation"]
        items = [it for it in items if not _starts_as_cause(it.text) and not _circumstance(it.text)]
    return [it for it in items if count_words(it.text) >= 3 and not _remediated(it, analysis.year) and not _list_intro(it)]


_TABLE_CAUSE = re.compile(r"^(?:cac\s+)?(?:nguyen nhan|causes?|reasons?|ly do)\b")
_TABLE_LIMIT = re.compile(r"^(?:cac\s+)?(?:han che|khuyet diem|ton tai|noi dung han che|shortcomings?|limitations?|weakness)")


_TABLE_REMEDY = re.compile(r"^(?:cac\s+)?(?:bien phap|giai phap|huong khac phuc|phuong huong|cach khac phuc|remed|measures?|actions?)")
_TABLE_DEADLINE = re.compile(r"^(?:thoi han|thoi gian|deadline|by when|due)")


@once_per_report
def _limitation_tables(analysis: Analysis) -> list[tuple[dict[str, int], list[dict[int, tuple[int, str]]]]]:
    """Tables in part II with a limitations column: ({"limit"/"cause"/"remedy"/"deadline": column},
    [{column: (first paragraph, text)} a body row]). The header row names the columns ("Hạn chế, khuyết
    điểm | Nguyên nhân | Biện pháp | Thời hạn"). Read once a report for the cause and remedy readers."""
    sec = analysis.sections.get("limitations")
    if sec is None:
        return []
    out = []
    paras = analysis.document.paragraphs
    cells: dict[tuple[int, int, int], list[int]] = {}
    for i in sec.body:
        if paras[i].table_cell is not None:
            cells.setdefault(paras[i].table_cell, []).append(i)
    for table in sorted({t for t, _r, _c in cells}):
        rows = sorted({r for t, r, _c in cells if t == table})
        header = {c: fold(" ".join(paras[i].text for i in cells[(table, rows[0], c)])).strip(" .:")
                  for t, r, c in cells if t == table and r == rows[0]}
        columns: dict[str, int] = {}
        for name, pattern in (("limit", _TABLE_LIMIT), ("cause", _TABLE_CAUSE), ("remedy", _TABLE_REMEDY),
                              ("deadline", _TABLE_DEADLINE)):
            col = next((c for c, h in sorted(header.items()) if pattern.match(h) and count_words(h) <= 8
                        and c not in columns.values()), None)
            if col is not None:
                columns[name] = col
        if "limit" not in columns:
            continue
        body = [{c: (cells[(table, r, c)][0], strip_label(" ".join(paras[i].text for i in cells[(table, r, c)])))
                 for t, rr, c in cells if t == table and rr == r} for r in rows[1:]]
        out.append((columns, [row for row in body if columns["limit"] in row]))
    return out


@once_per_report
def _cause_table(analysis: Analysis) -> dict[int, tuple[Item, Item | None]] | None:
    """Limitations written in a table beside their causes ("Khuyết điểm, hạn chế | Nguyên nhân" as the
    header row, one limitation a row): {first paragraph of the limitation's cell: (limitation, its cause
    or None when the cause cell is empty)}; None when part II has no such table."""
    for columns, rows in _limitation_tables(analysis):
        if "cause" not in columns:
            continue
        out: dict[int, tuple[Item, Item | None]] = {}
        for row in rows:
            lim_at, text = row[columns["limit"]]
            cause_at, cause_text = row.get(columns["cause"], (None, ""))
            out[lim_at] = (Item(lim_at, text),
                           Item(cause_at, cause_text) if count_words(cause_text) >= 3 and not _is_none(cause_text) else None)
        if out:
            return out
    return None


@once_per_report
def _table_remedies(analysis: Analysis) -> list[Item]:
    """Remedies written in part II's limitations table, each in its limitation's row (with the row's
    deadline cell, if the table has one): they answer that limitation by where they stand."""
    out: list[Item] = []
    for columns, rows in _limitation_tables(analysis):
        if "remedy" not in columns:
            continue
        for row in rows:
            at, text = row.get(columns["remedy"], (None, ""))
            if at is None or count_words(text) < 2 or _is_none(text):
                continue
            when = row.get(columns["deadline"], (None, ""))[1] if "deadline" in columns else ""
            out.append(Item(at, f"{text} ({when})" if when else text))
    return out


@once_per_report
def _placed_remedies(analysis: Analysis) -> list[Item]:
    """Remedies written beside the limitation they answer: in part II's table (:func:`_table_remedies`) or
    after a label inside the limitation's own entry ("… Nguyên nhân: … Biện pháp: trong tháng 3/2026 …")."""
    out = list(_table_remedies(analysis))
    for it in _limitation_items(analysis):
        label = _REMEDY_LABEL.search(fold(it.text))
        if label and label.start() > 0 and count_words(it.text[label.end():]) >= 2:
            out.append(Item(it.paragraph, it.text[label.end():].strip()))
    return out


_PART_LABEL = re.compile(r"^[\s*+•\-–]*(?:(nguyen nhan|cac nguyen nhan|causes?|reasons?|the causes?)"
                         r"|(han che|khuyet diem|ton tai|shortcomings?|limitations?|weaknesses)"
                         r"|(bien phap|phuong huong|huong khac phuc|giai phap|remedies|measures))\b([^:]{0,80}):")


def _by_label(items: list[Item]) -> list[tuple[Item, str]]:
    """Entries of a part that holds both limitations and causes, each with the part it belongs to by the
    label lines written inside it ("Hạn chế:" … "Nguyên nhân:" … as plain lines, not headings): what
    follows a bare "Nguyên nhân:" line is a cause until the next "Hạn chế …:" label. A label with its
    text on the same line ("Nguyên nhân: …") is that entry's alone. Without such labels every entry is
    read as a limitation (the caller then sorts the cause sentences out)."""
    out, part = [], "limitation"
    for it in items:
        f = fold(it.text)
        m = _PART_LABEL.match(f)
        own = None
        if m and count_words(m.group(0)) <= 12:
            if m.group(2):  # "Hạn chế thứ hai: …" goes back to limitations, with or without text after it
                part = "limitation"
            elif count_words(f[m.end():]) == 0:  # a bare "Nguyên nhân:" / "Biện pháp:" line opens a list
                part = "cause" if m.group(1) else "other"
            elif m.group(3):  # "Biện pháp: từ tháng 1/2023 …" after its limitation: that entry is no limitation
                own = "other"
        out.append((it, own or part))
    return out


def _entries(items: list[Item]) -> list[Item]:
    """Limitations written as blocks — "Hạn chế 1: …" / "Nguyên nhân: …" / "Biện pháp: …", a paragraph each:
    the cause line belongs to the limitation above it (its cause, given inline), the remedy line is no
    limitation (RC204/RC205 read it as the entry's remedy). Only where the blocks are labelled so."""
    labels = [_PART_LABEL.match(fold(it.text)) for it in items]
    if not any(m and m.group(2) for m in labels) or not any(m and m.group(1) for m in labels):
        return items
    out: list[Item] = []
    titled = False  # the last entry is a block's title line ("1. Chăm sóc sau sinh chưa đầy đủ")
    for it, m in zip(items, labels):
        text_after = m is not None and count_words(fold(it.text)[m.end():]) > 0
        if m and m.group(1) and out and text_after:
            out[-1] = Item(out[-1].paragraph, f"{out[-1].text} {it.text}")
        elif m and m.group(2) and text_after and titled:  # "+ Hạn chế: …" under its title: one entry
            out[-1] = Item(out[-1].paragraph, f"{out[-1].text}. {it.text}")
        elif not (m and m.group(3) and text_after):
            out.append(it)
        titled = m is None and count_words(it.text) <= 12 and not it.text.rstrip().endswith((".", ";"))
    return out


def _circumstance(text: str) -> bool:
    """An entry that only states circumstances ("Ngoài ra, địa bàn đồi núi, thiếu 2 công nhân… cũng làm
    công việc bị dồn."): read as a cause by the role model and naming an outside cause."""
    return is_objective(text) and classify(text, "causes") == "cause" and not is_subjective(text)


def _list_intro(item: Item) -> bool:
    """A short line announcing the list that follows, not a shortcoming itself ("Trong lãnh đạo, quản lý")."""
    lex = lexicon()["cause"]
    patterns = lex.setdefault("_intro", [re.compile(p) for p in lex["list_intro"]])
    f = fold(item.text).strip()
    if count_words(item.text) <= 8 and not f.endswith((".", ";")) and not re.search(r"\d", f) and \
            f.startswith(("trong ", "ve ", "doi voi ", "tren linh vuc", "in ", "on ", "as a ", "regarding")):
        return True  # a group heading inside the list
    return count_words(item.text) <= 12 and (f.endswith(":") or any(p.search(f) for p in patterns))


def _remediated(item: Item, year: int | None = None) -> bool:
    """An entry that reports an earlier shortcoming as remedied, not a current one ("Kỳ kiểm điểm năm 2022
    chỉ ra … Năm 2023 thôn đã phối hợp …": part III written inside part II)."""
    f = fold(item.text)
    if has_phrase(f, lexicon()["cause"]["remediated"]) is not None:
        return True
    return year is not None and re.search(rf"\bkiem diem (?:nam )?{year - 1}\b|\b(?:review|reviewed) (?:in )?{year - 1}\b", f) is not None


def _starts_as_cause(text: str) -> bool:
    f = fold(text)[:60]
    return f.startswith(("nguyen nhan", "do ", "vi ", "boi ", "cause", "because", "due to", "the cause", "the reason")) or (
        re.match(r"^(ve|doi voi|as for|regarding)\s+(cac\s+)?(nguyen nhan|the causes?)", f) is not None)


@once_per_report
def _cause_items(analysis: Analysis) -> list[Item]:
    table = _cause_table(analysis)
    if table is not None:
        return [cause for _lim, cause in table.values() if cause is not None]
    causes = section_items(analysis, "causes")
    lim = analysis.sections.get("limitations")
    if lim is not None and analysis.sections.get("causes") and lim.node == analysis.sections["causes"].node:
        causes = [it for it, part in _by_label(causes)
                  if part == "cause" or (part == "limitation" and (_starts_as_cause(it.text) or is_cause(it.text)))]
    return [it for it in causes if count_words(it.text) >= 3 and not _is_none(it.text)]


def _is_none(text: str) -> bool:
    f = fold(text).strip(" .:;-")
    return f in {"khong co", "chua co", "khong", "none", "no", "khong co gi", "not applicable", "khong co y kien"}


@once_per_report
def _token_shortcomings(analysis: Analysis, items: list[Item], ctx: Context) -> bool:
    """Section II says nothing: denials, stock phrases, or only a few short hedged lines.

    Judged clause by clause (";" separates the hedged lines writers run together); in a section
    that denies shortcomings, what the role model reads as an achievement does not count.
    """
    lex = lexicon()["shortcoming_none"]
    denials = _denial_patterns()
    real: list[str] = []
    denied = any(d.search(fold(it.text)) for it in items for d in denials)
    for it in items:
        f = fold(it.text).strip(" .;:")
        if has_phrase(f, lex["stock"]) or any(d.search(f) for d in denials):
            continue
        if has_phrase(f, lex["phrases"]) and count_words(it.text) <= ctx.thresholds["none_line_words"]:
            continue
        if denied and classify(it.text, None) == "achievement":
            continue  # after "I cannot point to any failing", the justification is not a shortcoming
        real.extend(c.strip() for c in it.text.split(";") if count_words(c) >= 2)
    words = sum(count_words(c) for c in real)
    if not real or words < ctx.thresholds["min_shortcoming_words"]:
        return True
    vague = ctx.thresholds["vague_line_words"]
    # a clause that only gives the cause ("…; nguyên nhân do tính còn cả nể") does not make a stock line real
    core = [c for c in real if not _starts_as_cause(c)] or real
    hedged = all(
        (has_phrase(fold(c), lex["hedges"]) or has_phrase(fold(c), lex["stock"]))
        and count_words(_before_cause(c)) <= vague and not re.search(r"\d", c)
        and (denied or not _names_a_task(c, lex, ctx))
        for c in core
    )
    return hedged and words <= ctx.thresholds["vague_section_words"]


def _names_a_task(clause: str, lex: dict, ctx: Context) -> bool:
    """A hedged line that names a particular piece of work ("Việc cập nhật sổ theo dõi tàu cá ra vào cảng có
    lúc còn chậm"), not the writer's manner in general ("đôi khi còn nóng vội", "có lúc chưa mạnh dạn góp ý"):
    no conduct cue, and as many content word pairs as a particular task takes to name."""
    before = _before_cause(clause)
    if has_phrase(fold(before), lex["conduct"]):
        return False
    return len(content_bigrams(before, strict=True)) >= ctx.thresholds["particular_line_pairs"]


_CAUSE_CUT = re.compile(r",?\s(?:(?:la|chu yeu|mot phan)\s)?(?:do|vi|boi|nen|dan den|because|due to|as|so)\s")


def _before_cause(text: str) -> str:
    """A hedged line without the cause or consequence it gives ("Đôi lúc còn nóng vội khi giải thích, do bản
    thân chưa…", "Đôi khi còn ngại đi họp nên chưa tham gia đầy đủ"): a stock shortcoming stays a stock
    shortcoming however its cause or effect is worded."""
    m = _CAUSE_CUT.search(fold(text))
    return text[: m.start()] if m else text


_CAUSE_OPEN = re.compile(r"(?:nguyen nhan(?: chu yeu)?(?: la)?|,?\s(?:(?:la|chu yeu|mot phan)\s)?(?:do|vi|boi)|because|due to"
                         r"|(?:the\s+)?(?:main\s+|chief\s+|root\s+|real\s+)?(?:cause|reason)s?\s+(?:is|was|are|were|lies|lay)"
                         r"(?:\s+that)?)\s")


def _cause_part(text: str) -> str:
    """The cause a limitation gives itself, from its marker on ("…, do tôi chưa …" -> "tôi chưa …"); "" if none."""
    low = lower(text)
    for m in _CAUSE_OPEN.finditer(mask_agent(fold(text))):
        word = m.group(0).split()[-1]  # "do", "vì", "bởi" as written ("thái độ chưa" is no cause)
        if conj_as_written(low, m.end() - 1 - len(word), word):
            return text[m.end():]
    return ""


def _denial_patterns() -> list[re.Pattern]:
    lex = lexicon()["shortcoming_none"]
    if "_denials" not in lex:
        lex["_denials"] = [re.compile(p) for p in lex["denials"]]
    return lex["_denials"]


@once_per_report
def _admitted_items(analysis: Analysis) -> list[Item]:
    """The entries of part II that say what fell short (none without a part II): where limitations and causes
    share one part, an entry that opens as a cause ("Nguyên nhân chủ yếu do …") is not one."""
    if "limitations" not in analysis.sections:
        return []
    items = section_items(analysis, "limitations")
    if analysis.sections["limitations"].node == getattr(analysis.sections.get("causes"), "node", None):
        items = [it for it in items if not _starts_as_cause(it.text)]
    return items


@rule("RC201")
def no_shortcomings(analysis: Analysis, ctx: Context) -> Iterator[Finding]:
    sec = analysis.sections.get("limitations")
    if sec is None or template_like(analysis, ctx):
        return
    items = _admitted_items(analysis)
    if _token_shortcomings(analysis, items, ctx):
        evidence = " ".join(it.text for it in items)[:300] or sec.heading
        yield ctx.finding("RC201", section="limitations", paragraph=items[0].paragraph if items else sec.first,
                          evidence=evidence)


_ORDINALS = {"nhat": 1, "mot": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "sau": 6, "first": 1, "second": 2,
             "third": 3, "fourth": 4, "fifth": 5}
_ORDINAL_RE = re.compile(
    r"\b(?:han che|khuyet diem|muc|noi dung|limitation|shortcoming|point|item)\s*(?:thu\s*|so\s*|no\.?\s*)?"
    r"(nhat|mot|hai|ba|tu|bon|nam|sau|\d(?:\.\d){0,2})\b|\(\s*(\d)\s*\)|\b(first|second|third|fourth|fifth)\s+(?:limitation|shortcoming|point)"
    r"|\b(?:han che|khuyet diem|muc|limitation|item)\s+([a-e])\)"  # "Đối với hạn chế a):"
)


def _referenced(causes: list[Item]) -> set[int]:
    """Limitation numbers (1-based) that cause entries refer to: "hạn chế thứ nhất", "(2)", "the third limitation"."""
    out: set[int] = set()
    for c in causes:
        for m in _ORDINAL_RE.finditer(fold(c.text)):
            word = next(g for g in m.groups() if g)
            if len(word) == 1 and word.isalpha():
                out.add(ord(word) - ord("a") + 1)
            elif "." in word:  # "hạn chế 1.3": the third limitation of part II.1
                out.add(int(word.rsplit(".", 1)[1]))
            else:
                out.add(int(word) if word.isdigit() else _ORDINALS[word])
    return out


@rule("RC202")
def limitation_without_cause(analysis: Analysis, ctx: Context) -> Iterator[Finding]:
    items = _limitation_items(analysis)
    if not items or _token_shortcomings(analysis, items, ctx):
        return
    table = _cause_table(analysis)
    if table is not None:  # the cause cell of each row answers its limitation, and nothing else does
        for it in items:
            if table[it.paragraph][1] is None:
                yield ctx.finding("RC202", section="limitations", paragraph=it.paragraph, evidence=it.text,
                                  extra={"scope": "item"})
        return
    inline = [_explained(it.text) for it in items]
    # a cause entry that is not one of the limitations themselves (a limitation giving its cause inline is
    # in both lists); "… chưa thu hồi được. Nguyên nhân: …" in the same paragraph is a cause entry of its own
    own_text = {(it.paragraph, it.text.strip()) for it in items}
    # … but a cause in the paragraph of a single limitation that gives its cause itself is that one's own
    # ("- Kệ còn 2 hộp sữa quá hạn … Cái này do tui bận đi lấy hàng …"): it explains no other
    per_paragraph = Counter(it.paragraph for it in items)
    own_cause = {it.paragraph for it, ok in zip(items, inline) if ok and per_paragraph[it.paragraph] == 1}
    standalone = [c for c in _cause_items(analysis)
                  if (c.paragraph, c.text.strip()) not in own_text and c.paragraph not in own_cause]
    if not standalone and not any(inline):
        first = items[0]
        yield ctx.finding("RC202", section="limitations", paragraph=first.paragraph, evidence=first.text,
                          extra={"scope": "section"})
        return
    linked = None if _causes_by_kind(analysis, standalone) else _linked_items(items, inline, standalone, ctx)
    if linked is None:
        return
    for it, ok in zip(items, linked):
        if not ok:
            yield ctx.finding("RC202", section="limitations", paragraph=it.paragraph, evidence=it.text,
                              extra={"scope": "item"})


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# the remedy part of an entry that gives limitation, cause and remedy together
_REMEDY_LABEL = re.compile(r"(?:^|[.;]\s*|\s-\s*)(?:cach sua|bien phap(?: khac phuc)?|huong khac phuc|huong sua|giai phap"
                           r"|remedy|remedies|measures?)\s*:")


def _explained(text: str) -> bool:
    """The entry gives its own cause: a cause marker ("do…", "vì…", "nguyên nhân là…"), or a later
    sentence that is the writer's own failing ("… gây 5 lần sự cố. Tôi còn ngại va chạm với các hộ.").
    A remedy written after it in the same entry ("… Cách sửa: từ tháng 1/2026 tui chuẩn bị …") is no cause."""
    remedy = _REMEDY_LABEL.search(fold(text))
    if remedy and remedy.start() > 0:
        text = text[: remedy.start()]
    if is_cause(text):
        return True
    head, colon, after = text.partition(":")
    if colon and count_words(head) <= 15 and count_words(after) >= 3 and is_subjective(after):
        return True  # "Để 46 hộp thuốc hết hạn: tôi không sắp xếp kho theo …"
    # a later sentence or clause that gives a reason of the writer's own ("… gây 5 lần sự cố. Tôi còn ngại va
    # chạm với các hộ."); a later clause that is another failing ("; tôi ít phát biểu") is not a cause
    # A sentence after the first explains it when it is an own failing; a clause after ";" only when it
    # gives an attitude or habit (";" as often joins a second failing).
    reasons = lexicon()["subjective"]["reasons"]
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if count_words(s) >= 1]
    for k, sentence in enumerate(sentences):
        clauses = [c for c in sentence.split(";") if count_words(c) >= 4]
        if k > 0 and clauses and is_subjective(clauses[0]):
            return True
        if any(has_phrase(fold(c), reasons) for c in clauses[1:]):
            return True
        # an attitude of the writer's (or the collective's) that led to the failing: "Việc giám sát … chưa được
        # chi bộ quan tâm nên … kéo dài ba tháng mới phát hiện", "Tôi còn ngại va chạm nên ít góp ý"
        m = _CONSEQUENCE.search(fold(sentence))
        if m and count_words(sentence[: m.start()]) >= 3 and has_phrase(fold(sentence)[: m.start()], reasons):
            return True
    return False


_CONSEQUENCE = re.compile(r"\s(?:nen|dan den|khien|so that|which led to|and so)\s")


_ALL_LIMITATIONS = re.compile(r"\b(?:cac|nhung)\s+(?:han che|khuyet diem|ton tai)(?:,?\s+(?:khuyet diem|han che))?\s+"
                              r"(?:tren|nay|noi tren|neu tren|vua neu)\b|\b(?:these|the above|all these)\s+(?:shortcomings|limitations)\b")


def _summary_line(text: str) -> bool:
    """A line that opens or closes the causes without giving one: "Những hạn chế nói trên có cả nguyên nhân
    khách quan và chủ quan, trong đó chủ quan là chính:", "Bản thân thấy rõ trách nhiệm của mình đối với
    các hạn chế này …" — it ties no cause to any limitation."""
    f = fold(text).strip()
    if f.endswith(":") and count_words(text) <= 30 and _ALL_LIMITATIONS.search(f):
        return True
    return bool(_ALL_LIMITATIONS.search(f)) and not is_cause(text) and not is_subjective(text) and not is_objective(text)


def _linked_items(items: list[Item], inline: list[bool], causes: list[Item], ctx: Context) -> list[bool] | None:
    """Which limitations have a cause, or None when the causes cannot be tied to single limitations.

    Causes are tied to limitations by ordinals ("hạn chế thứ nhất", "(2)"), by a topic lead
    ("Về đề tài: …", "Đối với việc chậm báo cáo: …"), or by the limitation they clearly share
    most words with. Causes arranged as objective / subjective are general: they explain all.
    """
    if len(items) < 2:
        return None
    causes = [c for c in causes if not _summary_line(c.text)]
    if not causes:  # every cause written inside a limitation: the others have none
        return inline
    refs = _referenced(causes)
    if refs and max(refs) <= len(items):
        named = _named_in_sentences(items, causes)
        return [ok or (i + 1) in refs or i in named for i, ok in enumerate(inline)]
    if any(fold(c.text).startswith(_GENERAL_LEADS) for c in causes):
        return None
    if any(sum(count_words(part) >= 3 for part in c.text.split(";")) >= len(items) for c in causes):
        return None  # "Do tôi: coi việc nhập liệu là việc phụ; chưa tự đọc văn bản; …": one clause a limitation
    echoed: set[int] = set()
    all_led = True
    paired = True  # every cause (each of its clauses) echoes one limitation, each cause a different one
    for c in causes:
        # an entry is about the limitations any of its clauses points to ("Về quá tải: …; …")
        hits: set[int] = set()
        led = _topic_lead(c.text)
        if led:
            hits = _lead_targets(items, led)
        all_led = all_led and bool(hits)
        every_clause = True  # the entry's first clause echoes a limitation (later ones go on about it)
        for part in c.text.split(";") if not hits else ():
            if count_words(part) >= 3:
                found = _cause_targets(items, Item(c.paragraph, part.strip()), ctx)
                every_clause = every_clause and (bool(found) or bool(hits))
                hits |= found
        if not hits or not every_clause:
            return None  # a general cause (or clause of one): it may explain any limitation
        paired = paired and len(hits) == 1 and not hits & echoed
        echoed |= hits
    if all_led or (paired and len(causes) >= 2):
        # every cause names the limitation it explains ("Đối với việc …:", or one cause sentence
        # a limitation, each echoing its own): the rest have none
        return [ok or i in echoed for i, ok in enumerate(inline)]
    # otherwise only a limitation that shares (almost) nothing with every cause is without one
    unlinked = ctx.thresholds["cause_unlinked_overlap"]
    return [ok or i in echoed or any(overlap(it.text, c.text) >= unlinked for c in causes)
            for i, (it, ok) in enumerate(zip(items, inline))]


def _named_in_sentences(items: list[Item], causes: list[Item]) -> set[int]:
    """Limitations that a sentence of the causes names as its subject, beside the numbered references
    ("Về nguyên nhân của hạn chế thứ hai: … Việc ít góp ý trong chi bộ là do tính tôi ngại va chạm.")."""
    out: set[int] = set()
    for c in causes:
        for sentence in _SENTENCE_END.split(c.text.strip()):
            lead = _topic_lead(sentence) if count_words(sentence) >= 4 else None
            if lead and "nguyen nhan" not in fold(lead) and not _ORDINAL_RE.search(fold(lead)):
                out |= _lead_targets(items, lead)
    return out


_TOPIC_LEADS = ("ve ", "doi voi", "viec ", "han che ", "khuyet diem ", "for ", "regarding", "as for", "as to", "on the ")


_SUBJECT_CAUSE = re.compile(r"\s(?:(?:chu yeu |mot phan |la |cung )?(?:do|vi|boi)|because|due to|is due to|was due to)\s")


def _topic_lead(text: str) -> str | None:
    """The topic a cause entry opens with: "Về đề tài: …", "Đối với việc gửi báo cáo trễ: …", or the
    limitation named as the subject of the cause ("Việc số hóa bản đồ chậm do phần mềm …")."""
    lead, sep, _rest = text.partition(":")
    if sep and count_words(lead) <= 12 and fold(lead).startswith(_TOPIC_LEADS):
        return lead
    # "The late reports: after returning from leave I did not plan …" — a short naming lead before a colon
    if sep and 2 <= count_words(lead) <= 6 and not _starts_as_cause(lead) and \
            not fold(lead).strip().startswith(_GENERAL_LEADS + ("ban than", "toi", "i ", "we ", "chi bo", "tap the")):
        return lead
    f = fold(text)
    # "Về chuyên cần, vào mùa tra hạt …" / "Riêng về khảo sát giá đất, …": a short lead closed by a comma
    m = re.match(r"^(?:rieng\s+)?(?:ve|doi voi|as for|regarding)\s+[^,;:]{3,60},", f)
    if m and count_words(text[: m.end()]) <= 8:
        return text[: m.end() - 1]
    m = next((m for m in _SUBJECT_CAUSE.finditer(f)
              if conj_as_written(lower(text), m.end() - 1 - len(m.group(0).split()[-1]), m.group(0).split()[-1])), None)
    if m and 2 <= count_words(f[: m.start()]) <= 14 and not f.startswith(("nguyen nhan", "cause", "the cause", "the reason")):
        return text[: m.start()]
    return None


def _lead_targets(items: list[Item], lead: str) -> set[int]:
    """The limitations a topic lead names; a lead may list several ("việc không báo vắng, báo VMS chậm
    và mua bảo hiểm chậm")."""
    parts = [lead] + [p for p in re.split(r"[,;]|\s(?:và|and)\s", lead) if count_words(p) >= 2]
    # half of a lead's words, or all of a short one's ("Về giáo án" is not "cán bộ quản giáo"; "For the medical
    # records" is not "the case report … for the medical journal", one shared word)
    return {i for i, it in enumerate(items)
            if any(overlap(p, it.text) >= 1.0 or (len(content_syllables(p)) >= 3 and (
                   answers(p, it.text) or overlap(p, it.text) >= 0.5)) for p in parts)}


def _cause_targets(items: list[Item], cause: Item, ctx: Context) -> set[int]:
    """The limitations one cause clause is about: by its topic lead, else by a strong echo."""
    lead = _topic_lead(cause.text)
    if lead:
        by_lead = _lead_targets(items, lead)
        if by_lead:
            return by_lead
    echo = ctx.thresholds["cause_link_overlap"]
    return {i for i, it in enumerate(items) if overlap(it.text, cause.text) >= echo or answers(it.text, cause.text)}


def _causes_by_kind(analysis: Analysis, causes: list[Item]) -> bool:
    """Causes arranged as objective / subjective ("Khách quan: …", "Chủ quan: …"): general, not per limitation."""
    for c in causes:
        head = fold(analysis.heading_text.get(c.paragraph, ""))
        if analysis.headings.get(c.paragraph, "").startswith("II.2.") or head.startswith(_GENERAL_LEADS):
            return True
    return False


_GENERAL_LEADS = ("ve khach quan", "ve chu quan", "khach quan", "chu quan", "nguyen nhan khach quan",
                  "nguyen nhan chu quan", "objective", "subjective", "on the objective", "on the subjective")


@rule("RC203")
def no_subjective_cause(analysis: Analysis, ctx: Context) -> Iterator[Finding]:
    causes = _cause_items(analysis)
    if not causes or sum(count_words(c.text) for c in causes) < ctx.thresholds["min_cause_words"]:
        return
    limits = _admitted_items(analysis)
    if limits and _token_shortcomings(analysis, limits, ctx):
        return  # nothing admitted, so nothing to find causes for: RC201 says it
    # causes given inside the limitations ("…; nguyên nhân là tôi chưa …") count too: only their cause part
    inline = [_cause_part(it.text) for it in _limitation_items(analysis)]
    if any(_own_cause(c.text) for c in causes) or any(is_subjective(t) for t in inline if t) or \
            _subjective_heading_with_text(analysis):
        return
    if analysis.kind == "collective" and any(_member_fault(t) for t in [*inline, *(c.text for c in causes)] if t):
        return  # "đồng chí phụ trách chưa bố trí thời gian hợp lý": one of its own, so the collective's own cause
    yield ctx.finding("RC203", section="causes", paragraph=causes[0].paragraph,
                      evidence=" ".join(c.text for c in causes)[:300],
                      extra={"objective_cues": any(is_objective(c.text) for c in causes)})


def _member_fault(text: str) -> bool:
    """A fault of the collective's own people ("đồng chí phụ trách chưa …", "một số đảng viên còn ngại …"): for a
    collective's report a subjective cause (01-HD: its own members are the collective), though for an
    individual the same words name someone else."""
    return bool(_member_fault_pattern().search(fold(text)))


@functools.lru_cache(maxsize=1)
def _member_fault_pattern() -> re.Pattern:
    who = "|".join(re.escape(w) for w in sorted(lexicon()["subjective"]["collective_members"], key=len, reverse=True))
    return re.compile(rf"\b(?:{who})\b(?:\s+\w+){{0,6}}?\s+(?:chua|khong|con|thieu|it)\s+\w")


_SUBJECTIVE_LEADS = ("chu quan", "ve chu quan", "nguyen nhan chu quan", "ve phia ban than", "ve ban than", "ban than",
                     "ve phia toi", "phia toi", "subjective", "on my part", "my own")
_OBJECTIVE_CUT = re.compile(r"\b(khach quan|nguyen nhan khach quan|objective)\b\s*:")


_SUBJECTIVE_LABEL = re.compile(r"^[\s*+•\-–]*(?:nguyen nhan chu quan|ve chu quan|chu quan|ve phia ban than|subjective)"
                               r"(?:\s*\([^)]*\))?\s*:")


def _own_cause(text: str) -> bool:
    """A cause that is the writer's own. Under its label ("Nguyên nhân chủ quan: …") the text is judged as
    under a "Chủ quan" heading: the label alone does not make "bản thân … phải đảm nhiệm nhiều phần việc
    … nên chưa thể làm tốt hơn" (workload, put in the first person) an own cause."""
    m = _SUBJECTIVE_LABEL.match(fold(text))
    if m is None:
        return is_subjective(text)
    rest = text[m.end():]
    return count_words(rest) >= 4 and (is_subjective(rest) or bool(_OWN_FAULT.search(fold(rest))) or not is_objective(rest))


def _subjective_heading_with_text(analysis: Analysis) -> bool:
    """A "Chủ quan: …" / "Về phía bản thân: …" part whose text is not, in fact, only circumstances."""
    paras = analysis.document.paragraphs
    for index in analysis.headings:
        head = fold(analysis.heading_text.get(index, ""))
        if not head.startswith(_SUBJECTIVE_LEADS) and "nguyen nhan chu quan" not in head:
            continue
        text = analysis.heading_rest.get(index) or (paras[index + 1].text if index + 1 < len(paras) else "")
        cut = _OBJECTIVE_CUT.search(fold(text))
        if cut:  # "Chủ quan: … . Khách quan: …" in one paragraph: only the first part is the writer's
            text = text[: cut.start()]
        # a fault counts where its clause's subject is not someone else ("một số chủ đầu tư nộp hồ sơ không
        # đầy đủ"; the subject is what comes before the fault)
        others = lexicon()["subjective"]["third_party"]
        own_fault = any((m := _OWN_FAULT.search(c)) and has_phrase(c[: m.start()], others) is None
                        for c in re.split(r"[;,.]", fold(text)))
        if count_words(text) >= 4 and not _is_none(text) and (
                is_subjective(text) or own_fault or not is_objective(text)):
            return True
    return False


_OWN_FAULT = re.compile(r"\b(chua|con|khong|it)\s+(\w+\s+)?(manh dan|chu dong|kip thoi|kiem tra|sat|quyet liet|nghien cuu|"
                        r"tim hieu|sap xep|ngai|quan tam|thuong xuyen|du|ky)\b")


@once_per_report
def _remedy_items(analysis: Analysis) -> list[Item]:
    return [it for it in section_items(analysis, "remedies") if count_words(it.text) >= 3 and not _is_none(it.text)]


@rule("RC204")
def remedy_without_deadline(analysis: Analysis, ctx: Context) -> Iterator[Finding]:
    items = _remedy_items(analysis)
    if not items:
        return
    if any(is_deadline(it.text, analysis.year) for it in items + _placed_remedies(analysis)):
        return  # (part VI may point to the remedies and deadlines written beside each limitation in part II)
    sec = analysis.sections["remedies"]
    if sec.heading and is_deadline(sec.heading, analysis.year):
        return
    vague = has_phrase(fold(" ".join(it.text for it in items)), lexicon()["time"]["vague"])
    yield ctx.finding("RC204", section="remedies", paragraph=items[0].paragraph, evidence=items[0].text,
                      extra={"vague_time": vague} if vague else None)


@rule("RC205")
def remedy_unrelated(analysis: Analysis, ctx: Context) -> Iterator[Finding]:
    limits = _limitation_items(analysis)
    remedies = _remedy_items(analysis)
    if not limits or not remedies or _token_shortcomings(analysis, limits, ctx):
        return
    if _placed_remedies(analysis):
        return  # remedies written beside a limitation (its table row, its own entry) answer it
    if len(content_bigrams(" ".join(it.text for it in limits))) < 3:
        return
    english = analysis.language == "en"
    if any(answers(it.text, r.text, english=english) for it in limits for r in remedies):
        frame = frame_bigrams(analysis)
        if any(answers(it.text, r.text, frame, english) for it in limits for r in remedies):
            return
    yield ctx.finding("RC205", section="remedies", paragraph=remedies[0].paragraph, evidence=remedies[0].text)


# A leader's leadership results (02B I.3) without facts are reported by RC207 (leader-items-thin).
_RESULT_SECTIONS = {"member": ("task_results",), "leader": ("task_results",),
                    "collective": ("targets",)}


@rule("RC206")
def no_concrete_results(analysis: Analysis, ctx: Context) -> Iterator[Finding]:
    """The task results name a concrete product (QĐ 124 Art. 3, 12 "bằng sản phẩm cụ thể"); for
    collectives the results against targets. A leader's leadership item is judged by RC207."""
    for sid in _RESULT_SECTIONS.get(analysis.kind, ("task_results",)):
        sec = analysis.sections.get(sid)
        if sec is None or sec.words < ctx.thresholds["results_min_words"]:
            continue
        items = section_items(analysis, sid)
        if any(is_concrete(it.text) for it in items):
            continue
        yield ctx.finding("RC206", section=sid, paragraph=items[0].paragraph if items else sec.first,
                          evidence=items[0].text if items else sec.heading,
                          vi={"section_name": label("section", sid, "vi")},
                          en={"section_name": label("section", sid, "en")})


_LEADER_ITEMS = ("leadership", "innovation", "exemplary")


@rule("RC207")
def leader_items_thin(analysis: Analysis, ctx: Context) -> Iterator[Finding]:
    """Each leader item (02B I.3–I.5) says something particular: a fact, figure, date or named output."""
    if analysis.kind != "leader" or analysis.form not in ("2023", "2025"):
        return
    minimum = ctx.thresholds["leader_item_min_words"]
    for sid in _LEADER_ITEMS:
        sec = analysis.sections.get(sid)
        if sec is not None and sec.words >= minimum and any(_particular(it.text, sid) for it in section_items(analysis, sid)):
            continue
        yield ctx.finding(
            "RC207", section=sid, paragraph=sec.first if sec else None,
            evidence=analysis.section_text(sid)[:200] if sec else None,
            vi={"item": label("section", sid, "vi"),
                "state": "chưa có" if sec is None else "chỉ có lời chung chung, không có việc cụ thể"},
            en={"item": label("section", sid, "en"),
                "state": "missing" if sec is None else "only general words, no particular fact"},
        )


def _particular(text: str, sid: str) -> bool:
    """A fact: figures, dates, named outputs; for exemplary responsibility also named family conduct; for
    innovation and leadership also a particular act of the writer's ("tôi đề xuất …", "I refused …")."""
    if is_concrete(text):
        return True
    lex = lexicon()["concrete"]
    if sid == "exemplary" and has_phrase(fold(text), lex["exemplary_facts"]) is not None:
        return True
    # a particular act of the writer's own with what it was about, not a slogan
    return sid in ("innovation", "leadership") and count_words(text) >= 15 and \
        has_phrase(fold(text), lex["leader_acts"]) is not None


@rule("RC208")
def collective_responsibility_unnamed(analysis: Analysis, ctx: Context) -> Iterator[Finding]:
    if analysis.kind != "collective":
        return
    sec = analysis.sections.get("collective_responsibility")
    text = analysis.section_text("collective_responsibility") if sec else ""
    if sec is not None and (_names_post(fold(text)) or _names_person(text)):
        return
    yield ctx.finding("RC208", section="collective_responsibility", paragraph=sec.first if sec else None,
                      evidence=text[:300] or None)


def _names_post(text_fold: str) -> bool:
    """One post named in the singular ("đồng chí Bí thư", "Phó Bí thư phụ trách …")."""
    lex = lexicon()["responsibility"]
    plural = tuple(lex["plural"])
    for m in phrase_pattern(tuple(lex["posts"])).finditer(text_fold):
        before = text_fold[max(0, m.start() - 16):m.start()].split()
        before = [w for w in before if w not in ("dong", "chi", "d/c", "comrade")]
        if before and any(" ".join(before[-k:]) in plural for k in (1, 2)):
            continue
        return True
    return False


def _names_person(text: str) -> bool:
    """A Vietnamese personal name: a common surname followed by one to three capitalised syllables;
    typed without diacritics, after "Comrade", "đồng chí", "Mr" …, the full name ("Comrade Tran Van Phuc")."""
    return _person_re().search(text) is not None


@functools.lru_cache(maxsize=1)
def _person_re() -> re.Pattern:
    surnames = lexicon()["responsibility"]["surnames"]
    bare = sorted({unicodedata.normalize("NFD", s.replace("Đ", "D")).encode("ascii", "ignore").decode("ascii")
                   for s in surnames} - set(surnames))
    return re.compile(rf"(?<!\w)(?:(?:{'|'.join(surnames)})(?:\s+[A-ZĐ]\w*){{1,3}}"
                      rf"|(?i:comrades?|mr\.?|mrs\.?|ms\.?|dong chi|đồng chí|d/c|đ/c)\s+(?:{'|'.join(bare)})(?:\s+[A-Z][a-z]*){{2,3}})(?!\w)")
