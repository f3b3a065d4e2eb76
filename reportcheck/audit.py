"""Audit a whole unit: every report under some folders, checked together, ranked worst first.

``run_audit(["2024/"], archive="unit.db", year=2024)`` does, in order:

1. list the reports (:func:`reportcheck.batch.list_reports`), in argument order, sorted within a folder;
2. read and analyse them, the ``prior_dir`` reports and the ``reference`` reports, in parallel
   (``ProcessPoolExecutor``, one process per core); a file that cannot be read is listed in
   ``errors`` with its reason and the run goes on;
3. fit ONE :class:`~reportcheck.reuse.CorpusIndex` on this run's reports (peers) and the
   references (:func:`reportcheck.batch.fit_index`);
4. check every report in worker processes forked after the fit (they inherit the index):
   its prior-year report — the same member's latest earlier report in the archive
   (:meth:`reportcheck.archive.Archive.priors_for`, member key) or in ``prior_dir`` — is compared
   directly, its colleagues and the references are queried, and every document rule runs with
   what was found (:func:`reportcheck.batch.check_with_reuse`, the same as ``check``). With an
   archive, each report is recorded with its result (upserts, committed every
   :data:`COMMIT_EVERY` reports: an interrupted audit leaves whole transactions only, and
   re-running gives the same archive);
5. the unit-level rules (scope "batch", :mod:`reportcheck.rules.unit`) run once over the whole
   run; their findings are added to the reports concerned and listed in ``unit_findings``.

Deterministic: reports keep their input order in ``results`` (``rows`` are ranked: errors
descending, overall score ascending, then file), workers return in order, and the index is
deterministic. Memory: an analysis crosses between processes, and a result is kept, as a
zlib-compressed pickle (~13 KB a report) in an anonymous temporary file of the run (deleted
when closed, never read by anything else), so memory does not grow with the reports kept and
``results`` reads a report back when it is accessed.
"""

from __future__ import annotations

import copyreg
import gc
import io
import multiprocessing as mp
import os
import pickle
import sys
import tempfile
import time
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import islice
from operator import attrgetter
from pathlib import Path

from .batch import _stem_key, check_with_reuse, fit_index, index_doc, list_reports, member_key, prior_index
from .errors import InputError
from .io import read_document
from .model import Finding
from .pipeline import Result, analyse
from .registry import Context, Selection, all_rules
from .rules.unit import DEFAULT_GROUP_BY, Entry, UnitFinding

__all__ = ["AuditResult", "ResultStore", "rows_for", "row_for", "run_audit", "rank_key"]

COMMIT_EVERY = 200  # reports recorded per archive transaction


# --------------------------------------------------------------------------- rows

def row_for(result: Result) -> dict:
    """One report as a row of the audit table (the shape ``emit.html.render_audit`` and ``emit.tabular`` read)."""
    a = result.analysis
    s = result.scores or {}
    sev = Counter(f.severity for f in result.findings)
    reuse = result.extras.get("reuse") or {}
    prior = reuse.get("prior")
    return {
        "file": a.document.path, "member": a.member, "unit": a.unit, "parent_unit": a.parent_unit, "kind": a.kind, "form": a.form, "year": a.year,
        "party": a.rating.party, "civil_servant": a.rating.civil_servant,
        "overall": s.get("overall"), "completeness": s.get("completeness"), "specificity": s.get("specificity"),
        "balance": s.get("balance"), "verdict": result.verdict,
        "errors": sev["error"], "warnings": sev["warning"],
        "findings": dict(sorted(Counter(f.rule for f in result.findings).items())),
        "prior_similarity": prior["similarity"] if prior else None,
        "peer_matches": sum(1 for m in reuse.get("peers") or () if m.get("flagged")),
    }


def rank_key(row: dict) -> tuple:
    """Worst first: more errors, then lower overall score, then file name."""
    overall = row.get("overall")
    return (-(row.get("errors") or 0), overall if overall is not None else -1, str(row.get("file") or ""))


def rows_for(results: Iterable[Result]) -> list[dict]:
    """The audit table of ``results``, worst first."""
    return sorted((row_for(r) for r in results), key=rank_key)


# --------------------------------------------------------------------------- results kept compressed

def _by_fields(cls):
    """Pickle an instance of the dataclass ``cls`` as ``cls(*fields)``: the generated
    ``__getstate__``/``__setstate__`` of slotted dataclasses are Python loops (several times slower)."""
    get = attrgetter(*cls.__dataclass_fields__)
    return lambda obj: (cls, get(obj))


