"""Readable terminal output, Vietnamese by default."""

from __future__ import annotations

from ..pipeline import Result
from ..registry import label
from .jsonout import section_order


def rating_line(result: Result, lang: str) -> str:
    """The self-rating(s) and points in one line (shared by the text, HTML and Word outputs)."""
    r = result.analysis.rating
    parts = []
    for key in ("party", "civil_servant"):
        level = getattr(r, key)
        if level is not None:
            parts.append(f"{label('ui', key, lang)}: {label('rating', level, lang)}")
    if r.points is not None:
        parts.append(f"{r.points:g} {label('ui', 'points', lang)}")
    return "; ".join(parts) if parts else label("ui", "none", lang)


def render(result: Result, lang: str = "vi") -> str:
    a = result.analysis
    rubric = a.rubric
    form = getattr(rubric, "name", None) if a.form != "unknown" else None
    lines = [
        f"{a.document.path}",
        f"  {label('ui', 'form', lang)}: {form or a.form} · {label('ui', 'kind', lang)}: {label('kind', a.kind, lang)}"
        f" · {label('ui', 'year', lang)}: {a.year or '?'} · {label('ui', 'rating', lang)}: {rating_line(result, lang)}",
        f"  {label('ui', 'sections', lang)}:",
    ]
    required = set(getattr(rubric, "required", ()))
    for sid in section_order(result):
        sec = a.sections.get(sid)
        name = label("section", sid, lang)
        if sec is not None:
            span = f"{label('ui', 'paragraphs', lang)} {sec.first + 1}–{sec.last + 1}" if sec.first is not None else ""
            lines.append(f"    ✓ {name} ({span}, {sec.words} {label('ui', 'words', lang)})")
        elif sid in required:
            lines.append(f"    ✗ {name} — {label('ui', 'missing', lang)}")
    lines.append(f"  {label('ui', 'findings', lang)}:")
    if not result.findings:
        lines.append(f"    {label('ui', 'no_findings', lang)}")
    for f in result.findings:
        where = f"{label('ui', 'paragraph', lang)} {f.paragraph + 1}" if f.paragraph is not None else "—"
        lines.append(f"    {where}: {f.code} [{label('severity', f.severity, lang)}] {f.rule}: {f.message.get(lang)}")
        if f.evidence:
            lines.append(f"        «{f.evidence}»")
        if f.suggestion:
            lines.append(f"        → {label('ui', 'suggestion', lang)}: {f.suggestion.get(lang)}")
    s = result.scores
    comps = ", ".join(f"{k} {v}" for k, v in s.items() if k not in ("overall", "explain"))
    lines.append(
        f"  {label('ui', 'scores', lang)}: {s.get('overall')} ({comps}) · "
        f"{label('ui', 'verdict', lang)}: {label('verdict', result.verdict, lang)}"
    )
    return "\n".join(lines) + "\n"
