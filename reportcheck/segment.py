"""Segment a report into the parts of its form.

1. Every paragraph that *could* be a heading becomes a :class:`Candidate`:
   a Word heading style, automatic or typed numbering ("I.", "II-", "1)",
   "a/"), a bold or all-caps short line, a bold lead ("1. Hạn chế: …"), or a
   short "label: text" line.
2. Candidates are matched, in document order, against the rubric's nodes by
   key nouns + fuzzy similarity (rapidfuzz) + numbering and position, so a
   numbered limitation inside section II never becomes a section heading.
3. Matched nodes give paragraph ranges; each node marks the section ids it
   covers present (a combined heading marks all of its topics). A part with
   no heading counts when its content clearly covers it (cue phrases).
"""

from __future__ import annotations

import re
from collections import Counter
import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from .model import Analysis, Paragraph, Section
from .rubric import Node, Rubric, all_rubric_stems, load_rubric
from .text.normalize import count_words, fold, phrase_pattern

_ROMAN = r"[IVX]{1,4}"
_LABEL_RE = re.compile(
    rf"^(?:(?i:phần|phan|mục|muc|chương|chuong|part|section)(?:\s+thứ)?\s+)?"
    rf"(?P<label>(?:{_ROMAN}|[A-Z])\.?\d{{1,2}}(?![\d,])|{_ROMAN}|\d{{1,2}}(?:\s*[,–\-]\s*\d{{1,2}})+(?=\s*[.)])|"
    rf"\d{{1,2}}(?:\.\d{{1,2}}){{0,2}}|[a-zA-Z])"  # (items taken together: "3, 4, 5. Về lãnh đạo …; đổi mới …")
    rf"(?P<punct>\s*[.):/\-]+\s*|\s+(?=[-:]))"
)
_BULLET_RE = re.compile(r"^[-+*•●○▪■◦>]+\s*")
_PLACEHOLDER_RE = re.compile(r"^[\s.…_\-:;,()\[\]☐□▢☒☑✓✔xX/]*$")
_STOP = frozenset("ve cua va nhung cac trong viec doi voi voi la the of and the in for to on".split())


@dataclass(frozen=True, slots=True)
class Candidate:
    index: int
    head: str  # heading text without its label, as written (normalised)
    head_fold: str
    rest: str  # text after the heading in the same paragraph
    label: str | None
    label_kind: str | None  # roman / arabic / letter / bullet / None
    strong: bool


# an item numbered within its part: "A1.", "B2.", "II.1."
_SUB_LABEL_RE = re.compile(rf"(?:{_ROMAN}|[A-Z])\.?(\d{{1,2}})")


def _label_kind(label: str) -> str:
    if label.startswith("P") and len(label) > 1:
        return "part"
    if _SUB_LABEL_RE.fullmatch(label):
        return "arabic"
    if re.fullmatch(_ROMAN, label):
        return "roman"
    if label[0].isdigit():
        return "arabic"
    return "letter"


_DOTTED_LABEL_RE = re.compile(rf"(?P<label>(?:[A-Z]|{_ROMAN}|\d{{1,2}})\.\d{{1,2}}(?:\.\d{{1,2}})?)\s+")
_PART_RE = re.compile(r"^(?:phần|phan|part)\s+(?:thứ|thu|the)?\s*(\w+)\s*[.:\-]\s*", re.IGNORECASE)
_TITLE_RE = re.compile(r"\b(ban (tu )?kiem diem|bao cao kiem diem|self-review report|self-criticism report|review report)\b")
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")


@lru_cache(maxsize=1)
def _possessive() -> re.Pattern:
    """"của tôi", "của tui", "của bản thân" in a heading ("Khuyết điểm của tui và cách sửa") names whose part,
    not which."""
    from .annotate import writer_words  # (annotate reads headings through this module)
    return re.compile(rf"\s+cua\s+(?:{writer_words(bound=True)})\b")


def _split_label(text: str) -> tuple[str | None, str]:
    """Split a typed numbering label off the text: ('II', 'Hạn chế…'); "Phần thứ hai: …" -> ('P2', '…')."""
    part = _PART_RE.match(text)
    if part and part.end() < len(text):
        return f"P{part.group(1)}", text[part.end():]
    m = _LABEL_RE.match(text)
    if m and m.end() < len(text) and (text[m.end()].isalpha() or text[m.end()] in "\"'("):
        label = m.group("label")
        # "A" or "Y" at the start of a sentence is not a label unless followed by punctuation
        if len(label) == 1 and label.isalpha() and not m.group("punct").strip():
            return None, text
        return label, text[m.end():]
    # a multi-level number is a label without a stop after it ("1.2 Kết quả …", "A.1 Political qualities"),
    # when a capital opens what follows (a decimal in a sentence, "2.5 triệu đồng", does not)
    m = _DOTTED_LABEL_RE.match(text)
    if m and m.end() < len(text) and text[m.end()].isupper():
        return m.group("label"), text[m.end():]
    return None, text


