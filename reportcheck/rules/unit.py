"""RC5xx: rules over a whole run of reports (registered with scope "batch").

One report cannot break them; ``reportcheck audit`` runs them once over the run.
A batch rule is called as ``func(entries, ctx)`` with one :class:`Entry` per
report (in run order) and yields :class:`UnitFinding` s: the group-level
finding, with the reports it concerns, each given its own
:class:`~reportcheck.model.Finding` (anchored at the paragraph where the
self-rating was read). ``ctx.extras["group_by"]`` names the fields that make a
group of comparable members (default: unit and kind).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..batch import member_key
from ..model import Analysis, Finding, Msg
from ..registry import Context, label, rule

# QĐ 124-QĐ/TW Art. 12 / HD 25 (HD 21 for 2019-2022): "excellent" at most 20% of "good" in a group.
RATING_CAP = 0.20
MIN_GROUP = 2  # one report is not a group
RANK = {"not_complete": 0, "complete": 1, "good": 2, "excellent": 3}
GROUP_FIELDS = ("unit", "kind", "year")
DEFAULT_GROUP_BY = ("unit", "kind")


@dataclass(frozen=True, slots=True)
class Entry:
    """What the unit rules know of one report of the run."""

    file: str
    member: str | None
    unit: str | None
    kind: str
    year: int | None
    party: str | None  # the party self-rating (for a collective: the rating it proposes)
    paragraph: int | None = None  # where the self-rating was read
    parent: str | None = None  # the "Đảng bộ …" the cell belongs to, from the letterhead

    @classmethod
    def of(cls, analysis: Analysis, *, unit: str | None = None, year: int | None = None) -> "Entry":
        # a unit given by the user names the group outright; the letterhead's parent only tells apart
        # cells of the same name in different communes ("Chi bộ Thôn 1")
        return cls(file=analysis.document.path, member=analysis.member, unit=unit or analysis.unit,
                   kind=analysis.kind, year=year or analysis.year, party=analysis.rating.party,
                   paragraph=analysis.rating.paragraph, parent=None if unit else analysis.parent_unit)

    @classmethod
    def of_row(cls, row: dict) -> "Entry":
        """From an audit row (file, member, unit, parent_unit, kind, year, party)."""
        return cls(file=str(row.get("file") or ""), member=row.get("member"), unit=row.get("unit"),
                   kind=str(row.get("kind") or "unknown"), year=row.get("year"), party=row.get("party"),
                   parent=row.get("parent_unit"))

    @property
    def unit_key(self) -> str | None:
        """The unit as a comparison key ("CHI BỘ TRƯỜNG X" == "Chi bộ Trường X"), within its parent when known."""
        unit = member_key(self.unit)
        if unit is None:
            return None
        parent = member_key(self.parent)
        return f"{parent} / {unit}" if parent else unit

    def group_key(self, group_by: Sequence[str]) -> tuple:
        # a collective's unit is the collective itself: collectives are compared with each other
        fields = [f for f in group_by if not (f == "unit" and self.kind == "collective")]
        return tuple((f, self.unit_key if f == "unit" else getattr(self, f)) for f in fields)


@dataclass(frozen=True, slots=True)
class UnitFinding:
    """A finding about a group of reports; ``findings`` holds (entry index, finding) per report concerned."""

    code: str
    rule: str
    severity: str
    message: Msg
    group: tuple[tuple[str, object], ...]
    files: tuple[str, ...]
    findings: tuple[tuple[int, Finding], ...]
    data: tuple[tuple[str, object], ...] = ()

    def to_dict(self, lang: str = "vi") -> dict:
        return {"code": self.code, "rule": self.rule, "severity": self.severity, "message": self.message.get(lang),
                "group": dict(self.group), "files": list(self.files), "data": dict(self.data)}


def group_name(entries: Sequence[Entry], idx: list[int], key: tuple, lang: str) -> str:
    parts = []
    for field, value in key:
        if field == "unit":
            e = next((entries[i] for i in idx if entries[i].unit), None)
            name = e.unit if e else label("ui", "none", lang)
            parts.append(f"{name} ({e.parent})" if e and e.parent else name)
        elif field == "kind":
            parts.append(label("kind", value, lang))
        else:
            parts.append(str(value) if value is not None else "?")
    return " · ".join(parts) or ("cả lần kiểm tra" if lang == "vi" else "the whole run")


def _sort_key(key: tuple) -> tuple:
    return tuple((f, "" if v is None else str(v)) for f, v in key)


def groups_of(entries: Sequence[Entry], group_by: Sequence[str]) -> dict[tuple, list[int]]:
    """Indices of the entries in each group of comparable members, groups in a stable order."""
    groups: dict[tuple, list[int]] = {}
    for i, e in enumerate(entries):
        groups.setdefault(e.group_key(group_by), []).append(i)
    return {k: groups[k] for k in sorted(groups, key=_sort_key)}


def over_cap(excellent: int, good: int, size: int) -> bool:
    """More "excellent" than 20% of "good" in a group of at least two reports."""
    return size >= MIN_GROUP and excellent > RATING_CAP * good + 1e-9


@rule("RC501", scope="batch")
def excellent_quota(entries: Sequence[Entry], ctx: Context) -> Iterator[UnitFinding]:
    """In each group, reports self-rated excellent beyond 20% of those rated good."""
    group_by = tuple(ctx.extras.get("group_by", DEFAULT_GROUP_BY))  # () = the whole run is one group
    unknown = set(group_by) - set(GROUP_FIELDS)
    if unknown:
        raise ValueError(f"group_by: unknown field(s) {sorted(unknown)}; use {GROUP_FIELDS}")
    for key, idx in groups_of(entries, group_by).items():
        excellent = [i for i in idx if entries[i].party == "excellent"]
        good = sum(entries[i].party == "good" for i in idx)
        if not over_cap(len(excellent), good, len(idx)):
            continue
        limit = math.floor(RATING_CAP * good + 1e-9)
        vi = {"group": group_name(entries, idx, key, "vi")}
        en = {"group": group_name(entries, idx, key, "en")}
        data = {"group_size": len(idx), "excellent": len(excellent), "good": good, "limit": limit}
        per_report = tuple(
            (i, ctx.finding("RC501", paragraph=entries[i].paragraph, section="self_rating", vi=vi, en=en,
                            extra=data, excellent=len(excellent), good=good, limit=limit))
            for i in excellent)
        first = per_report[0][1]
        yield UnitFinding("RC501", first.rule, first.severity, first.message, key,
                          tuple(entries[i].file for i in excellent), per_report, tuple(data.items()))


@rule("RC502", scope="batch")
def leader_above_collective(entries: Sequence[Entry], ctx: Context) -> Iterator[UnitFinding]:
    """A leader's party self-rating above the rating the collective of the same unit proposes."""
    collectives: dict[str, list[int]] = {}
    for j, e in enumerate(entries):
        if e.kind == "collective" and e.party in RANK and e.unit_key:
            collectives.setdefault(e.unit_key, []).append(j)
    for i, e in enumerate(entries):
        if e.kind != "leader" or e.party not in RANK or not e.unit_key:
            continue
        same = [j for j in collectives.get(e.unit_key, ())
                if None in (e.year, entries[j].year) or e.year == entries[j].year]
        if not same:
            continue
        c = entries[min(same, key=lambda j: (entries[j].year != e.year, entries[j].file))]
        if RANK[e.party] <= RANK[c.party]:
            continue
        data = {"collective_file": c.file, "collective_rating": c.party, "rating": e.party}
        f = ctx.finding(
            "RC502", paragraph=e.paragraph, section="self_rating", extra=data,
            vi={"rating": label("rating", e.party, "vi"), "collective_rating": label("rating", c.party, "vi")},
            en={"rating": label("rating", e.party, "en"), "collective_rating": label("rating", c.party, "en")},
            unit=c.unit or e.unit, collective_file=c.file)
        yield UnitFinding("RC502", f.rule, f.severity, f.message, (("unit", e.unit_key),),
                          (e.file, c.file), ((i, f),), tuple(data.items()))