def _rubric_ref(rubric):
    """A rubric of the package (loaded once per process) travels as its name, not as a copy."""
    from .rubric import load_rubric

    if load_rubric(rubric.stem) is rubric:
        return load_rubric, (rubric.stem,)
    return object.__reduce_ex__(rubric, pickle.HIGHEST_PROTOCOL)


@lru_cache(maxsize=1)
def _dispatch_table() -> dict:
    from .model import Analysis, Document, Finding, Msg, Paragraph, Section, SelfRating, Sentence
    from .rubric import Rubric

    table = dict(copyreg.dispatch_table)
    for cls in (Analysis, Document, Paragraph, Section, Sentence, SelfRating, Finding, Msg):
        table[cls] = _by_fields(cls)
    table[Rubric] = _rubric_ref
    return table


def _pack(obj) -> bytes:
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _dispatch_table()  # this pickler's only: nothing global is changed
    pickler.dump(obj)
    return zlib.compress(buf.getbuffer(), 3)


def _unpack(blob: bytes):
    return pickle.loads(zlib.decompress(blob))  # noqa: S301 — our own bytes, made in this run, never stored


def _pack_outcome(result: Result) -> bytes:
    """What checking added to an analysis (rules never change the analysis itself)."""
    return _pack((result.findings, result.scores, result.verdict, result.extras))


class _Spool:
    """This run's packed analyses and outcomes, in an anonymous temporary file (gone when closed
    or when the process ends; never read by anything else), read back by position: memory does
    not grow with the number of reports, and forked workers read it without locks (``pread``)."""

    def __init__(self):
        self._fh = tempfile.TemporaryFile(prefix="reportcheck-audit-", buffering=0)
        self._spans: list[tuple[int, int]] = []
        self._size = 0

    def add(self, blob: bytes) -> int:
        view = memoryview(blob)
        while view:
            view = view[self._fh.write(view):]
        self._spans.append((self._size, len(blob)))
        self._size += len(blob)
        return len(self._spans) - 1

    def get(self, i: int) -> bytes:
        off, n = self._spans[i]
        if hasattr(os, "pread"):
            return os.pread(self._fh.fileno(), n, off)
        self._fh.seek(off)  # no pread (Windows): no forked readers either
        try:
            return self._fh.read(n)
        finally:
            self._fh.seek(self._size)

    def close(self) -> None:
        self._fh.close()


class ResultStore(Sequence):
    """The run's results in input order; each access returns a fresh ``Result``.

    A result is kept as two blobs in the run's spool: its analysis (packed once, when the report
    was read) and what the check added (findings, scores, verdict, extras)."""

    def __init__(self, spool: _Spool | None = None, items: list[tuple[int, int]] | None = None):
        self._spool = spool
        self._items = items or []

    def __len__(self) -> int:
        return len(self._items)

    def _result(self, item: tuple[int, int]) -> Result:
        analysis, outcome = item
        return Result(_unpack(self._spool.get(analysis)), *_unpack(self._spool.get(outcome)))

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._result(it) for it in self._items[i]]
        return self._result(self._items[i])

    def __iter__(self) -> Iterator[Result]:
        for it in self._items:
            yield self._result(it)

    def replace(self, i: int, result: Result) -> None:
        """Keep the new findings, scores, verdict and extras of report ``i`` (its analysis is unchanged)."""
        self.set_outcome(i, _pack_outcome(result))

    def set_outcome(self, i: int, outcome: bytes) -> None:
        """:meth:`replace` with the outcome already packed (``_pack_outcome``)."""
        self._items[i] = (self._items[i][0], self._spool.add(outcome))


@dataclass
class AuditResult:
    results: ResultStore  # input order
    rows: list[dict]  # worst first
    errors: list[InputError] = field(default_factory=list)
    unit_findings: list[UnitFinding] = field(default_factory=list)
    not_recorded: list[str] = field(default_factory=list)  # files the archive did not take: no year known
    timings: dict = field(default_factory=dict)  # seconds per stage


# --------------------------------------------------------------------------- workers

def _error_tuple(path: str, exc: BaseException) -> tuple:
    if isinstance(exc, InputError):
        return ("error", exc.path, exc.reason, exc.vi, exc.en)
    what = f"{type(exc).__name__}: {exc}"
    return ("error", path, "internal", f"lỗi nội bộ khi phân tích ({what}); các tệp khác vẫn được kiểm tra.",
            f"internal error while analysing ({what}); the other files are still checked.")