def _split_head(text: str, lead: str | None) -> tuple[str, str]:
    """Separate a heading from text that follows it in the same paragraph."""
    if lead:
        lead_clean = lead.strip()
        if text.startswith(lead_clean) and len(lead_clean) < len(text):
            return lead_clean.rstrip(" :.-"), text[len(lead_clean):].strip(" :.-")
    colon = text.find(":")
    if 0 < colon <= 160 and count_words(text[:colon]) <= 30:
        return text[:colon].strip(), text[colon + 1:].strip()
    return text.strip(" :.-"), ""


_ASCII_LOWER_RE = re.compile(r"[a-z]")


def _is_caps(text: str) -> bool:
    if _ASCII_LOWER_RE.search(text):
        return False  # a small letter: not all in capitals (what the check below finds, sooner)
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 6 and all(c.isupper() for c in letters)


def candidate(p: Paragraph) -> Candidate | None:
    """Return the paragraph as a heading candidate, or None when it cannot be one."""
    text = p.text.strip()
    if not text or _PLACEHOLDER_RE.match(text) or is_form_line(text):
        return None
    label, kind = None, None
    if p.label:
        label = p.label.strip().rstrip(".):/-")
        kind = _label_kind(label) if label else None
    body = text
    typed_label, after = _split_label(text)
    if typed_label and not p.label:
        label, kind, body = typed_label, _label_kind(typed_label), after
    bullet = None
    if label is None:
        m = _BULLET_RE.match(text)
        if m and m.end() < len(text):
            bullet, body = m.group(0), text[m.end():]
            kind = "bullet"
    lead = p.lead_bold
    if lead and label and not p.label:
        _, lead = _split_label(lead)
    if lead and bullet:
        lead = _BULLET_RE.sub("", lead, count=1)
    head, rest = _split_head(body, lead)
    if not head:
        return None
    words = count_words(head)
    styled = p.level is not None or (p.label is not None and kind != "bullet")
    emphatic = p.bold or _is_caps(head) or bool(lead)
    if styled or (emphatic and words <= 70):
        strong = True
    elif label and kind != "bullet" and words <= 70:
        strong = True
    elif rest and words <= 14 and not (p.table_cell and p.table_cell[2] > 0):
        # "Nguyên nhân: do …" or "- Về tư tưởng chính trị: …" — but not in a table's second or later column,
        # where "Khách quan: …; Chủ quan: …" is one row's cause, not a part of the report
        strong = False
    elif words <= 30 and not rest and not head.rstrip().endswith((".", ";", ",")) and (
            p.list_item or kind == "bullet" or not (p.in_table or body.rstrip().endswith((".", ";", ",")))):
        # "* Chấp hành nguyên tắc tập trung dân chủ, quy chế làm việc" or "Hạn chế, khuyết điểm" typed as a plain
        # line (a .txt, a Word file in Normal style): a weak candidate, taken only on a close match to the form.
        # A sentence ("Không có vấn đề được gợi ý kiểm điểm.") is not; nor is a table's cell, a column name
        # ("Hạn chế | Nguyên nhân | Biện pháp").
        strong = False
    else:
        return None
    if _TITLE_RE.search(fold(head)):
        return None  # the report's title ("BẢN KIỂM ĐIỂM, ĐÁNH GIÁ, XẾP LOẠI …") is not a part of it
    # a note in brackets at the end ("(nếu có)", "(tự chấm 56/70 điểm)") says nothing about which part it is
    head_fold = _possessive().sub("", fold(_TRAILING_NOTE.sub("", head) or head)).strip() or fold(head)
    if not strong and kind is None and not rest and not p.list_item and not _any_key().search(head_fold):
        return None  # a plain line naming nothing a heading of any form names: body text (and cheap to drop)
    return Candidate(p.index, head, head_fold, rest, label, kind, strong)


@lru_cache(maxsize=1)
def _any_key() -> re.Pattern:
    """Every key noun of every form's headings: a heading of any part names at least one (``min_keys`` ≥ 1)."""
    return phrase_pattern(tuple({k for stem in all_rubric_stems() for n in load_rubric(stem).nodes for k in n.keys}),
                          prefix=True)


def _tokens(s: str) -> list[str]:
    return [t for t in re.findall(r"\w+", s) if t not in _STOP]


@lru_cache(maxsize=32768)
def _variant_score(head: str, variant: str) -> float:
    head, variant = default_process(head), default_process(variant)  # punctuation would split tokens apart
    head_tokens = _tokens(head)
    if not head_tokens:
        return 0.0
    vt = set(_tokens(variant))
    coverage = sum(1 for t in head_tokens if t in vt) / len(head_tokens)
    score = fuzz.ratio(head, variant)
    if coverage >= 0.6:
        score = max(score, fuzz.token_set_ratio(head, variant) * (0.85 + 0.15 * coverage))
    if len(variant) >= 12 and len(head) > len(variant):
        # the heading opens with the variant and goes on ("Công tác xây dựng Đảng, kiểm tra, …")
        score = max(score, 0.95 * fuzz.ratio(head[: len(variant)], variant))
    return score


