"""Read the self-rating(s) of section VII.

A level counts as chosen when it is ticked (☒ ☑ ✓ [x] (x) …), picked out in
bold or underline among the printed options, or written out on its own
("Tự xếp loại: Hoàn thành tốt nhiệm vụ"). Four printed options with no tick
and no emphasis are no rating. The party rating and the civil-servant
(CBCCVC) rating are told apart by the nearest label before them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .model import Analysis, SelfRating
from .text.normalize import fold


@lru_cache(maxsize=1)
def _cfg() -> dict:
    path = resources.files("reportcheck.data").joinpath("ratings.toml")
    cfg = tomllib.loads(path.read_text(encoding="utf-8"))
    phrases = sorted(
        ((ph, level) for level, items in cfg["levels"].items() for ph in items),
        key=lambda x: -len(x[0]),
    )
    cfg["_level_re"] = re.compile(
        "|".join(r"(?<!\w)" + re.escape(ph) + r"(?!\w)" for ph, _ in phrases)
    )
    cfg["_level_of"] = dict(phrases)
    boxed = sorted(((ph, level) for level, items in cfg.get("levels_boxed", {}).items() for ph in items),
                   key=lambda x: -len(x[0]))
    cfg["_boxed_re"] = re.compile("|".join(r"(?<!\w)" + re.escape(ph) + r"(?!\w)" for ph, _ in boxed)) if boxed else None
    cfg["_boxed_of"] = dict(boxed)
    return cfg


@dataclass(slots=True)
class Mention:
    paragraph: int
    start: int
    level: str
    mark: str  # ticked / empty / none
    emphasized: bool
    label: str | None


def _mark_at(piece: str, marks: list[str], *, end: bool) -> str | None:
    for mark in sorted(marks, key=len, reverse=True):
        if end and piece.endswith(mark):
            if mark == "x" and len(piece) > 1 and piece[-2].isalnum():
                continue
            return mark
        if not end and piece.startswith(mark):
            if mark == "x" and len(piece) > 1 and piece[1].isalnum():
                continue
            return mark
    return None


def _mark_near(text: str, start: int, end: int, cfg: dict) -> str:
    """The box or tick written just before a level, else just after it."""
    ticked, empty = cfg["marks"]["ticked"], cfg["marks"]["empty"]
    before = text[max(0, start - 6):start].rstrip(" :-\t")
    if _mark_at(before, ticked, end=True):
        return "ticked"
    if _mark_at(before, empty, end=True):
        return "empty"
    after = text[end:end + 6].lstrip(" :-\t")
    if _mark_at(after, ticked, end=False):
        return "ticked"
    if _mark_at(after, empty, end=False):
        return "empty"
    return "none"


def _labels(text: str, cfg: dict):
    """(position, kind) of each rating label in ``text`` that the text does not deny ("(Đảng viên hưu trí,
    không xếp loại cán bộ, công chức, viên chức.)" names no rating of that kind)."""
    for kind in ("party", "civil_servant"):
        for ph in cfg["labels"][kind]:
            if ph not in text:
                continue
            for m in re.finditer(r"(?<!\w)" + re.escape(ph) + r"(?!\w)", text):
                if not _NEGATED.search(text, max(0, m.start() - 60), m.start()):
                    yield m.start(), kind


_NEGATED = re.compile(r"(?<!\w)(?:khong|chua|not)\s+(?:(?:thuoc dien|thuoc doi tuong|nam trong dien|subject to|within)\s+)?"
                      r"(?:(?:xep loai|danh gia|tu xep loai|rated|classified|rating|assessment)(?!\w)[^.;:]{0,40})?$")


def _label_in(text: str, cfg: dict) -> tuple[int, str] | None:
    """Position and kind of the last rating label in ``text`` (the first kind found wins a tie)."""
    best = None
    for at, kind in _labels(text, cfg):
        if best is None or at > best[0]:
            best = (at, kind)
    return best


def _labels_between(text: str, cfg: dict) -> set[str]:
    """The kinds of rating (party, civil servant) that ``text`` names."""
    return {kind for _at, kind in _labels(text, cfg)}


