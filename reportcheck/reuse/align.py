"""Sentence alignment between two prepared reports, and the scores built on it.

For every unit (sentence or clause) of THIS report that has own content
(boilerplate removed), find its best partner in the OTHER report:

1. the same exact token sequence (numbers masked) -> score 100;
2. otherwise the (at most three) other units sharing the most non-boilerplate
   shingles with it, provided they hold ``min_shared_shingles`` of its
   shingles; each is scored with rapidfuzz on the content strings:
   ``max(fuzz.ratio, fuzz.token_sort_ratio)``, plus ``fuzz.partial_ratio``
   when one side is much longer (a clause copied out of a longer sentence).

A unit's credit is 0 below ``credit_low``, 1 from ``credit_high``, linear in
between. ``similarity`` = sum(weight * mass * credit) / sum(weight * mass) over
THIS report's units: the weighted share of its own content found in the other
report (asymmetric, as copydetect's per-side similarity).

Passages are the units aligned at ``passage_min`` or more, merged when they are
consecutive on both sides. Kind: ``reordered`` when the words/clauses were
shuffled (token_sort_ratio exceeds ratio by ``reorder_gap``) or the sentence is
out of order (not on the longest increasing chain of partner positions);
otherwise ``verbatim`` when ``fuzz.ratio`` of the normalised (lower-cased)
texts is >= ``verbatim``, else ``near-verbatim``.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz

from .config import ReuseConfig
from .units import Prepared, Unit


@dataclass(frozen=True)
class Passage:
    """A stretch of THIS report found in the other one."""

    this_paragraph: int
    this_text: str
    other_paragraph: int
    other_text: str
    section: str | None
    kind: str  # "verbatim" | "near-verbatim" | "reordered"
    score: float  # alignment score in [0, 1] (rapidfuzz score / 100)


@dataclass(frozen=True)
class Match:
    """How much of THIS report is found in ``other_id``."""

    other_id: str
    role: str
    similarity: float  # weighted share of THIS doc's non-boilerplate content found in the other
    sections: dict[str, float]  # per section id: share of its own content found in the other
    passages: tuple[Passage, ...]
    boilerplate_share: float  # weighted share of THIS doc's text discounted as boilerplate
    flagged: bool
    reasons: tuple[str, ...] = ()  # why flagged: "similarity", "section:<id>"
    kinds: dict[str, int] = field(default_factory=dict)  # passages per kind

    def to_dict(self) -> dict:
        return {
            "other_id": self.other_id, "role": self.role, "similarity": self.similarity,
            "sections": dict(self.sections), "boilerplate_share": self.boilerplate_share,
            "flagged": self.flagged, "reasons": list(self.reasons), "kinds": dict(self.kinds),
            "passages": [p.__dict__.copy() for p in self.passages],
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Match":
        return cls(other_id=d["other_id"], role=d["role"], similarity=d["similarity"],
                   sections=dict(d["sections"]), passages=tuple(Passage(**p) for p in d["passages"]),
                   boilerplate_share=d["boilerplate_share"], flagged=d["flagged"],
                   reasons=tuple(d.get("reasons", ())), kinds=dict(d.get("kinds", {})))


@dataclass(slots=True)
class _Pair:
    i: int  # unit of this
    j: int  # unit of other
    score: float  # 0-100
    ratio: float
    tsr: float


def _credit(score: float, cfg: ReuseConfig) -> float:
    if score >= cfg.credit_high:
        return 1.0
    if score <= cfg.credit_low:
        return 0.0
    return (score - cfg.credit_low) / (cfg.credit_high - cfg.credit_low)


def _score(a: Unit, b: Unit) -> tuple[float, float, float]:
    r = fuzz.ratio(a.content, b.content)
    t = fuzz.token_sort_ratio(a.content, b.content)
    s = max(r, t)
    la, lb = len(a.content), len(b.content)
    if s < 90 and la >= 20 and lb >= 20 and (lb > 1.5 * la or la > 1.5 * lb):
        # a clause copied into (or out of) a longer sentence: partial_ratio scores the best
        # window of the longer side; when THIS unit is the longer one, only the share
        # lb/la of it can have been found in the other, so the score is scaled by it
        p = fuzz.partial_ratio(a.content, b.content) * 0.95
        if la > lb:
            p *= lb / la
        s = max(s, p)
    return s, r, t


def _shared_shingles(this: Prepared, other: Prepared) -> dict[int, list[tuple[int, int]]]:
    """For each unit of ``this``: [(shared shingle count, unit of ``other``)] (vectorised join)."""
    if not len(this.sh_hash) or not len(other.sh_hash):
        return {}
    ob = np.argsort(other.sh_hash, kind="stable")
    bh, bu = other.sh_hash[ob], other.sh_unit[ob]
    lo = np.searchsorted(bh, this.sh_hash, side="left")
    cnt = np.searchsorted(bh, this.sh_hash, side="right") - lo
    hit = cnt > 0
    if not hit.any():
        return {}
    lo, cnt, au = lo[hit], cnt[hit], this.sh_unit[hit]
    total = int(cnt.sum())
    first = np.repeat(np.cumsum(cnt) - cnt, cnt)
    idx = np.arange(total) - first + np.repeat(lo, cnt)
    m = len(other.units) + 1
    key = np.repeat(au.astype(np.int64), cnt) * m + bu[idx].astype(np.int64)
    uk, c = np.unique(key, return_counts=True)
    iu, jv = uk // m, uk % m
    order = np.lexsort((jv, -c, iu))
    out: dict[int, list[tuple[int, int]]] = {}
    for i, j, k in zip(iu[order].tolist(), jv[order].tolist(), c[order].tolist()):
        lst = out.setdefault(i, [])
        if len(lst) < 3:
            lst.append((k, j))
    return out


def _lis_members(seq: list[int]) -> set[int]:
    """Positions (into ``seq``) of one longest strictly increasing subsequence (leftmost on ties)."""
    tails: list[int] = []
    tails_pos: list[int] = []
    prev = [-1] * len(seq)
    for p, v in enumerate(seq):
        k = bisect_left(tails, v)
        if k == len(tails):
            tails.append(v)
            tails_pos.append(p)
        else:
            tails[k] = v
            tails_pos[k] = p
        prev[p] = tails_pos[k - 1] if k > 0 else -1
    out: set[int] = set()
    p = tails_pos[-1] if tails_pos else -1
    while p >= 0:
        out.add(p)
        p = prev[p]
    return out


def align_pairs(this: Prepared, other: Prepared, cfg: ReuseConfig) -> list[_Pair]:
    """Best partner for each unit of ``this`` with own content (only pairs above ``credit_low``)."""
    ounits = other.units  # (built as read: only those paired below)
    by_key: dict[int, list[int]] = {}
    for j, (key, mass) in enumerate(zip(other.unit_keys, other.unit_mass)):
        if mass:
            by_key.setdefault(key, []).append(j)
    shared = _shared_shingles(this, other)
    pairs: list[_Pair] = []
    last_j = -1
    units, wts = this.units, this.unit_weight  # a unit of this side is built only when it is scored below
    for i, (key, mass) in enumerate(zip(this.unit_keys, this.unit_mass)):
        if not mass or wts[i] <= 0:
            continue
        js = by_key.get(key)
        if js:
            # the first identical unit after the previous partner keeps order when text repeats
            j = next((x for x in js if x > last_j), js[0])
            pairs.append(_Pair(i, j, 100.0, 100.0, 100.0))
            last_j = j
            continue
        cands = shared.get(i)
        if not cands:
            continue
        u = units[i]
        need = max(1.0, cfg.min_shared_shingles * len(u.shingles))
        best: _Pair | None = None
        for k, j in cands:
            if k < need:
                break
            sc, r, t = _score(u, ounits[j])
            if best is None or sc > best.score:
                best = _Pair(i, j, sc, r, t)
        if best is not None and best.score > cfg.credit_low:
            pairs.append(best)
            last_j = best.j
    return pairs


def score_pairs(this: Prepared, other: Prepared, pairs: list[_Pair], cfg: ReuseConfig, *,
                other_id: str, role: str) -> Match:
    units, ounits = this.units, other.units
    credit = {p.i: _credit(p.score, cfg) for p in pairs}
    num = 0.0
    sec_num: dict[str, float] = {}
    sec_den: dict[str, float] = {}
    # read from the per-unit lists: the units themselves are built only for the passages below
    for i, (mass, weight, section) in enumerate(zip(this.unit_mass, this.unit_weight, this.unit_section)):
        if not mass or weight <= 0:
            continue
        c = credit.get(i, 0.0)
        num += weight * mass * c
        if section is not None:
            sec_den[section] = sec_den.get(section, 0.0) + mass
            sec_num[section] = sec_num.get(section, 0.0) + mass * c
    den = max(this.content_weight, cfg.min_content)
    sim = num / den if den > 0 else 0.0
    sections = {s: round(sec_num[s] / sec_den[s], 4) for s in sorted(sec_den) if sec_den[s] > 0}

    # passages
    strong = [p for p in pairs if p.score >= cfg.passage_min]
    in_order = _lis_members([p.j for p in strong])
    items = []
    for k, p in enumerate(strong):
        a, b = units[p.i], ounits[p.j]
        if p.tsr - p.ratio >= cfg.reorder_gap or k not in in_order:
            kind = "reordered"
        elif fuzz.ratio(a.text.lower(), b.text.lower()) >= cfg.verbatim:
            kind = "verbatim"
        else:
            kind = "near-verbatim"
        items.append((p, kind))
    passages: list[Passage] = []
    group: list[tuple[_Pair, str]] = []

    def flush():
        if not group:
            return
        a0, b0 = units[group[0][0].i], ounits[group[0][0].j]
        this_text = _span_text(this, group[0][0].i, group[-1][0].i)
        other_text = _span_text(other, group[0][0].j, group[-1][0].j)
        mass = sum(units[p.i].mass for p, _ in group)
        sc = sum(p.score * units[p.i].mass for p, _ in group) / mass / 100.0
        passages.append(Passage(a0.paragraph, this_text, b0.paragraph, other_text, a0.section,
                                group[0][1], round(sc, 4)))
        group.clear()

    for p, kind in items:
        if group:
            q, qk = group[-1]
            if (kind == qk and p.i == q.i + 1 and p.j == q.j + 1
                    and units[p.i].paragraph == units[q.i].paragraph
                    and ounits[p.j].paragraph == ounits[q.j].paragraph):
                group.append((p, kind))
                continue
            flush()
        group.append((p, kind))
    flush()

    kinds: dict[str, int] = {}
    for ps in passages:
        kinds[ps.kind] = kinds.get(ps.kind, 0) + 1
    reasons: list[str] = []
    if sim >= cfg.threshold:
        reasons.append("similarity")
    for s in cfg.section_flag:
        if sections.get(s, 0.0) >= cfg.section_threshold and sec_num.get(s, 0.0) >= cfg.section_min_tokens:
            reasons.append(f"section:{s}")
    bp = this.boilerplate_share
    return Match(other_id=other_id, role=role, similarity=round(sim, 4), sections=sections,
                 passages=tuple(passages), boilerplate_share=round(bp, 4), flagged=bool(reasons),
                 reasons=tuple(reasons), kinds=dict(sorted(kinds.items())))


def _span_text(doc: Prepared, i0: int, i1: int) -> str:
    """Text of consecutive units ``i0..i1`` of one paragraph, as written."""
    a, b = doc.units[i0], doc.units[i1]
    if i0 == i1 or a.paragraph != b.paragraph:
        return a.text
    return doc.para_text[a.paragraph][a.start:b.end]


def align(this: Prepared, other: Prepared, cfg: ReuseConfig, *, other_id: str, role: str) -> Match:
    return score_pairs(this, other, align_pairs(this, other, cfg), cfg, other_id=other_id, role=role)