def node_score(cand: Candidate, node: Node) -> float:
    """Similarity of a candidate heading to a rubric node, 0..100."""
    return _node_score(cand.head_fold, node)


@lru_cache(maxsize=65536)
def _node_score(h: str, node: Node) -> float:
    hits = len(set(phrase_pattern(node.keys, prefix=True).findall(h))) if node.keys else 0
    if hits < node.min_keys:
        return 0.0
    if node.excludes and phrase_pattern(node.excludes, prefix=True).search(h):
        return 0.0
    return max((_variant_score(h, v) for v in node.variants), default=0.0)


@lru_cache(maxsize=32768)
def named_topics(head_fold: str) -> frozenset[str]:
    """Section ids of a heading-topic group that a heading names ("Quy tụ, đoàn kết; đổi mới; nêu gương")."""
    cues = _cues()
    return frozenset(sid for sid, words in cues["heading_topics"].items()
                     if phrase_pattern(tuple(words), prefix=True).search(head_fold))


def _listed_score(named: frozenset[str], node: Node) -> float:
    """A heading that lists two or more topics of one group ("3. Quy tụ, đoàn kết; đổi mới, dám nghĩ dám
    làm; nêu gương của bản thân và gia đình") stands for the group's items however it is worded.
    ``named``: the topics the heading names (:func:`named_topics`)."""
    if not node.covers:
        return 0.0
    for group in _cues()["heading_topic_groups"].values():
        listed = named & set(group)
        if len(listed) >= 2 and set(node.covers) <= listed:
            return 80.0
    return 0.0


@dataclass(slots=True)
class Match:
    cand: Candidate
    node: Node
    score: float
    implied: bool = False  # an item matched without its part's heading (see _match_pass)
    also: tuple[str, ...] = ()  # section ids of a second part the same heading names ("4, 5. Giải trình …; trách nhiệm …")


def candidates(paragraphs) -> list[Candidate]:
    """The heading candidates of a document. A plain lead written again and again ("Nguyên nhân: …" after
    each numbered limitation, "Ưu điểm: …" / "Hạn chế: …" in every item) labels repeated entries: it is
    not the heading of a part, however well its words would match one — in bold or not ("**Biện pháp:** …"
    in each "Hạn chế 1 / Nguyên nhân / Biện pháp" block)."""
    cands = [c for c in (candidate(p) for p in paragraphs) if c is not None]
    leads = Counter(c.head_fold for c in cands if c.label is None and c.rest)
    return [c for c in cands if not (c.label is None and c.rest and leads[c.head_fold] >= 2)]


def match_headings(paragraphs: tuple[Paragraph, ...], rubric: Rubric, cands: list[Candidate] | None = None) -> list[Match]:
    """Assign candidates to rubric nodes in document order (see module doc).

    A top-level part recognised only by its number ("I. Những việc làm được" before a recognised
    "III.") is fixed and the headings matched again, so that the items under it are read as its own.
    """
    if cands is None:
        cands = candidates(paragraphs)
    matched = _match_pass(rubric, cands, {})
    n_paras = max((c.index for c in cands), default=0) + 1
    tops = _fill_slots([n for n in rubric.nodes if n.depth == 1], cands, matched, 0, n_paras, frozenset(rubric.required))
    if tops:
        matched = _match_pass(rubric, cands, {m.cand.index: m.node for m in tops})
    return _joined_parts(rubric, cands, _by_numbering(rubric, cands, matched))


def _joined_parts(rubric: Rubric, cands: list[Candidate], matched: list[Match]) -> list[Match]:
    """One heading for two parts of the form ("4, 5. Giải trình vấn đề được gợi ý; trách nhiệm của tập thể,
    cá nhân"): each half (split at ";" or "và") closely matches a different part that nothing else
    matched. The heading opens the first part and covers the second too."""
    used = {m.node.key for m in matched}
    taken = {m.cand.index for m in matched}
    out = list(matched)
    for cand in cands:
        if cand.index in taken or not cand.strong:
            continue
        halves = [_possessive().sub("", fold(h)).strip(" .:-") for h in re.split(r";|\s(?:và|and)\s", cand.head)
                  if count_words(h) >= 2]
        if len(halves) < 2:
            continue
        picks: list[Node] = []
        for half in halves:
            scored = [(_node_score(half, n), n.order, n) for n in rubric.nodes
                      if n.depth == 1 and n.key not in used and all(n.key != p.key for p in picks)]
            best = max(scored, default=None, key=lambda t: (t[0], -t[1]))
            if best is None or best[0] < 85:
                break
            picks.append(best[2])
        else:
            picks.sort(key=lambda n: n.order)
            also = tuple(sid for n in picks[1:] for sid in n.covers + n.covers_alone)
            out.append(Match(cand, picks[0], 0.0, also=also))
            used.update(n.key for n in picks)
    out.sort(key=lambda m: m.cand.index)
    return out


_WORDING_CAP = 20_000  # headings kept per rubric (~2 MB): most recur from report to report


