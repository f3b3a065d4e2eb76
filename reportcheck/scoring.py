"""Scores (0–100) and the verdict.

- completeness: share of the form's required parts that are present and
  filled in (a part with only placeholders counts as absent), less a
  penalty per structural finding.
- Component scores added by later stages (specificity, balance) are merged
  in by ``score`` when the analysis carries them.
- overall: weighted mean of the components present (weights in
  thresholds.toml); verdict: ``perfunctory`` below one threshold or with a
  finding that marks a perfunctory review by itself (section II says there is
  nothing to criticise: RC201), ``revise`` below another or whenever a
  finding of an error or warning severity remains (info findings leave it ok).
"""

from __future__ import annotations

from .model import Analysis, Finding
from .registry import Context

EXPLAIN = {
    "completeness": "share of required parts present and filled in, minus a penalty per structural finding",
    "specificity": "share of result and remedy statements that carry concrete products: numbers, dates, named outputs, deadlines",
    "balance": "shortcoming share of the substantive sentences, scaled so that one third or more scores 100",
    "overall": "weighted mean of the component scores",
}


def completeness(analysis: Analysis, findings: list[Finding], ctx: Context) -> float:
    rubric = analysis.rubric
    if rubric is None or not analysis.headings:
        return 0.0
    required = [s for s in rubric.required]
    minimum = ctx.thresholds["empty_section_words"]
    filled = 0
    for sid in required:
        sec = analysis.sections.get(sid)
        if sec is None:
            continue
        if sid in ("header", "self_rating") or sec.words >= minimum:
            filled += 1
    base = 100.0 * filled / max(1, len(required))
    penalty = ctx.thresholds["score"]["penalty"]
    structural = sum(penalty[f.severity] for f in findings if f.code.startswith("RC1"))
    return max(0.0, base - structural)


def score(analysis: Analysis, findings: list[Finding], ctx: Context) -> tuple[dict, str]:
    cfg = ctx.thresholds["score"]
    components = {"completeness": completeness(analysis, findings, ctx)}
    components.update(getattr(analysis, "component_scores", {}) or {})
    weights = {k: w for k, w in cfg["weights"].items() if k in components}
    total_w = sum(weights.values()) or 1.0
    overall = sum(components[k] * w for k, w in weights.items()) / total_w
    scores = {k: round(v) for k, v in components.items()}
    scores["overall"] = round(overall)
    scores["explain"] = {k: EXPLAIN[k] for k in scores if k in EXPLAIN}
    marks = set(cfg["perfunctory_marks"])
    if overall < cfg["perfunctory_below"] or any(f.code in marks for f in findings):
        verdict = "perfunctory"
    elif overall < cfg["ok_from"] or any(f.severity in cfg["revise_severities"] for f in findings):
        verdict = "revise"
    else:
        verdict = "ok"
    return scores, verdict
