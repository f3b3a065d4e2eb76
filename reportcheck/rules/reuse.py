"""RC3xx: reuse of last year's report, of colleagues' reports and of published samples.

These rules read what the corpus index found (``ctx.extras["reuse"]``, filled by
:mod:`reportcheck.batch`); on a report checked alone they stay silent.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Analysis, Finding
from ..registry import Context, label, rule
from ._facts import content_bigrams, overlap, section_items
from .content import _limitation_items

_SECTION_ORDER = ("limitations", "causes", "remedies", "prior_remediation")


def _anchor(match: dict) -> tuple[int | None, str | None, str | None]:
    """Paragraph, evidence and section of the most telling copied passage (II/VI first)."""
    passages = match.get("passages") or []
    if not passages:
        return None, None, None
    ranked = sorted(passages, key=lambda p: (p["section"] not in _SECTION_ORDER, p["this_paragraph"]))
    p = ranked[0]
    return p["this_paragraph"], p["this_text"], p["section"]


def _section_list(match: dict, lang: str) -> str:
    parts = [f"{label('section', sid, lang)} {round(100 * v)}%" for sid, v in match.get("sections", {}).items()
             if v >= 0.5 and sid in _SECTION_ORDER]
    return "; ".join(parts) if parts else "—"


def _copy_finding(code: str, match: dict, ctx: Context) -> Finding:
    paragraph, evidence, section = _anchor(match)
    pct = round(100 * match["similarity"])
    return ctx.finding(
        code, paragraph=paragraph, section=section, evidence=evidence,
        vi={"other": match["file"], "pct": pct, "sections": _section_list(match, "vi"), "n": len(match["passages"])},
        en={"other": match["file"], "pct": pct, "sections": _section_list(match, "en"), "n": len(match["passages"])},
        extra={"other": match["file"], "similarity": match["similarity"], "sections": match.get("sections", {})},
    )


@rule("RC301")
def copied_from_prior(analysis: Analysis, ctx: Context) -> Iterator[Finding]:
    prior = (ctx.extras.get("reuse") or {}).get("prior")
    if prior and prior.get("flagged"):
        yield _copy_finding("RC301", prior, ctx)


@rule("RC302")
def copied_from_peer(analysis: Analysis, ctx: Context) -> Iterator[Finding]:
    for match in (ctx.extras.get("reuse") or {}).get("peers", []):
        if match.get("flagged"):
            yield _copy_finding("RC302", match, ctx)


@rule("RC303")
def copied_from_sample(analysis: Analysis, ctx: Context) -> Iterator[Finding]:
    for match in (ctx.extras.get("reuse") or {}).get("references", []):
        if match.get("flagged"):
            yield _copy_finding("RC303", match, ctx)


@rule("RC304")
def prior_shortcomings_unaddressed(analysis: Analysis, ctx: Context) -> Iterator[Finding]:
    """Each limitation of last year's report is answered in III or still listed in II."""
    prior: Analysis | None = ctx.extras.get("prior")
    if prior is None:
        return
    old = _limitation_items(prior)
    if not old:
        return
    now = [it.text for sid in ("prior_remediation", "limitations", "causes", "remedies")
           for it in section_items(analysis, sid)]
    sec = analysis.sections.get("prior_remediation")
    for it in old:
        if any(_echoes(it.text, sentence, ctx) for sentence in now):
            continue
        yield ctx.finding(
            "RC304", section="prior_remediation", paragraph=sec.first if sec else None, evidence=it.text,
            vi={"prior": prior.document.path}, en={"prior": prior.document.path},
            extra={"prior": prior.document.path, "prior_paragraph": it.paragraph},
        )


def _echoes(old: str, sentence: str, ctx: Context) -> bool:
    """This year's sentence speaks of last year's limitation: shared wording, not just a shared word."""
    shared = content_bigrams(old, strict=True) & content_bigrams(sentence, strict=True)
    return len(shared) >= 2 or overlap(old, sentence) >= ctx.thresholds["followup_overlap"]