def _wording_scores(rubric: Rubric, head_fold: str) -> tuple[tuple[Node, float], ...]:
    """The nodes of ``rubric`` (in its order) that a heading's wording scores above 0 against, with that
    score: :func:`_node_score`, or the score of a heading listing a group's topics. It depends on the heading
    alone, while :func:`_match_pass` asks it of every node for every candidate, in each pass over each of
    the three rubrics a report is fitted to (~1.5 ms a report); most nodes score 0. Kept per rubric
    (``Rubric.wording_scores``), up to ``_WORDING_CAP`` headings."""
    table = rubric.wording_scores
    out = table.get(head_fold)
    if out is None:
        named = named_topics(head_fold)
        listing = len(named) >= 2
        scored = []
        for node in rubric.nodes:
            base = _node_score(head_fold, node)
            if listing:
                base = max(base, _listed_score(named, node))
            if base > 0:
                scored.append((node, base))
        out = tuple(scored)
        if len(table) < _WORDING_CAP:
            table[head_fold] = out
    return out


def _match_pass(rubric: Rubric, cands: list[Candidate], fixed: dict[int, Node]) -> list[Match]:
    top_labels_roman = any(n.depth == 1 for n in rubric.nodes) and rubric.form != "legacy"
    matched: list[Match] = []
    used: set[str] = set()
    current_top: Node | None = None
    current: Node | None = None
    top_kind: str | None = None
    # where each Roman part number stands as a heading: a part is not taken by an item-numbered heading
    # before the heading that carries the part's own number ("4. Tự chấm điểm" in part I, then "VII. Tự nhận
    # mức xếp loại chất lượng")
    roman_at = {}
    for c in cands:
        if c.label_kind == "roman" and c.strong:
            roman_at.setdefault(_ordinal(c.label), c.index)
    for cand in cands:
        if cand.index in fixed:
            node = fixed[cand.index]
            matched.append(Match(cand, node, 0.0))
            used.add(node.key)
            current, current_top = node, _top(rubric, node)
            continue
        best: tuple[float, Node, bool] | None = None
        for node, base in _wording_scores(rubric, cand.head_fold):
            if node.key in used:
                continue
            score = base
            implied = False
            top = _top(rubric, node)
            if node.depth == 1:
                if cand.label_kind == "roman" or (top_kind is not None and cand.label_kind == top_kind):
                    score += 5  # numbered as the form's parts, or as this writer numbers them
                elif cand.label_kind in ("arabic", "letter", "bullet") and top_labels_roman:
                    if top_kind == "roman" and roman_at.get(_ordinal(node.label), -1) > cand.index:
                        continue
                    # numbered as an item: more so once the report has shown how it numbers its parts
                    score -= 20 if top_kind in ("roman", "part") else 12
                if cand.label_kind == "roman" and node.label == cand.label:
                    score += 6  # and at the form's own number for this part
                elif cand.label_kind is not None and cand.label_kind == top_kind and \
                        _ordinal(cand.label) is not None and _ordinal(cand.label) == _ordinal(node.label):
                    score += 6  # "B. Hạn chế, khuyết điểm, nguyên nhân và biện pháp khắc phục": the second part
                if current_top is not None and node.order < current_top.order:
                    score -= 15
            else:
                if current_top is None or top.key != current_top.key:
                    # an item of a part whose own heading the writer left out ("Phẩm chất chính trị …"
                    # straight after the letterhead): only later in the form, and only on a close match
                    if top.key in used or not cand.strong or cand.label_kind == "roman" or (
                            current_top is not None and top.order < current_top.order):
                        continue  # (a Roman number makes it a part in its own right: the old layouts)
                    score -= 8
                    implied = True
                if cand.label_kind == "roman" and top_labels_roman:
                    score -= 10
                if current is not None and node.order < current.order and node.parent != current.key:
                    score -= 8
            if best is None or score > best[0]:
                best = (score, node, implied)
        if best is None:
            continue
        threshold = 74 if cand.strong else 88
        if best[0] < threshold:
            continue
        node = best[1]
        matched.append(Match(cand, node, best[0], best[2]))
        if node.depth == 1 and top_kind is None and cand.label_kind not in (None, "bullet"):
            top_kind = cand.label_kind  # the first part recognised sets how this report numbers its parts
        used.add(node.key)
        current = node
        current_top = _top(rubric, node)
    return matched


