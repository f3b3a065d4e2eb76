"""Checking several reports together: prior years, colleagues and published samples.

``run(targets, ...)`` reads and analyses every report once, fits ONE
:class:`~reportcheck.reuse.CorpusIndex` on the prior-year, peer and reference
reports (plus the forms' own wording as boilerplate), queries it once per
report, and runs the rules with what the index found (RC3xx). The prior-year
report of a member is the explicit ``--prior`` file, or the report in
``--prior-dir`` whose header names the same member (case, diacritics and tone
placement ignored) or whose file name does.

The pieces are reused by :mod:`reportcheck.audit` (a whole unit, in parallel):
:func:`fit_index`, :func:`check_with_reuse` (:func:`reuse_for` + the rules) and
:func:`prior_index`.
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
    i = prior_index(target.member, target.document.path, target.year,
                    [(p.member, p.document.path, p.year) for p in priors])
    return priors[i] if i is not None else None


def prior_index(member: str | None, path: str, year: int | None,
                candidates: list[tuple[str | None, str, int | None]]) -> int | None:
    """Position in ``candidates`` ((member, path, year) each) of the same member's most recent earlier
    report: same member name (folded) or same file name without its year; earlier years preferred."""
    key = member_key(member)
    stem = _stem_key(path)
    same = [i for i, (m, p, _) in enumerate(candidates)
            if (key and member_key(m) == key) or (stem and _stem_key(p) == stem)]
    if year is not None:
        earlier = [i for i in same if candidates[i][2] is None or candidates[i][2] < year]
        same = earlier or same
    same.sort(key=lambda i: (candidates[i][2] or 0, candidates[i][1]), reverse=True)
    return same[0] if same else None


def _match_dict(match, member: str | None = None, year: int | None = None) -> dict:
    return {
        "file": match.other_id,
        "member": member,
        "year": year,
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


def fit_index(docs: Iterable, *, n_jobs: int = 1):
    """ONE :class:`~reportcheck.reuse.CorpusIndex` on ``docs`` (first of each id kept), the forms'
    wording as boilerplate; None when there is nothing to fit."""
    from .reuse import CorpusIndex

    seen: set[str] = set()
    docs = [d for d in docs if not (d.id in seen or seen.add(d.id))]
    return CorpusIndex(n_jobs=n_jobs).fit(docs, boilerplate=form_wording()) if docs else None


Info = Callable[[str], "tuple[str | None, int | None] | None"]  # indexed id -> (member as written, year)


def reuse_for(analysis: Analysis, index, prior: Analysis | None, *, roles: tuple[str, ...] = (),
              info: Info = lambda _id: None, own: tuple | None = None,
              prior_tokens: tuple[str | None, bytes | None] | None = None) -> dict:
    """What ``index`` finds for ``analysis``: its prior (compared directly) and, for ``roles``
    ("peer", "reference"), the fitted reports it shares content with (peers of another year skipped).
    ``own``: (:func:`index_doc` of ``analysis``, its ``index.features``) when the caller has them already;
    ``prior_tokens``: the prior's tokens as the archive kept them (version, blob), used when still valid."""
    reuse: dict = {"prior": None, "peers": [], "references": []}
    if index is None:
        return reuse
    if prior is None and not roles:
        return reuse
    if own is None:
        own = index_doc(analysis, "peer")
        feats = index.features(own)  # the report tokenized once, for its prior and its peers
    else:
        own, feats = own
    if prior is not None:
        m = index.compare(own, index_doc(prior, "prior"), features=feats, other_tokens=prior_tokens)
        if m is not None:
            reuse["prior"] = _match_dict(m, prior.member, prior.year)
    if roles:
        for m in index.query(own, roles=roles, exclude_ids=(analysis.document.path,), top=10, features=feats):
            other = info(m.other_id)
            member, year = other if other is not None else (None, None)
            if m.role == "peer" and None not in (analysis.year, year) and analysis.year != year:
                continue
            reuse["peers" if m.role == "peer" else "references"].append(_match_dict(m, member, year))
    return reuse


def check_with_reuse(analysis: Analysis, index, prior: Analysis | None, *, roles: tuple[str, ...] = (),
                     info: Info = lambda _id: None, selection: Selection | None = None,
                     thresholds: dict | None = None, own: tuple | None = None,
                     prior_tokens: tuple[str | None, bytes | None] | None = None) -> Result:
    """:func:`check_analysis` with what the index found in ``ctx.extras`` (RC3xx) and in ``result.extras``
    (``own``, ``prior_tokens``: see :func:`reuse_for`)."""
    from .pipeline import thresholds as default_thresholds

    reuse = reuse_for(analysis, index, prior, roles=roles, info=info, own=own, prior_tokens=prior_tokens)
    ctx = Context(thresholds=thresholds or default_thresholds(), extras={"reuse": reuse, "prior": prior})
    result = check_analysis(analysis, selection, ctx)
    result.extras["reuse"] = reuse
    return result


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
    batch = Batch()
    analyses = _read_all(targets, batch.errors, on_error)
    prior_paths = ([prior] if prior else []) + (list_reports(prior_dir) if prior_dir else [])
    prior_paths = [p for p in prior_paths if p not in targets]
    priors = _read_all(prior_paths, batch.errors, on_error)
    references = _read_all(list_reports(reference) if reference else [], batch.errors, on_error)
    explicit = priors[0] if prior and priors and priors[0].document.path == prior else None

    docs = [index_doc(a, "peer") for a in analyses] if peers else []
    docs += [index_doc(p, "prior") for p in priors] + [index_doc(r, "reference") for r in references]
    index = fit_index(docs)
    by_path = {a.document.path: (a.member, a.year) for a in analyses + priors + references}
    roles = tuple(r for r, on in (("peer", peers), ("reference", bool(reference))) if on)
    for a in analyses:
        the_prior = explicit or _prior_for(a, priors)
        batch.results.append(check_with_reuse(a, index, the_prior, roles=roles, info=by_path.get,
                                              selection=selection, thresholds=thresholds))
    return batch
