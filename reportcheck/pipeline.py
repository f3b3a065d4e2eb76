"""The pipeline: read -> analyse (language, form, sections, rating) -> rules -> scores."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .detect import (
    detect_language, detect_leader_post, detect_markers, detect_member, detect_parent_unit, detect_variant, detect_year, form_from_year,
)
from .model import Analysis, Document, Finding, SEVERITY_ORDER
from .annotate import annotate
from .rating import read_rating
from .registry import Context, Rule, Selection, all_rules
from .rubric import load_rubric, rubric_for
from .segment import Candidate, candidates, match_headings, named_topics, segment
from .text.normalize import fold

_LEADER_NODES = ("I.L1", "I.L2", "I.L3")
_LEADER_TOPICS = frozenset({"leadership", "innovation", "exemplary"})
_COLLECTIVE_NODES = ("I.1", "I.2", "I.3", "I.4")
_CRITERION_BOX_RE = re.compile(r"tu danh gia ve cap do|self-assessed level")


def _fit(paragraphs, stem: str, cands: list[Candidate], memo: dict | None = None) -> tuple[float, set[str], set[str]]:
    """How well a rubric fits the headings: (score, keys of the nodes matched, the leader-only topics that
    headings name in words — not inferred from the writer's numbering; a heading listing several
    ("Về lãnh đạo, quản lý, đoàn kết nội bộ; tinh thần đổi mới, dám nghĩ, dám làm; trách nhiệm nêu gương")
    names each)."""
    rubric = load_rubric(stem)
    found = match_headings(paragraphs, rubric, cands)
    if memo is not None:
        memo[stem] = found  # segment() reuses the matches of the rubric finally chosen
    # items matched without their part's heading say little about which form this is
    matches = [m for m in found if not m.implied]
    keys = {m.node.key for m in matches}
    score = sum(1.0 if (m.node.covers or m.node.covers_alone) else 0.5 for m in matches)
    leader_topics: set[str] = set()
    for m in matches:
        if m.score > 0 and m.node.key in _LEADER_NODES:
            leader_topics |= set(m.node.covers) | (named_topics(m.cand.head_fold) & _LEADER_TOPICS)
    return score, keys, leader_topics


def _choose_layout(doc: Document, form: str | None, kind: str | None, cands: list[Candidate],
                   memo: dict | None = None) -> tuple[str, str]:
    """Pick form and kind from the headings when the report does not name them."""
    paras = doc.paragraphs
    individual_score, _, leader_topics = _fit(paras, "2023-leader", cands, memo)
    legacy_score, _, _ = _fit(paras, "legacy", cands, memo)
    if kind is None:
        coll_score, coll_keys, _ = _fit(paras, "collective", cands, memo)
        coll_items = len(set(_COLLECTIVE_NODES) & coll_keys)
        # a leader's own items named in words: "1. General criteria", "2. Results of assigned work" numbered
        # where 02B has its leader items are a member's two groups (HD 43), not leadership and daring
        leader_items = len(leader_topics)
        if coll_items >= 3 and coll_score > individual_score:
            kind = "collective"
        elif leader_items >= 2:
            kind = "leader"
        else:
            kind = "member"
    if kind != "collective" and legacy_score > individual_score + 1:
        return "legacy", kind
    if form is None or (form == "legacy" and individual_score >= legacy_score):
        text = fold(" ".join(p.text for p in paras))
        if _CRITERION_BOX_RE.search(text):
            form = "2023"
        elif form == "legacy":
            form = "2019"
        else:
            form = form or "unknown"
    return form, kind


_RESULTS = {"collective": ("targets", "political_tasks")}


def content_scores(a: Analysis) -> None:
    """Balance shares and the specificity/balance component scores (see scoring.EXPLAIN)."""
    from .rules._facts import is_concrete, is_deadline, section_items
    from .rules.balance import balance

    a.balance = balance(a)
    shares = []
    for sid in _RESULTS.get(a.kind, ("task_results", "leadership")):
        items = section_items(a, sid)
        if items:
            shares.append(min(1.0, 2 * sum(map(is_concrete, (i.text for i in items))) / len(items)))
    remedies = section_items(a, "remedies")
    if remedies:
        shares.append(min(1.0, 2 * sum(is_deadline(i.text, a.year) for i in remedies) / len(remedies)))
    if shares:
        a.component_scores["specificity"] = 100.0 * sum(shares) / len(shares)
    if a.balance is not None:
        a.component_scores["balance"] = min(100.0, 100.0 * a.balance["shortcomings"] / 0.33)


def analyse(doc: Document) -> Analysis:
    """Everything the rules read: language, form, kind, year, sections, rating."""
    a = Analysis(document=doc)
    a.language = detect_language(doc)
    a.year = detect_year(doc)
    a.member, a.unit = detect_member(doc)
    a.parent_unit = detect_parent_unit(doc)
    form, kind, evidence = detect_markers(doc)
    a.form_evidence = evidence
    cands = candidates(doc.paragraphs)
    form = form or form_from_year(a.year)
    marked_kind = kind
    fitted: dict = {}
    form, kind = _choose_layout(doc, form, kind, cands, fitted)
    if kind == "member" and marked_kind is None and form in ("2019", "legacy") and detect_leader_post(doc):
        kind = "leader"  # one form for all before 2023: the post in the header tells a leader
    a.form, a.kind = form, kind
    rubric = rubric_for(form if form != "unknown" else "2023", kind, detect_variant(doc))
    segment(a, rubric, cands, fitted.get(rubric.stem))
    if not a.headings:
        a.form = "unknown" if evidence is None else a.form
        a.kind = kind if evidence is not None else "unknown"
    a.rating = read_rating(a)
    annotate(a)
    content_scores(a)
    return a


@dataclass(slots=True)
class Result:
    """The outcome of checking one report."""

    analysis: Analysis
    findings: list[Finding]
    scores: dict = field(default_factory=dict)
    verdict: str = "ok"
    extras: dict = field(default_factory=dict)

    def worst(self) -> str | None:
        if not self.findings:
            return None
        return max((f.severity for f in self.findings), key=SEVERITY_ORDER.__getitem__)


def run_rules(analysis: Analysis, rules: list[Rule], ctx: Context) -> list[Finding]:
    from .rules._facts import per_report

    findings: list[Finding] = []
    with per_report():  # what several rules derive from the report is derived once
        for r in rules:
            if r.scope != "document":
                continue
            findings.extend(r.func(analysis, ctx))
    findings.sort(key=Finding.sort_key)
    return findings


def check_document(doc: Document, selection: Selection | None = None, ctx: Context | None = None) -> Result:
    """Analyse one report and run the selected rules on it."""
    return check_analysis(analyse(doc), selection, ctx)


def check_analysis(analysis: Analysis, selection: Selection | None = None, ctx: Context | None = None) -> Result:
    """Run the selected rules on an analysed report (``ctx.extras`` may carry copy-detection results)."""
    from .scoring import score

    selection = selection or Selection()
    ctx = ctx or Context(thresholds=thresholds())
    rules = [r for r in all_rules() if selection.enabled(r.code)]
    findings = run_rules(analysis, rules, ctx)
    scores, verdict = score(analysis, findings, ctx)
    return Result(analysis, findings, scores, verdict)


@lru_cache(maxsize=1)
def thresholds() -> dict:
    import tomllib
    from importlib import resources

    path = resources.files("reportcheck.data").joinpath("thresholds.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))