_ROMAN_VALUES = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
_WORD_ORDINALS = {"nhat": 1, "mot": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8,
                  "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}


def _ordinal(label: str | None) -> int | None:
    """The number a typed label stands for: "III" 3, "2" 2, "c" 3, "Phần thứ hai" ("Phai") 2."""
    if not label:
        return None
    label = label.strip().rstrip(".)")
    sub = _SUB_LABEL_RE.fullmatch(label) if not label.startswith("P") else None
    if sub:
        return int(sub.group(1))  # "A2": the second item of part A
    if label.startswith("P") and len(label) > 1:
        rest = label[1:]
        if len(rest) == 1 and rest.isalpha() and rest.upper() not in _ROMAN_VALUES:
            return ord(rest.lower()) - ord("a") + 1  # "Part B"
        return _ROMAN_VALUES.get(rest.upper()) or (int(rest) if rest.isdigit() else _WORD_ORDINALS.get(fold(rest)))
    if label.upper() in _ROMAN_VALUES and len(label) > 1 or label in _ROMAN_VALUES:
        return _ROMAN_VALUES[label.upper()]
    if label.isdigit():
        return int(label)
    if re.fullmatch(r"\d{1,2}(\.\d{1,2}){1,2}", label):
        return int(label.rsplit(".", 1)[1])  # "1.3": the third item of part 1
    if len(label) == 1 and label.isalpha() and label.lower() <= "h":
        return ord(label.lower()) - ord("a") + 1
    return None


def _by_numbering(rubric: Rubric, cands: list[Candidate], matched: list[Match]) -> list[Match]:
    """Recognise a part by its number, where its wording matched nothing.

    Between two recognised sibling parts whose typed numbers step as the form's parts do
    ("II" = part II and "IV" = part IV; or "B." = II and "D." = IV; or "2." = I.2 and "4." = I.4
    under part I), an unrecognised heading numbered in the same style stands for the part of the
    form at its number: "III. Những việc đã sửa" between them is part III. The same holds before
    the first recognised part when that one sits at the form's own number, and after the last one
    when no part the report must have is left after the slot. Where one part of the form is missing
    between two recognised ones and the writer put several numbered headings of their own there, the
    first opens that part. Only strong headings; a report that dropped a part and renumbered (the
    numbers then disagree with the form's positions) is left alone. Applied to the top-level parts,
    then within each part.
    """
    out = list(matched)
    tops = [n for n in rubric.nodes if n.depth == 1]
    n_paras = max((c.index for c in cands), default=0) + 1
    required = frozenset(rubric.required)
    out += _fill_all(tops, cands, out, 0, n_paras, required)
    out.sort(key=lambda m: m.cand.index)
    top_matches = [m for m in out if m.node.depth == 1]
    for i, m in enumerate(top_matches):
        end = top_matches[i + 1].cand.index if i + 1 < len(top_matches) else n_paras
        children = rubric.children(m.node.key)
        if children:
            out += _fill_all(children, cands, out, m.cand.index + 1, end, required)
    out.sort(key=lambda m: m.cand.index)
    return out


def _fill_all(siblings: list[Node], cands: list[Candidate], matched: list[Match], lo: int, hi: int,
              required: frozenset[str]) -> list[Match]:
    """_fill_slots until it finds nothing more: a part inferred by its number ("A3." = I.3 after "A1." = I.1)
    is an anchor for the one between them ("A2." = I.2)."""
    new: list[Match] = []
    while True:
        found = _fill_slots(siblings, cands, matched + new, lo, hi, required)
        if not found:
            return new
        new += found


def _fill_slots(siblings: list[Node], cands: list[Candidate], matched: list[Match], lo: int, hi: int,
                required: frozenset[str] = frozenset()) -> list[Match]:
    """Matches inferred for unrecognised, numbered headings in ``[lo, hi)`` among ``siblings`` (see above).

    Only the parts the form numbers count (an unnumbered alternative wording of a part is no slot)."""
    siblings = [n for n in siblings if n.label]
    pos = {n.key: i for i, n in enumerate(siblings)}
    used = {m.node.key for m in matched}
    taken = {m.cand.index for m in matched}
    # anchors: parts recognised by their wording, or by a number that is the form's own for them
    known = sorted((m for m in matched if m.node.key in pos and lo <= m.cand.index < hi and (
                    m.score > 0 or (_ordinal(m.cand.label) is not None and _ordinal(m.cand.label) == _ordinal(m.node.label)))),
                   key=lambda m: m.cand.index)
    if not known:
        return []
    free = [c for c in cands if lo <= c.index < hi and c.index not in taken and c.strong
            and c.label_kind not in (None, "bullet") and _ordinal(c.label) is not None and count_words(c.head) <= 40]
    new: list[Match] = []
    for c in free:
        prev = next((m for m in reversed(known) if m.cand.index < c.index), None)
        nxt = next((m for m in known if m.cand.index > c.index), None)
        if prev is None and nxt is not None:
            # before the first recognised part: only when that part is numbered as the form numbers it
            o, on = _ordinal(c.label), _ordinal(nxt.cand.label)
            if nxt.cand.label_kind != c.label_kind or on is None or on != _ordinal(nxt.node.label) or not o < on:
                continue
            between = [d for d in free if d.label_kind == c.label_kind and d.index < nxt.cand.index]
            target = pos[nxt.node.key] - (on - o)
            if target < 0 or len({_ordinal(d.label) for d in between}) != len(between) or siblings[target].key in used:
                continue
            new.append(Match(c, siblings[target], 0.0))
            used.add(siblings[target].key)
            continue
        if prev is None or prev.cand.label_kind != c.label_kind or _ordinal(prev.cand.label) is None:
            continue
        o, op = _ordinal(c.label), _ordinal(prev.cand.label)
        target = pos[prev.node.key] + (o - op)
        if o <= op or target >= len(siblings):
            continue
        between = [d for d in free if d.label_kind == c.label_kind and prev.cand.index < d.index
                   and (nxt is None or d.index < nxt.cand.index)]
        if len({_ordinal(d.label) for d in between}) != len(between):
            continue  # a numbered list inside the part, not its sub-headings
        if nxt is not None:
            on = _ordinal(nxt.cand.label)
            if nxt.cand.label_kind != c.label_kind or on is None or not o < on:
                continue
            if on - op != pos[nxt.node.key] - pos[prev.node.key]:
                # the writer's numbers do not step as the form's parts do. One case is still clear:
                # one part of the form is missing between the two, and the writer split it into several
                # numbered headings of their own ("2. Về công tác vận hành…", "3. Về chuyển đổi số…"
                # between item 1 and the commitment): the first of them opens that part
                gap = pos[nxt.node.key] - pos[prev.node.key]
                if gap != 2 or on - op < 2 or c is not between[0]:
                    continue
                target = pos[prev.node.key] + 1
        elif any(d.index > c.index for d in between) or target >= len(siblings) or any(
                n.key not in used and set(n.covers + n.covers_alone) & required for n in siblings[target + 1:]):
            # after the last recognised part: only the last heading, and only for the form's last part that
            # the report must have (parts after it are optional: 2C's commitment)
            continue
        node = siblings[target]
        if node.key in used:
            continue
        new.append(Match(c, node, 0.0))
        used.add(node.key)
    return new


def _top(rubric: Rubric, node: Node) -> Node:
    while node.parent:
        node = rubric.by_key[node.parent]
    return node


@lru_cache(maxsize=1)
def _cues() -> dict:
    path = resources.files("reportcheck.data").joinpath("sections.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _cue_hits(text_fold: str, cues: list[str]) -> set[str]:
    return {m.strip() for m in phrase_pattern(tuple(cues), prefix=True).findall(text_fold)}


def segment(analysis: Analysis, rubric: Rubric, cands: list[Candidate] | None = None,
            matches: list[Match] | None = None) -> None:
    """Fill ``analysis.sections``, ``paragraph_section``, ``headings`` and ``heading_rest``.

    ``matches``: the headings already matched to this rubric with these candidates, if any."""
    paras = analysis.document.paragraphs
    n = len(paras)
    if matches is None:
        matches = match_headings(paras, rubric, cands)
    analysis.rubric = rubric
    analysis.headings = {m.cand.index: m.node.key for m in matches}
    analysis.heading_rest = {m.cand.index: m.cand.rest for m in matches}
    analysis.heading_text = {m.cand.index: m.cand.head for m in matches}
    spans: dict[str, tuple[int, int, Match]] = {}
    for i, m in enumerate(matches):
        end = n - 1
        for later in matches[i + 1:]:
            if not _is_descendant(rubric, later.node, m.node) and not _nested_by_label(m, later):
                end = later.cand.index - 1
                break
        spans[m.node.key] = (m.cand.index, end, m)
    matched_keys = set(spans)

    # innermost matched node of each paragraph
    owner: dict[int, Node] = {}
    for key, (first, last, m) in sorted(spans.items(), key=lambda kv: kv[1][2].node.depth):
        for i in range(first, last + 1):
            owner[i] = m.node

    sections: dict[str, Section] = {}
    covers_of = {k: _covers(m, rubric) for k, (_, _, m) in spans.items()}  # the same for every section id
    for sid in _section_ids(rubric):
        covering = [
            spans[k] for k in spans
            if sid in covers_of[k]
            or (sid in spans[k][2].node.covers_alone and not _child_covers(rubric, k, sid, matched_keys)
                and _names_topic(spans[k][2], sid))
        ]
        if not covering:
            continue
        # "2. Nguyên nhân" with "a) Khách quan", "b) Chủ quan" below: the parent part is the one to take
        keys = {s[2].node.key: tuple(covers_of[s[2].node.key]) for s in covering}
        covering = [s for s in covering
                    if not any(keys.get(a) == keys[s[2].node.key] for a in rubric.ancestors(s[2].node.key))]
        depth = max(s[2].node.depth for s in covering)
        chosen = [s for s in covering if s[2].node.depth == depth]
        chosen_keys = {s[2].node.key for s in chosen}
        body = tuple(
            i for s in chosen for i in range(s[0], s[1] + 1)
            if (i not in analysis.headings or analysis.heading_rest.get(i))
            and not is_form_line(paras[i].text)
            and (owner.get(i) is None or owner[i].key in chosen_keys or not _covers_other(owner[i], sid))
        )
        lead = chosen[0][2]
        nodes_cover = covers_of[lead.node.key] or lead.node.covers_alone
        if sid in lead.node.covers_alone and not body and _has_matched_child(rubric, lead.node.key, matched_keys):
            continue  # "II. Hạn chế … và nguyên nhân" whose sub-items hold only the limitations
        if not body:  # the part's items name other topics only ("a) chính trị, b) đạo đức, c) kỷ luật"
            # for a heading that also lists working style): the part's text as a whole speaks for it
            body = tuple(i for s in chosen for i in range(s[0], s[1] + 1)
                         if (i not in analysis.headings or analysis.heading_rest.get(i)) and not is_form_line(paras[i].text))
        first = min(s[0] for s in chosen)
        last = max([first, *body])
        sections[sid] = Section(
            id=sid, present=True, heading=lead.cand.head, first=first, last=last,
            words=sum(count_words(analysis.para_body(i)) for i in body),
            node=lead.node.key, matched_by="heading" if len(nodes_cover) == 1 else "combined", body=body,
        )
    # header: everything before the first top-level part
    first_top = min((s[0] for s in spans.values()), default=n)
    header_idx = tuple(range(0, first_top))
    header_fold = fold(" ".join(paras[i].text for i in header_idx))
    if header_idx and len(_cue_hits(header_fold, _cues()["header"]["cues"])) >= _cues()["header"]["min"]:
        sections["header"] = Section(
            id="header", present=True, heading=None, first=0, last=first_top - 1,
            words=sum(count_words(paras[i].text) for i in header_idx), matched_by="content", body=header_idx,
        )
    for sid, spec in _cues().get("stand_in", {}).items():
        other = sections.get(spec["by"])
        if sid not in rubric.required or sid in sections or other is None or not other.heading:
            continue
        opening = " ".join(fold(paras[i].text) for i in other.body[:2])
        if any(w in fold(other.heading) for w in spec["words"]) or \
                any(all(w in opening for w in group) for group in spec.get("opening_words", ())):
            sections[sid] = replace(other, id=sid, matched_by="combined")
    analysis.sections = sections
    _assign_paragraphs(analysis, owner, rubric)
    _content_fallback(analysis, rubric)


def _covers(match: Match, rubric: Rubric | None = None) -> tuple[str, ...]:
    """Section ids a matched heading covers: its node's, plus the topics of the same group it names.

    A part heading whose sub-items hold such a group ("I. Ưu điểm: tư tưởng, đạo đức, lối sống, kỷ luật")
    names its topics in its short continuation too.
    """
    covers = match.node.covers + match.also
    cues = _cues()
    within = set(covers)
    text = match.cand.head_fold
    if rubric is not None and not covers:
        within = {sid for n in rubric.nodes if match.node.key in rubric.ancestors(n.key) for sid in n.covers}
        if count_words(match.cand.rest) <= 15:
            text = f"{text} {fold(match.cand.rest)}"
    for group in cues["heading_topic_groups"].values():
        if not within & set(group):
            continue
        named = [sid for sid in group if sid not in covers
                 and phrase_pattern(tuple(cues["heading_topics"][sid]), prefix=True).search(text)]
        if not covers and len(named) < 2:
            continue  # a part heading must list topics, not merely mention one word
        covers = covers + tuple(named)
    return covers


def _names_topic(match: Match, sid: str) -> bool:
    """A combined heading covers ``sid`` alone only when it names it (``covers_alone_if``)."""
    words = dict(match.node.covers_alone_if).get(sid)
    return words is None or any(w in match.cand.head_fold for w in words)


def _has_matched_child(rubric: Rubric, key: str, matched: set[str]) -> bool:
    return any(n.key in matched for n in rubric.children(key))


def _child_covers(rubric: Rubric, key: str, sid: str, matched: set[str]) -> bool:
    """A matched descendant of ``key`` covers ``sid`` itself."""
    return any(
        n.key in matched and key in rubric.ancestors(n.key) and sid in (n.covers + n.covers_alone)
        for n in rubric.nodes
    )


def _covers_other(node: Node, sid: str) -> bool:
    ids = node.covers + node.covers_alone
    return bool(ids) and sid not in ids


def _section_ids(rubric: Rubric) -> list[str]:
    seen: list[str] = []
    for node in rubric.nodes:
        for sid in node.covers + node.covers_alone:
            if sid not in seen:
                seen.append(sid)
    return seen


_LABEL_DEPTH = {"part": 0, "roman": 0, "arabic": 1, "letter": 2, "bullet": 3}


def _nested_by_label(head: Match, later: Match) -> bool:
    """``later`` is an item numbered one level below the item ``head`` in the writer's own scheme ("2. Kết
    quả thực hiện nhiệm vụ" then "a) Kết quả của đơn vị do bản thân lãnh đạo"): the writer put it inside.
    Never a part of the form (a part is not inside an item, whatever letters the writer numbers parts with)."""
    if head.node.depth < 2 or later.node.depth < head.node.depth:
        return False
    a, b = _LABEL_DEPTH.get(head.cand.label_kind or ""), _LABEL_DEPTH.get(later.cand.label_kind or "")
    return a is not None and b is not None and a >= 1 and b > a


def _is_descendant(rubric: Rubric, node: Node, ancestor: Node) -> bool:
    return ancestor.key in rubric.ancestors(node.key)


_FORM_LINE_RE = re.compile(
    r"^(tu danh gia (ve )?cap do( thuc hien)?|muc do dat duoc|self-assessed level|self-assessment level)[:\s]*"
    r"|^[\s☐□▢☒☑✓✔\[\]()x]*(xuat sac|tot|trung binh|kem)[\s☐□▢☒☑✓✔\[\]()x]*"
    r"(tot|trung binh|kem)?[\s☐□▢☒☑✓✔\[\]()x]*(trung binh|kem)?[\s☐□▢☒☑✓✔\[\]()x]*(kem)?\s*$"
)


@lru_cache(maxsize=16384)
def is_form_line(text: str) -> bool:
    """Lines the form prints, not the writer's: per-criterion rating boxes ("Tự đánh giá về cấp độ thực hiện:
    ☐ Xuất sắc …") and instructions in brackets ("(Nêu rõ kết quả khắc phục đối với từng hạn chế …)").
    Kept per text: a paragraph is asked as a heading candidate and again by each section that spans it."""
    f = fold(text)
    return bool(_FORM_LINE_RE.search(f) or (f[:1] in "([" and _instruction_re().match(f)))


@lru_cache(maxsize=1)
def _instruction_re() -> re.Pattern:
    leads = "|".join(re.escape(w) for w in sorted(_cues()["form_instructions"]["leads"], key=len, reverse=True))
    return re.compile(rf"^[(\[]\s*(?:{leads})(?![a-z])[^()\[\]]*[)\]][\s.:;…]*$")


def _assign_paragraphs(analysis: Analysis, owner: dict[int, Node], rubric: Rubric) -> None:
    """Map each paragraph to the first section id of the innermost heading that owns it."""
    mapping: dict[int, str] = {}
    for i, node in owner.items():
        ids = node.covers or node.covers_alone
        if ids:
            mapping[i] = ids[0]
    header = analysis.sections.get("header")
    if header:
        for i in header.body:
            mapping.setdefault(i, "header")
    analysis.paragraph_section = mapping


def _spans_of(analysis: Analysis, rubric: Rubric, keys) -> list[tuple[int, int]]:
    """Paragraph ranges of the matched top-level parts ``keys`` ("I": from its heading to the next part)."""
    if not keys:
        return []
    tops = sorted((i, key) for i, key in analysis.headings.items() if rubric.by_key[key].depth == 1)
    n = len(analysis.document.paragraphs)
    return [(i, tops[j + 1][0] if j + 1 < len(tops) else n) for j, (i, key) in enumerate(tops) if key in keys]


def _content_fallback(analysis: Analysis, rubric: Rubric) -> None:
    """Mark a required part present when its content clearly covers it without a heading."""
    cues = _cues()
    paras = analysis.document.paragraphs
    for sid in rubric.required:
        if sid in analysis.sections or sid not in cues or sid == "header":
            continue
        spec = cues[sid]
        if rubric.form not in spec.get("forms", (rubric.form,)):
            continue
        within = set(spec.get("within", ()))
        not_within = set(spec.get("not_within", ("header", "self_rating")))
        hits: set[str] = set()
        where: list[int] = []
        after = analysis.sections.get(spec.get("after", ""))
        start = after.first if after is not None and after.first is not None else (0 if "after" not in spec else None)
        if start is None:
            continue
        inside = _spans_of(analysis, rubric, spec.get("within_parts", ()))
        # nothing above the first part counts (the preamble: "Căn cứ … kiểm điểm năm 2021 …")
        start = max(start, min(analysis.headings, default=0))
        strict = spec.get("strict_within", {})
        for p in paras[start:]:
            owner = analysis.paragraph_section.get(p.index)
            if owner in strict:
                found = _cue_hits(fold(analysis.para_body(p.index)), spec["cues"])
                if len(found) >= strict[owner]:
                    hits |= found
                    where.append(p.index)
                continue
            if owner in not_within or (within and owner not in within
                                       and not (owner is None and any(a <= p.index < b for a, b in inside))):
                continue
            if p.index in analysis.headings and not analysis.heading_rest.get(p.index):
                if "forms" in spec and owner is not None:  # "Về kết quả …, kết quả lãnh đạo, điều hành": its body
                    found = _cue_hits(fold(p.text), spec["cues"])
                    sec = analysis.sections.get(owner)
                    if found and sec is not None and sec.first == p.index and sec.body:
                        hits |= found
                        where.extend(i for i in sec.body if i not in where)
                continue
            found = _cue_hits(fold(analysis.para_body(p.index)), spec["cues"])
            if found:
                hits |= found
                where.append(p.index)
        if len(hits) >= spec.get("min", 2):
            analysis.sections[sid] = Section(
                id=sid, present=True, heading=None, first=where[0], last=where[-1],
                words=sum(count_words(analysis.para_body(i)) for i in where), matched_by="content",
                body=tuple(where),
            )