def _analyse_job(job: tuple[str, str]) -> tuple:
    """Read and analyse one file (in a worker): the packed analysis, its IndexDoc, member and year."""
    path, role = job
    try:
        a = analyse(read_document(path))
        from .reuse.index import PackedParagraphs

        doc = index_doc(a, "reference" if role == "reference" else "peer")
        doc = replace(doc, paragraphs=PackedParagraphs(doc.paragraphs))  # the parent keeps every report's text
        return ("ok", path, None if role == "reference" else _pack(a), doc, a.member, a.year)
    except Exception as exc:  # noqa: BLE001 — one bad file never stops a 40,000-report run
        return _error_tuple(path, exc)


@dataclass
class _State:
    """What the check workers inherit (fork) or read (in-process)."""

    spool: _Spool
    targets: list[int]  # spool position of each report's packed analysis
    index: object
    roles: tuple[str, ...]
    info: dict
    selection: Selection
    thresholds: dict
    year: int | None
    unit: str | None
    archive: str | None
    record: bool
    prior_meta: list[tuple]  # (member, path, year) of prior_dir reports
    priors: list[int]  # spool position of their packed analyses


_STATE: _State | None = None
_READER: tuple[int, object] | None = None  # (pid, read-only Archive) of this process


def _archive_reader():
    global _READER
    from .archive import Archive

    if _READER is None or _READER[0] != os.getpid():
        _READER = (os.getpid(), Archive(_STATE.archive, readonly=True))
    return _READER[1]


def _prior(a, year: int | None) -> tuple:
    """The member's latest earlier report: from ``prior_dir`` or the archive, the more recent one; as
    (analysis, its tokens as the archive kept them: (version, blob) or None), (None, None) when none."""
    st = _STATE
    found = []
    if st.prior_meta:
        i = prior_index(a.member, a.document.path, year, st.prior_meta)
        if i is not None:
            found.append((st.prior_meta[i][2] or 0, 1, lambda i=i: (_unpack(st.spool.get(st.priors[i])), None)))
    if st.archive:
        hits = _archive_reader().priors_for(member_key(a.member), year, unit_key=member_key(st.unit or a.unit),
                                            file_key=_stem_key(a.document.path) or None,
                                            exclude_file=a.document.path if year is None else None)
        if hits:
            h = hits[0]
            found.append((h.year, 0, lambda h=h: (h.analysis(), (h.tokens_version, h.tokens))))
    if not found:
        return None, None
    return max(found, key=lambda t: (t[0], t[1]))[2]()


def _check_job(i: int) -> tuple:
    """Check report ``i`` of the run against its prior, peers and references (in a worker)."""
    st = _STATE
    a = _unpack(st.spool.get(st.targets[i]))
    try:
        year = st.year if st.year is not None else a.year
        prior, prior_tokens = _prior(a, year)
        own = None
        if st.index is not None and (prior is not None or st.roles):
            doc = index_doc(a, "peer")
            own = (doc, st.index.features(doc))  # tokenized once: prior, peers and the archive's record
        result = check_with_reuse(a, st.index, prior, roles=st.roles, info=st.info.get, selection=st.selection,
                                  thresholds=st.thresholds, own=own, prior_tokens=prior_tokens)
        record = None
        if st.archive and st.record and year is not None:
            from .archive import record_of

            tokens = None  # as the fit kept them (record_of would tokenize the report again)
            if st.index is not None:
                tokens = st.index.stored_tokens(*(own or (index_doc(a, "peer"),)))
            record = record_of(result, year, st.unit, tokens=tokens)
        row = row_for(result)
        row["unit"] = st.unit or row["unit"]
        row["parent_unit"] = None if st.unit else row.get("parent_unit")  # a unit given names the group outright
        return ("ok", _pack_outcome(result), row, Entry.of(a, unit=st.unit, year=year), record)
    except Exception as exc:  # noqa: BLE001 — listed with the file, the run goes on
        return _error_tuple(a.document.path, exc)


# --------------------------------------------------------------------------- running

class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _bar(total: int, desc: str, show: bool):
    if not show or total <= 0:
        return _NoBar()
    import tqdm

    tqdm.tqdm.monitor_interval = 0  # no monitor thread: the workers are forked
    return tqdm.tqdm(total=total, desc=desc, file=sys.stderr, unit=" bc", leave=False, dynamic_ncols=True)


def _show_progress(progress: bool | None) -> bool:
    if progress is not None:
        return bool(progress)
    return sys.stderr.isatty() and not os.environ.get("CI")


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _fork_ok() -> bool:
    return "fork" in mp.get_all_start_methods()