def _mentions(analysis: Analysis, indices: list[int]) -> list[Mention]:
    cfg = _cfg()
    paras = analysis.document.paragraphs
    out: list[Mention] = []
    label: str | None = None
    for i in indices:
        p = paras[i]
        text = fold(p.display)
        emph = [fold(e) for e in p.emphasized]
        prev_end = 0
        for m in cfg["_level_re"].finditer(text):
            found = _label_in(text[: m.start()], cfg)
            cur = found[1] if found else label
            is_emph = (p.bold and not all(paras[j].bold for j in indices)) or any(m.group(0) in e for e in emph)
            mark = _mark_near(text, m.start(), m.end(), cfg)
            # "Xếp loại viên chức quản lý và xếp loại đảng viên cùng mức: Hoàn thành tốt nhiệm vụ": one
            # written level for both ratings named before it
            before = _labels_between(text[prev_end: m.start()], cfg)
            # … or after it, in the same sentence: "I rate myself as 'Completed duties well', both as a public
            # employee and as a Party member"
            after = text[m.end():]
            after = after[: min([len(after)] + [after.find(c) for c in ".;" if c in after])]
            both = mark == "none" and (before == {"party", "civil_servant"} or (
                not before and _labels_between(after, cfg) == {"party", "civil_servant"}))
            for kind in (("party", "civil_servant") if both else (cur,)):
                out.append(Mention(i, m.start(), cfg["_level_of"][m.group(0)], mark, is_emph, kind))
            prev_end = m.end()
        # (a long name that only sits in an empty box does not stop it: "☐ Excellent completion ☒ Good completion
        # ☐ Completion ☐ Non-completion of duties")
        if cfg["_boxed_re"] is not None and not any(m.paragraph == i and m.mark != "empty" for m in out):
            # "[ ] Excellent [x] Good [ ] Completed": short names count only where every one has its box
            short = [(m, _mark_near(text, m.start(), m.end(), cfg)) for m in cfg["_boxed_re"].finditer(text)]
            if len(short) >= 2 and all(mark != "none" for _, mark in short):
                for m, mark in short:
                    found = _label_in(text[: m.start()], cfg)
                    out.append(Mention(i, m.start(), cfg["_boxed_of"][m.group(0)], mark, False,
                                       found[1] if found else label))
        found = _label_in(text, cfg)
        if found:
            label = found[1]
    return out


def _cells(analysis: Analysis, indices: list[int]) -> dict[tuple[int, int, int], tuple[int, str]]:
    """The table cells among ``indices``: (table, row, column) -> (first paragraph, folded text of the cell)."""
    paras = analysis.document.paragraphs
    out: dict[tuple[int, int, int], tuple[int, str]] = {}
    for i in indices:
        key = paras[i].table_cell
        if key is not None:
            first, text = out.get(key, (i, ""))
            out[key] = (first, f"{text} {fold(paras[i].text)}".strip())
    return out


def _grid_mentions(analysis: Analysis, indices: list[int]) -> list[Mention]:
    """Ticks in a grid: the levels across the top and the two ratings down the side ("Nội dung | Hoàn thành
    xuất sắc … | Hoàn thành tốt … ", then "1. Xếp loại cán bộ, công chức, viên chức | | ✓ | |"), or the other
    way round. A ticked cell chooses the level its row or column names, for the rating the other names."""
    cfg = _cfg()
    ticked = set(cfg["marks"]["ticked"])
    cells = _cells(analysis, indices)
    text = {key: t for key, (_i, t) in cells.items()}

    def level_of(t: str) -> str | None:
        found = {cfg["_level_of"][m.group(0)] for m in cfg["_level_re"].finditer(t)}
        return found.pop() if len(found) == 1 else None

    def kind_of(t: str) -> str | None:
        found = _labels_between(t, cfg)
        return found.pop() if len(found) == 1 else None

    out: list[Mention] = []
    for (table, row, col), t in sorted(text.items()):
        if t not in ticked or row == 0 or col == 0:
            continue
        side, top = text.get((table, row, 0), ""), text.get((table, 0, col), "")
        for level, kind in ((level_of(top), kind_of(side)), (level_of(side), kind_of(top))):
            if level and kind:
                out.append(Mention(cells[(table, row, col)][0], 0, level, "ticked", False, kind))
                break
    return out


def _choose(group: list[Mention]) -> Mention | None:
    ticked = [m for m in group if m.mark == "ticked"]
    if ticked:
        return ticked[0]
    levels = {m.level for m in group}
    emphasized = [m for m in group if m.emphasized]
    if len(levels) >= 3:  # the four options are printed: only a tick or an emphasis chooses
        return emphasized[0] if len(emphasized) == 1 else None
    boxed = [m for m in group if m.mark == "empty"]
    if boxed and len(boxed) == len(group):
        return None
    written = [m for m in group if m.mark == "none"]
    return written[-1] if written else None


# "74/100", "85 điểm", "85/100 điểm", "85 points" — never the denominator of an item's "22/30 điểm"
_POINTS_RE = re.compile(r"(?<![\d.,/])(?<!/ )(\d{1,3}(?:[.,]\d{1,2})?)\s*(?:/\s*100\b\s*(?:diem|points?)?|(?:diem|points?)\b)")
_OUT_OF_RE = re.compile(r"(?<![\d.,/])\d{1,3}(?:[.,]\d{1,2})?\s*/\s*(\d{1,3})\b")


@lru_cache(maxsize=4)
def _change_re(words: tuple[str, ...]) -> re.Pattern:
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")\s*$")


