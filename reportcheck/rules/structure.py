"""RC1xx: the parts of the form are there, filled in, and the self-rating is given."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Analysis, Finding
from ..registry import Context, label, rule

# Parts whose emptiness says nothing when the whole form is empty (reported once by RC102).
_BODY_EXCLUDED = {"header", "self_rating"}


def _names(sid: str) -> dict:
    return {"vi": {"section_name": label("section", sid, "vi")}, "en": {"section_name": label("section", sid, "en")}}


def _form_name(analysis: Analysis) -> str:
    name = getattr(analysis.rubric, "name", "")
    return name or "mẫu bản kiểm điểm"


def _recognised(analysis: Analysis) -> bool:
    return bool(analysis.headings)


def is_empty_template(analysis: Analysis, ctx: Context) -> tuple[int, int]:
    """(empty parts, parts with a heading) among the body parts of the form — counted by heading, so that one
    line under "1. Phẩm chất chính trị, đạo đức, lối sống, kỷ luật, tác phong" is one filled part, not five."""
    by_heading: dict = {}
    for s in analysis.sections.values():
        if s.matched_by != "content" and s.id not in _BODY_EXCLUDED:
            by_heading.setdefault((s.node, s.first), s)
    parts = list(by_heading.values())
    empty = [s for s in parts if s.words < ctx.thresholds["empty_section_words"]]
    return len(empty), len(parts)


def template_like(analysis: Analysis, ctx: Context) -> bool:
    empty, total = is_empty_template(analysis, ctx)
    return total >= 3 and empty / total >= ctx.thresholds["empty_template_share"]


@rule("RC101")
def missing_section(analysis: Analysis, ctx: Context) -> Iterator[Finding]:
    """One finding per required part of the form that is absent (heading and content)."""
    if not _recognised(analysis) or analysis.rubric is None:
        return
    for sid in analysis.rubric.required:
        if sid in analysis.sections and analysis.sections[sid].present:
            continue
        names = _names(sid)
        yield ctx.finding(
            "RC101", section=sid,
            vi={**names["vi"], "form_name": _form_name(analysis)},
            en={**names["en"], "form_name": _form_name(analysis)},
        )


@rule("RC102")
def empty_template(analysis: Analysis, ctx: Context) -> Iterator[Finding]:
    """The form is handed in with placeholders only."""
    if template_like(analysis, ctx):
        empty, total = is_empty_template(analysis, ctx)
        yield ctx.finding("RC102", empty=empty, total=total)


@rule("RC103")
def rating_missing(analysis: Analysis, ctx: Context) -> Iterator[Finding]:
    """No self-rating ticked, picked out or written in section VII."""
    if not _recognised(analysis):
        return
    r = analysis.rating
    sec = analysis.sections.get("self_rating")
    where = sec.first if sec else None
    if r.party is None:
        yield ctx.finding(
            "RC103", section="self_rating", paragraph=where,
            vi={"which": "đảng viên" if analysis.kind != "collective" else "của tập thể"},
            en={"which": "as a party member" if analysis.kind != "collective" else "of the collective"},
        )


@rule("RC104")
def empty_section(analysis: Analysis, ctx: Context) -> Iterator[Finding]:
    """A required part with a heading and nothing but placeholders under it."""
    if analysis.rubric is None or template_like(analysis, ctx):
        return
    minimum = ctx.thresholds["empty_section_words"]
    for sid in analysis.rubric.required:
        sec = analysis.sections.get(sid)
        if sec is None or sid in _BODY_EXCLUDED or sec.matched_by == "content":
            continue
        if sec.words >= minimum:
            continue
        names = _names(sid)
        yield ctx.finding("RC104", section=sid, paragraph=sec.first, evidence=sec.heading,
                          vi=names["vi"], en=names["en"])


@rule("RC105")
def form_unrecognised(analysis: Analysis, ctx: Context) -> Iterator[Finding]:
    """No heading of any form was recognised."""
    if not _recognised(analysis) and analysis.document.paragraphs:
        yield ctx.finding("RC105")
