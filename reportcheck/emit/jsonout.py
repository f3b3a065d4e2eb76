"""The JSON output contract (schema 1): one object per file, an array for several."""

from __future__ import annotations

import json

from ..pipeline import Result
from ..rubric import ALL_SECTION_IDS

SCHEMA = 1


def section_order(result: Result) -> list[str]:
    rubric = result.analysis.rubric
    ids: list[str] = ["header"]
    if rubric is not None:
        for node in rubric.nodes:
            for sid in node.covers + node.covers_alone:
                if sid not in ids:
                    ids.append(sid)
    for sid in result.analysis.sections:
        if sid not in ids:
            ids.append(sid)
    return [s for s in ALL_SECTION_IDS if s in ids] if rubric is None else ids


def result_dict(result: Result, lang: str = "vi") -> dict:
    a = result.analysis
    sections = []
    for sid in section_order(result):
        sec = a.sections.get(sid)
        if sec is None:
            sections.append({"id": sid, "present": False, "heading": None, "paragraphs": None, "words": 0})
            continue
        sections.append({
            "id": sid, "present": sec.present, "heading": sec.heading,
            "paragraphs": [sec.first, sec.last] if sec.first is not None else None,
            "words": sec.words, "matched_by": sec.matched_by,
        })
    out = {
        "schema": SCHEMA,
        "file": a.document.path,
        "kind": a.kind,
        "form": a.form,
        "language": a.language,
        "year": a.year,
        "member": a.member,
        "self_rating": {"party": a.rating.party, "civil_servant": a.rating.civil_servant, "points": a.rating.points},
        "sections": sections,
        "findings": [finding_dict(f, lang) for f in result.findings],
        "scores": result.scores,
        "verdict": result.verdict,
    }
    if a.balance is not None:
        out["balance"] = a.balance
    out.update(result.extras)
    return out


def finding_dict(f, lang: str) -> dict:
    d = {
        "code": f.code, "rule": f.rule, "severity": f.severity, "message": f.message.get(lang),
        "section": f.section, "paragraph": f.paragraph, "evidence": f.evidence,
        "suggestion": f.suggestion.get(lang) if f.suggestion else None,
    }
    if f.extra:
        d["data"] = dict(f.extra)
    return d


def dump_items(payload: dict | list) -> str:
    """The JSON text of one result object or an array of them (stable: same input, same bytes)."""
    return json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def dumps(results: list[Result], lang: str = "vi", single: bool = True) -> str:
    items = [result_dict(r, lang) for r in results]
    return dump_items(items[0] if single and len(items) == 1 else items)
