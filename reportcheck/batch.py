"""Checking several reports together: prior years, colleagues and published samples.

``run(targets, ...)`` reads and analyses every report once, fits ONE
:class:`~reportcheck.reuse.CorpusIndex` on the prior-year, peer and reference
reports (plus the forms' own wording as boilerplate), queries it once per
report, and runs the rules with what the index found (RC3xx). The prior-year
report of a member is the explicit ``--prior`` file, or the report in
``--prior-dir`` whose header names the same member (case, diacritics and tone
placement ignored) or whose file name does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .io import ACCEPTED_EXTENSIONS, read_document
from .model import Analysis
from .pipeline import Result, analyse, check_analysis
from .registry import Context, Selection
from .rubric import form_wording
from .text.normalize import fold


@dataclass
class Batch:
    results: list[Result] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


def member_key(name: str | None) -> str | None:
    """A member's name as a comparison key: folded, letters only ("Nguyễn Văn A" == "nguyen van a")."""
    if not name:
        return None
    key = " ".join(re.findall(r"[a-z]+", fold(name)))
    return key or None


def _stem_key(path: str) -> str:
    stem = Path(path).stem
    stem = re.sub(r"(19|20)\d\d", " ", stem)
    return " ".join(re.findall(r"[a-z]+", fold(stem.replace("_", " ").replace("-", " "))))


def list_reports(folder: str) -> list[str]:
    """Report files below ``folder``, sorted (hidden files and Word lock files skipped)."""
    root = Path(folder)
    if not root.is_dir():
        raise InputError(folder, "not-found", "không tìm thấy thư mục.", "folder not found.")
    out = []
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix.lower() in ACCEPTED_EXTENSIONS and not p.name.startswith((".", "~$")):
            out.append(str(p))
    return out


def index_doc(analysis: Analysis, role: str):
    from .reuse import IndexDoc

    paras = []
    for p in analysis.document.paragraphs:
        text = analysis.para_body(p.index)
        if text.strip():
            paras.append((p.index, text, analysis.paragraph_section.get(p.index)))
    return IndexDoc(id=analysis.document.path, paragraphs=tuple(paras), member=member_key(analysis.member),
                    year=analysis.year, role=role)


def _read_all(paths: Iterable[str], errors: list[InputError], on_error: Callable | None) -> list[Analysis]:
    out = []
    for path in paths:
        try:
            out.append(analyse(read_document(path)))
        except InputError as exc:
            errors.append(exc)
            if on_error:
                on_error(exc)
    return out


def _prior_for(target: Analysis, priors: list[Analysis]) -> Analysis | None:
    """The same member's most recent earlier report among ``priors``."""
    key = member_key(target.member)
    stem = _stem_key(target.document.path)
    same = [p for p in priors if (key and member_key(p.member) == key) or (stem and _stem_key(p.document.path) == stem)]
    if target.year is not None:
        earlier = [p for p in same if p.year is None or p.year < target.year]
        same = earlier or same
    same.sort(key=lambda p: (p.year or 0, p.document.path), reverse=True)
    return same[0] if same else None


def _match_dict(match, other: Analysis | None = None) -> dict:
    return {
        "file": match.other_id,
        "member": other.member if other else None,
        "year": other.year if other else None,
        "similarity": round(match.similarity, 3),
        "sections": {k: round(v, 3) for k, v in sorted(match.sections.items())},
        "boilerplate_share": round(match.boilerplate_share, 3),
        "flagged": match.flagged,
        "passages": [
            {"this_paragraph": p.this_paragraph, "this_text": p.this_text, "other_paragraph": p.other_paragraph,
             "other_text": p.other_text, "section": p.section, "kind": p.kind, "score": round(p.score, 3)}
            for p in match.passages
        ],
    }


def run(
    targets: list[str],
    *,
    selection: Selection | None = None,
    prior: str | None = None,
    prior_dir: str | None = None,
    peers: bool = False,
    reference: str | None = None,
    on_error: Callable[[InputError], None] | None = None,
    thresholds: dict | None = None,
) -> Batch:
    """Check ``targets`` with copy detection against priors, each other and references."""
    from .pipeline import thresholds as default_thresholds
    from .reuse import CorpusIndex

    batch = Batch()
    analyses = _read_all(targets, batch.errors, on_error)
    prior_paths = ([prior] if prior else []) + (list_reports(prior_dir) if prior_dir else [])
    prior_paths = [p for p in prior_paths if p not in targets]
    priors = _read_all(prior_paths, batch.errors, on_error)
    references = _read_all(list_reports(reference) if reference else [], batch.errors, on_error)
    explicit = priors[0] if prior and priors and priors[0].document.path == prior else None

    docs = [index_doc(a, "peer") for a in analyses] if peers else []
    docs += [index_doc(p, "prior") for p in priors] + [index_doc(r, "reference") for r in references]
    seen: set[str] = set()
    docs = [d for d in docs if not (d.id in seen or seen.add(d.id))]
    index = CorpusIndex().fit(docs, boilerplate=form_wording()) if docs else None
    thr = thresholds or default_thresholds()
    by_path = {a.document.path: a for a in analyses + priors + references}
    for a in analyses:
        own = index_doc(a, "peer")
        reuse: dict = {"prior": None, "peers": [], "references": []}
        the_prior = explicit or _prior_for(a, priors)
        if index is not None and the_prior is not None:
            m = index.compare(own, index_doc(the_prior, "prior"))
            if m is not None:
                reuse["prior"] = _match_dict(m, the_prior)
        if index is not None and (peers or reference):
            roles = tuple(r for r, on in (("peer", peers), ("reference", bool(reference))) if on)
            for m in index.query(own, roles=roles, exclude_ids=(a.document.path,), top=10):
                other = by_path.get(m.other_id)
                if m.role == "peer" and other is not None and None not in (a.year, other.year) and a.year != other.year:
                    continue
                key = "peers" if m.role == "peer" else "references"
                reuse[key].append(_match_dict(m, other))
        ctx = Context(thresholds=thr, extras={"reuse": reuse, "prior": the_prior})
        result = check_analysis(a, selection, ctx)
        result.extras["reuse"] = reuse
        batch.results.append(result)
    return batch