def _map(fn, items: list, jobs: int, bar, *, fork_only: bool = False) -> Iterator:
    """``fn`` over ``items`` in order: in processes when worth it, else here."""
    parallel = jobs > 1 and len(items) >= 2 * jobs and (_fork_ok() or not fork_only)
    if not parallel:
        for item in items:
            yield fn(item)
            bar.update()
        return
    ctx = mp.get_context("fork") if _fork_ok() else None
    chunk = max(1, min(32, len(items) // (jobs * 8)))
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx)
    try:
        for out in pool.map(fn, items, chunksize=chunk):
            yield out
            bar.update()
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _targets(paths: Sequence[str], errors: list[InputError]) -> list[str]:
    """The report files under ``paths`` (folders searched recursively), each once; a missing path is listed."""
    out: list[str] = []
    for p in paths:
        if Path(p).is_dir():
            out += list_reports(p)
        elif Path(p).exists():
            out.append(str(p))
        else:
            errors.append(InputError(str(p), "not-found", "không tìm thấy tệp hoặc thư mục.", "no such file or folder."))
    return list(dict.fromkeys(out))


def run_audit(
    paths: Sequence[str],
    *,
    archive: str | os.PathLike | None = None,
    year: int | None = None,
    prior_dir: str | None = None,
    peers: bool = True,
    reference: str | None = None,
    jobs: int | None = None,
    selection: Selection | None = None,
    progress: bool | None = None,
    group_by: Sequence[str] = DEFAULT_GROUP_BY,
    unit: str | None = None,
    record: bool = True,
    commit_every: int | None = COMMIT_EVERY,
    thresholds: dict | None = None,
) -> AuditResult:
    """Check every report under ``paths`` together (see the module docstring).

    ``archive``: SQLite archive (:mod:`reportcheck.archive`) giving prior-year reports and, with
    ``record``, receiving this run's reports and results. ``year``: the audit year (priors are
    earlier years; the archive records this year); None = each report's own year. ``unit``: the
    unit of every report (default: the cell named in each header). ``commit_every``: reports
    recorded per archive transaction (None: the whole run in one transaction).
    ``progress``: None = a bar on stderr when it is a terminal and not in CI.
    """
    from .archive import Archive
    from .pipeline import thresholds as default_thresholds

    selection = selection or Selection()
    thr = thresholds or default_thresholds()
    jobs = jobs or default_jobs()
    show = _show_progress(progress)
    timings: dict[str, float] = {}
    archive = str(archive) if archive is not None else None
    if archive:  # fail before the long part: not a database, newer schema; migrate now
        Archive(archive).close()
    errors: list[InputError] = []
    targets = _targets(paths, errors)
    taken = set(targets)
    prior_paths = [p for p in (list_reports(prior_dir) if prior_dir else []) if p not in taken]
    ref_paths = list_reports(reference) if reference else []

    # 1-2. read and analyse
    t0 = time.perf_counter()
    jobs_a = [(p, "target") for p in targets] + [(p, "prior") for p in prior_paths] + [(p, "reference") for p in ref_paths]
    spool = _Spool()
    packed, docs, info, prior_meta, priors, ref_docs = [], [], {}, [], [], []
    bar = _bar(len(jobs_a), "đọc / read", show)
    for (path, role), out in zip(jobs_a, _map(_analyse_job, jobs_a, jobs, bar)):
        if out[0] == "error":
            errors.append(InputError(*out[1:]))
            continue
        _, _, blob, doc, member, yr = out
        if role == "target":
            packed.append(spool.add(blob))
            docs.append(doc)
            info[path] = (member, yr)
        elif role == "prior":
            prior_meta.append((member, path, yr))
            priors.append(spool.add(blob))
        else:
            ref_docs.append(doc)
            info.setdefault(path, (member, yr))
    bar.close()
    timings["read"] = time.perf_counter() - t0

    # 3. one index: this run's reports (peers; also what boilerplate is learned from) and references
    t0 = time.perf_counter()
    want_index = peers or ref_docs or prior_meta or archive
    # Workers are forked from here on: what exists now is kept out of the collector's scans, which
    # would otherwise write to every object and so copy, in each worker, the pages it shares.
    gc.freeze()
    try:
        index = fit_index(docs + ref_docs, n_jobs=jobs) if want_index else None
        del docs, ref_docs
        timings["index"] = time.perf_counter() - t0

        # 4. check each report; record it
        t0 = time.perf_counter()
        roles = tuple(r for r, on in (("peer", peers), ("reference", bool(reference))) if on)
        gc.freeze()
        st = _State(spool, packed, index, roles, info, selection, thr, year, unit, archive, record, prior_meta, priors)
        done, rows, entries, not_recorded = _check_all(st, jobs, show, commit_every, errors)
        timings["check"] = time.perf_counter() - t0
    finally:
        gc.unfreeze()

    # 5. unit-level rules over the whole run
    t0 = time.perf_counter()
    store = ResultStore(spool, done)
    unit_findings = _unit_rules(store, rows, entries, selection, thr, group_by, archive if record else None, jobs)
    timings["unit"] = time.perf_counter() - t0
    return AuditResult(store, sorted(rows, key=rank_key), errors, unit_findings, not_recorded, timings)


def _check_all(st: _State, jobs: int, show: bool, commit_every: int | None, errors: list[InputError]):
    """Stage 4: every report checked (forked workers inherit ``st``), recorded in the archive as results come."""
    global _STATE, _READER
    from .archive import Archive

    _STATE = st
    archive = st.archive
    done: list[tuple[int, int]] = []  # spool positions of (analysis, outcome) of the results, in input order
    rows: list[dict] = []
    entries: list[Entry] = []
    not_recorded: list[str] = []
    bar = _bar(len(st.targets), "kiểm tra / check", show)
    checked = _map(_check_job, list(range(len(st.targets))), jobs, bar, fork_only=True)
    try:
        with ExitStack() as stack:
            writer = None
            numbered = enumerate(checked)
            while chunk := list(islice(numbered, commit_every or COMMIT_EVERY)):
                records = []
                for i, out in chunk:
                    if out[0] == "error":
                        errors.append(InputError(*out[1:]))
                        continue
                    _, outcome, row, entry, rec = out
                    done.append((st.targets[i], st.spool.add(outcome)))
                    rows.append(row)
                    entries.append(entry)
                    if rec is not None:
                        records.append(rec)
                    elif archive and st.record:
                        not_recorded.append(row["file"])
                if not records:
                    continue
                if writer is None:  # opened once the workers are forked: never shared with them
                    writer = stack.enter_context(Archive(archive))
                    if commit_every is None:
                        stack.enter_context(writer.transaction())  # the chunks below join it
                with writer.transaction():
                    for rec in records:
                        writer.put(rec)
    finally:
        checked.close()  # stops the workers at once when the loop was interrupted
        bar.close()
        _STATE = None
        if _READER is not None:
            _READER[1].close()
            _READER = None
    return done, rows, entries, not_recorded


_UNIT: tuple | None = None  # (store, added findings, thresholds, archive json wanted) for the re-scoring workers


def _rescore_job(i: int) -> tuple:
    """Report ``i`` with the unit-level findings added (in a worker): its new packed outcome, row and
    archive JSON. (The parent records them: the workers only read the run's spool.)"""
    from .archive import result_json
    from .scoring import score

    store, added, thr, want_json = _UNIT
    res = store[i]
    res.findings = sorted(res.findings + added[i], key=Finding.sort_key)
    res.scores, res.verdict = score(res.analysis, res.findings, Context(thresholds=thr))
    return (i, _pack_outcome(res), row_for(res), res.analysis.document.path,
            result_json(res) if want_json else None)


def _unit_rules(store: ResultStore, rows: list[dict], entries: list[Entry], selection: Selection, thr: dict,
                group_by: Sequence[str], archive: str | None, jobs: int = 1) -> list[UnitFinding]:
    global _UNIT
    from .archive import Archive

    ctx = Context(thresholds=thr, extras={"group_by": tuple(group_by)})
    found: list[UnitFinding] = []
    added: dict[int, list[Finding]] = {}
    for r in all_rules():
        if r.scope != "batch" or not selection.enabled(r.code):
            continue
        for uf in r.func(entries, ctx):
            found.append(uf)
            for i, f in uf.findings:
                added.setdefault(i, []).append(f)
    if not added:
        return found
    # the reports concerned re-scored in forked workers (one report decompressed at a time in each),
    # recorded here in order; what exists now is kept out of the workers' collector
    _UNIT = (store, added, thr, bool(archive))
    gc.freeze()
    rescored = _map(_rescore_job, sorted(added), jobs, _NoBar(), fork_only=True)
    try:
        with ExitStack() as stack:
            arc = None
            for i, outcome, row, path, text in rescored:
                if archive and arc is None:  # the stored results, in one transaction; opened once the
                    arc = stack.enter_context(Archive(archive))  # workers are forked: never shared with them
                    stack.enter_context(arc.transaction())
                store.set_outcome(i, outcome)
                rows[i] = {**row, "unit": rows[i]["unit"]}
                if arc is not None and entries[i].year is not None:
                    arc.set_result_json(path, entries[i].year, text)
    finally:
        rescored.close()
        gc.unfreeze()
        _UNIT = None
    return found