def _table_total(analysis: Analysis, indices: list[int]) -> float | None:
    """The sum of a scoring table: the writer's own column ("Tự chấm") in the total row ("Tổng | 100 | 86"),
    where the figures stand without "điểm" after them."""
    cfg = _cfg()["points"]
    cells = {key: t for key, (_i, t) in _cells(analysis, indices).items()}
    for (table, row, col), head in sorted(cells.items()):
        if row != 0 or not any(head.startswith(w) for w in cfg["own_column"]):
            continue
        for (t, r, c), first in sorted(cells.items()):
            if t == table and c == 0 and r > 0 and first.rstrip(" :.").split(" (")[0] in cfg["total_row"]:
                value = re.fullmatch(r"(\d{1,3}(?:[.,]\d{1,2})?)\s*(?:/\s*100)?\s*(?:diem|points?)?", cells.get((t, r, col), ""))
                if value and 0 < float(value.group(1).replace(",", ".")) <= 100:
                    return float(value.group(1).replace(",", "."))
    return None


def _points(analysis: Analysis, indices: list[int]) -> float | None:
    cfg = _cfg()["points"]
    total = _table_total(analysis, indices)
    if total is not None:
        return total
    found: list[tuple[bool, float]] = []
    for text in _rows(analysis, indices):
        if not any(c in text for c in cfg["cues"]):
            continue
        is_total = any(t in text for t in cfg["total"])
        for m in _POINTS_RE.finditer(text):
            value = float(m.group(1).replace(",", "."))
            out_of = _OUT_OF_RE.match(text, m.start())
            if out_of and out_of.group(1) != "100":
                continue  # an item's share ("tự chấm 22/30 điểm"), not the total
            before = text[max(0, m.start() - 12):m.start()]
            if any(w in before for w in cfg["maximum"]) or (before.endswith("(") and not is_total):
                continue  # the scale of an item ("tối đa 30 điểm", "Nhóm tiêu chí chung (30 điểm)"), not a score
            if _change_re(tuple(cfg["change"])).search(before):
                continue  # points taken off or added ("Trừ 3 điểm: chưa thực hiện đầy đủ cam kết"), not a score
            if 0 < value <= 100:
                found.append((is_total, bool(out_of), value))
    # the total ("Tổng điểm tự chấm: 84/100 điểm (nhóm tiêu chí chung 26 điểm; …)"): a "/100" figure of a total
    # line, else a total line's first figure, else the first figure given
    if not found:
        return None
    best = min(range(len(found)), key=lambda k: (not found[k][0], not found[k][1], k))
    return found[best][2]


def _rows(analysis: Analysis, indices: list[int]) -> list[str]:
    """Folded lines to read points from: a table row's cells as one line ("Tổng điểm tự chấm | 82 điểm")."""
    paras = analysis.document.paragraphs
    out: list[str] = []
    row_at: dict[tuple[int, int], int] = {}
    for i in indices:
        p = paras[i]
        if p.table_cell is None:
            out.append(fold(p.text))
            continue
        key = p.table_cell[:2]
        if key in row_at:
            out[row_at[key]] += " | " + fold(p.text)
        else:
            row_at[key] = len(out)
            out.append(fold(p.text))
    return out


def read_rating(analysis: Analysis) -> SelfRating:
    sec = analysis.sections.get("self_rating")
    paras = analysis.document.paragraphs
    if sec and sec.present and sec.first is not None:
        scope = list(range(sec.first, sec.last + 1))
    else:  # no section VII: the last lines that state a rating in words
        stating = _cfg()["labels"]["stating"]
        scope = [p.index for p in paras[-15:] if any(s in fold(p.text) for s in stating)]
    mentions = _mentions(analysis, scope) + _grid_mentions(analysis, scope)
    groups: dict[str | None, list[Mention]] = {}
    for m in mentions:
        groups.setdefault(m.label, []).append(m)
    party = _choose(groups.get("party", []))
    civil = _choose(groups.get("civil_servant", []))
    unlabeled = _choose(groups.get(None, []))
    if party is None and unlabeled is not None:
        party = unlabeled
    if analysis.kind == "collective" and party is None:
        party = civil
        civil = None
    points_scope = scope + [p.index for p in paras if p.index not in scope and "tu cham" in fold(p.text)]
    points = _points(analysis, points_scope)
    where = party or civil
    level = party.level if party else None
    if level is None and points is not None and analysis.form == "2025":
        # QĐ 366 rates by points: "Tổng điểm tự chấm: 79/100" with no level written is a self-rating of
        # the level the points reach (the other conditions of "excellent" are the rules' business)
        level = next(lv for floor, lv in POINT_BANDS if points >= floor)
    return SelfRating(
        party=level,
        civil_servant=civil.level if civil else None,
        points=points,
        paragraph=where.paragraph if where else (sec.first if sec else None),
    )


# QĐ 366-QĐ/TW (2025, 100-point scale): excellent from 90 points, good from 70, completed from 50
POINT_BANDS = ((90, "excellent"), (70, "good"), (50, "complete"), (0, "not_complete"))
