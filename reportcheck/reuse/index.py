"""The corpus index: fit once on prior-year, peer and reference reports, query many.

Follows the scikit-learn convention (see design/anchors-style.md §4): ``__init__``
stores parameters only; :meth:`CorpusIndex.fit` learns ``config_``,
``boilerplate_``, ``doc_freq_``, ``signatures_`` and the LSH tables and returns
``self``; :meth:`CorpusIndex.query` and :meth:`CorpusIndex.compare` only read
that state. Document roles follow copydetect: ``prior`` (the member's earlier
reports), ``peer`` (colleagues' reports this year), ``reference`` (anything
else to compare with) and ``boilerplate`` (the form's own wording: never a
source, always discounted).

Pipeline of a query
-------------------
1. Tokenize (folded syllables, numbers masked), cut into sentences/clauses,
   mask boilerplate: the form text given to ``fit``, the standard formulas of
   reuse.toml ``[boilerplate]``, the report's own header wording (name, unit),
   and shingles and whole sentences found in >= ``boilerplate_df`` of the
   fitted reports (learned on an even sample of ``df_sample`` reports, only
   from a corpus of at least ``boilerplate_min_corpus`` reports, and never
   from fewer than ``boilerplate_min_docs`` reports, so that a handful of
   members copying the same text is not mistaken for boilerplate).
2. Candidates: MinHash signatures of the non-boilerplate shingles of each
   *zone* (groups of sections, reuse.toml ``[zones]``) looked up in LSH bands,
   plus an exact-sentence index. Candidates are ranked by their estimated
   overlap; at most ``max_verify`` from ``min_candidate`` are aligned, so a
   query never compares every pair. The member's own ``prior`` reports are
   compared zone by zone even without an LSH collision and aligned from
   ``min_member_candidate``.
3. Alignment and scoring (:mod:`reportcheck.reuse.align`).

Deterministic: seeded permutations, blake2b/splitmix64 hashes, a sample chosen
by sorted id, candidates and results sorted with id as the tie-break. Nothing
is pickled, anywhere: ``n_jobs > 1`` forks worker processes (they inherit the
index) and their results come back as ``.npz`` (``allow_pickle=False``) or JSON
files.
"""

from __future__ import annotations

import json
import math
import multiprocessing as mp
import os
import tempfile
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from .align import Match, align, align_pairs, score_pairs
from .config import ReuseConfig, load_config
from .minhash import BandIndex, MinHasher, optimal_bands
from .units import (
    Analysis as UnitsAnalysis, Prepared, Tokens, analyse, in_sorted, kept_tokens, load_tokens, pack_kept, prepare,
    store_tokens, tokenize, tokens_version, unpack_kept,
)

ROLES = ("prior", "peer", "reference", "boilerplate")


class PackedParagraphs:
    """The ``paragraphs`` of an :class:`IndexDoc` kept as compressed JSON (about 4 KB a report
    instead of about 33 KB of Python strings and tuples): an index over a large audit holds
    every report's text in memory. Read back, whole, each time it is iterated."""

    __slots__ = ("_blob",)

    def __init__(self, paragraphs: Iterable[tuple[int, str, str | None]] = (), *, blob: bytes | None = None):
        if blob is None:
            text = json.dumps([list(p) for p in paragraphs], ensure_ascii=False, separators=(",", ":"))
            blob = zlib.compress(text.encode("utf-8", "surrogatepass"), 1)
        self._blob = blob

    def unpack(self) -> tuple[tuple[int, str, str | None], ...]:
        return tuple(map(tuple, json.loads(zlib.decompress(self._blob).decode("utf-8", "surrogatepass"))))

    def __iter__(self):
        return iter(self.unpack())

    def __len__(self) -> int:
        return len(self.unpack())

    def __getitem__(self, i):
        return self.unpack()[i]

    def __eq__(self, other) -> bool:
        if isinstance(other, PackedParagraphs):
            return self._blob == other._blob or self.unpack() == other.unpack()
        return isinstance(other, tuple) and self.unpack() == other

    def __hash__(self) -> int:
        return hash(self.unpack())

    def __reduce__(self):
        return _packed_paragraphs, (self._blob,)


def _packed_paragraphs(blob: bytes) -> PackedParagraphs:
    return PackedParagraphs(blob=blob)


@dataclass(frozen=True)
class IndexDoc:
    """A report as the index sees it."""

    id: str  # file path or archive key
    paragraphs: tuple[tuple[int, str, str | None], ...] | PackedParagraphs  # (paragraph index, normalised text, section id)
    member: str | None = None
    year: int | None = None
    role: str = "peer"  # "prior" | "peer" | "reference" | "boilerplate"

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"IndexDoc.role must be one of {ROLES}, not {self.role!r}")


@dataclass(frozen=True)
class Boilerplate:
    """What the index discounts: the form text given to ``fit`` and phrases most reports share."""

    shingles: np.ndarray  # sorted uint64 shingle hashes (form + learned)
    units: np.ndarray  # sorted uint64 exact-sentence hashes (form + learned)
    n_form_shingles: int
    n_form_units: int
    n_learned_shingles: int
    n_learned_units: int
    min_docs: int | None  # document count from which a phrase was learned (None: nothing learned)
    examples: tuple[str, ...] = ()  # learned boilerplate sentences, most frequent first (for display)


@dataclass(frozen=True)
class DocFreq:
    """Document frequency of shingles and whole sentences in the fitted sample (counts >= 2 kept)."""

    n_docs: int
    shingles: np.ndarray
    shingle_counts: np.ndarray
    units: np.ndarray
    unit_counts: np.ndarray

    def of_shingle(self, h: int) -> int:
        i = np.searchsorted(self.shingles, np.uint64(h))
        return int(self.shingle_counts[i]) if i < len(self.shingles) and self.shingles[i] == h else 0


@dataclass
class QueryStats:
    lsh_hits: int = 0  # signature rows colliding in a band
    candidates: int = 0  # distinct documents from LSH + exact sentences, after role/id filters
    verified: int = 0  # documents aligned
    returned: int = 0


# ----------------------------------------------------------------------------- features

@dataclass(slots=True)
class _Features:
    prepared: Prepared | None  # built on first need (CorpusIndex._units_of)
    zone_ids: list[int]
    zone_sets: list[np.ndarray]
    unit_keys: np.ndarray  # exact-sentence hashes for the sentence index (unique, sorted)
    tokens: Tokens | None = None
    analysis: UnitsAnalysis | None = None
    fitted: int | None = None  # the position of the report among the fitted ones, when it is one of them
    kept: bytes | None = None  # what the fit kept of it (pack_kept), when ``tokens`` were read from there


class _TokenStore:
    """The tokens of the fitted documents and their analysis (boilerplate masks, own content:
    :func:`~reportcheck.reuse.units.pack_kept`, ~25 KB a report), made once by the fit and read back by
    position (``pread``: forked processes too) when a fitted report is aligned: as the report queried (its
    own check) or as a candidate. Kept in anonymous temporary files, one
    per fit worker, gone when closed or when the process ends."""

    def __init__(self, n_docs: int):
        self.files: list = []
        self.where = np.full((n_docs, 3), -1, dtype=np.int64)  # file no., offset, length

    def new_file(self):
        self.files.append(tempfile.TemporaryFile(prefix="reportcheck-tokens-"))
        return len(self.files) - 1

    def get(self, i: int) -> bytes | None:
        f, off, n = self.where[i].tolist()
        return os.pread(self.files[f].fileno(), n, off) if f >= 0 else None


class CorpusIndex:
    """Fit on reports, then ask which of them a report was copied from.

    Parameters (``None`` = the value in ``reuse.toml``)
    ----------
    shingle : syllables per shingle.
    num_perm : MinHash permutations.
    threshold : similarity from which a match is ``flagged``.
    lsh_threshold : zone Jaccard at which the LSH bands cut.
    boilerplate_df : share of fitted reports from which a phrase is boilerplate.
    config : path of another reuse.toml.
    use_formulas : also treat the standard formulas of reuse.toml ``[boilerplate]`` as boilerplate.
    n_jobs : processes for ``fit`` (document frequencies, signatures; fork; 1 = none, 0 = all cores).
    **overrides : any other key of reuse.toml ``[index]``/``[score]``.
    """

    def __init__(self, *, shingle: int | None = None, num_perm: int | None = None,
                 threshold: float | None = None, lsh_threshold: float | None = None,
                 boilerplate_df: float | None = None, config: str | Path | None = None,
                 n_jobs: int = 1, **overrides):
        self.shingle = shingle
        self.num_perm = num_perm
        self.threshold = threshold
        self.lsh_threshold = lsh_threshold
        self.boilerplate_df = boilerplate_df
        self.config = config
        self.n_jobs = n_jobs
        self.overrides = overrides

    # ------------------------------------------------------------------ fit
    def _make_config(self) -> ReuseConfig:
        return load_config(self.config).with_overrides(
            shingle=self.shingle, num_perm=self.num_perm, threshold=self.threshold,
            lsh_threshold=self.lsh_threshold, boilerplate_df=self.boilerplate_df, **self.overrides)

    def fit(self, docs: Iterable[IndexDoc], boilerplate: Iterable[str] = ()) -> "CorpusIndex":
        """Learn boilerplate, document frequencies, signatures and LSH tables from ``docs``."""
        cfg = self.config_ = self._make_config()
        self._token_store: _TokenStore | None = None  # (during the fit, documents are tokenized)
        docs = list(docs)
        seen: set[str] = set()
        for d in docs:
            if d.id in seen:
                raise ValueError(f"duplicate IndexDoc id: {d.id!r}")
            seen.add(d.id)
        form_texts = [t for t in boilerplate if t and t.strip()]
        if cfg.use_formulas:
            form_texts.extend(cfg.formulas)
        for d in docs:
            if d.role == "boilerplate":
                form_texts.extend(t for _, t, _ in d.paragraphs if t and t.strip())
        indexed = [d for d in docs if d.role != "boilerplate"]
        self.docs_: tuple[IndexDoc, ...] = tuple(indexed)
        self.id_to_idx_: dict[str, int] = {d.id: i for i, d in enumerate(indexed)}
        self.member_priors_: dict[str, list[int]] = {}
        for i, d in enumerate(indexed):
            if d.member is not None and d.role == "prior":
                self.member_priors_.setdefault(d.member, []).append(i)
        self.roles_ = np.array([ROLES.index(d.role) for d in indexed], dtype=np.int8)

        # 1. form wording
        f_sh: list[np.ndarray] = []
        f_units: list[np.ndarray] = []
        for t in form_texts:
            tk = tokenize([(0, t, None)], cfg)
            f_sh.append(tk.sh_hash)
            f_units.append(tk.unit_keys)
        form_sh = np.unique(np.concatenate(f_sh)) if f_sh else np.zeros(0, np.uint64)
        form_units = np.unique(np.concatenate(f_units)) if f_units else np.zeros(0, np.uint64)

        # 2. document frequency on an even sample (by sorted id)
        order = sorted(range(len(indexed)), key=lambda i: indexed[i].id)
        if len(order) > cfg.df_sample:
            pick = np.linspace(0, len(order) - 1, cfg.df_sample).round().astype(int)
            sample = [order[i] for i in np.unique(pick)]
        else:
            sample = order
        n_jobs = self.n_jobs if self.n_jobs and self.n_jobs > 0 else (os.cpu_count() or 1)
        parallel = n_jobs > 1 and len(indexed) >= 200 and "fork" in mp.get_all_start_methods()
        # what the signatures need besides the boilerplate (from the settings alone)
        self.zones_: tuple[str, ...] = tuple(sorted(set(cfg.zones.values()) | {"other"}))
        self._zone_of: dict[str | None, int] = {s: self.zones_.index(z) for s, z in cfg.zones.items()}
        self._zone_of[None] = self.zones_.index("other")
        self.minhasher_ = MinHasher(cfg.num_perm, cfg.seed)
        self.bands_ = optimal_bands(cfg.lsh_threshold, cfg.num_perm)

        def learn(parts) -> None:
            """Document frequencies of the sample -> ``doc_freq_`` and ``boilerplate_``."""
            sh_all, sh_cnt = _merge_counts([p[0] for p in parts], [p[1] for p in parts])
            u_all, u_cnt = _merge_counts([p[2] for p in parts], [p[3] for p in parts])
            n_df = len(sample)
            keep_s, keep_u = sh_cnt >= 2, u_cnt >= 2
            self.doc_freq_ = DocFreq(n_df, sh_all[keep_s], sh_cnt[keep_s].astype(np.uint32),
                                     u_all[keep_u], u_cnt[keep_u].astype(np.uint32))
            if n_df >= cfg.boilerplate_min_corpus:
                min_docs = max(math.ceil(cfg.boilerplate_df * n_df), cfg.boilerplate_min_docs)
                learned_sh = sh_all[sh_cnt >= min_docs]
                lu_mask = u_cnt >= min_docs
                learned_u = u_all[lu_mask]
                examples = _examples(indexed, sample[:300], learned_u, u_cnt[lu_mask], form_units, cfg)
            else:
                min_docs = None
                learned_sh = learned_u = np.zeros(0, np.uint64)
                examples = ()
            self.boilerplate_ = Boilerplate(
                shingles=np.union1d(form_sh, learned_sh), units=np.union1d(form_units, learned_u),
                n_form_shingles=len(form_sh), n_form_units=len(form_units),
                n_learned_shingles=len(learned_sh), n_learned_units=len(learned_u),
                min_docs=min_docs, examples=examples)

        # 3. signatures per zone + exact-sentence index. A sampled report is tokenized once: the
        # tokens its document frequencies were counted from are kept for its signatures.
        # Each report's tokens are kept (the check of a fitted report aligns it: they are not made again).
        store = _TokenStore(len(indexed)) if hasattr(os, "pread") else None
        if parallel:
            parts = _fit_forked(self, len(indexed), sample, n_jobs, learn, store)
        else:
            kept: dict[int, Tokens] = {}
            learn([_df_counts(self, np.array(sample, dtype=np.int64), kept)])
            out = store.files[store.new_file()] if store is not None else None
            parts = [_features_of(self, np.arange(len(indexed), dtype=np.int64), kept, out)]
            del kept
        if store is not None:
            offsets = np.concatenate([p[5] for p in parts]) if parts else np.zeros(0, np.int64)
            lengths = np.concatenate([p[6] for p in parts]) if parts else np.zeros(0, np.int64)
            start = 0
            for k, p in enumerate(parts):
                n_k = len(p[5])
                store.where[start:start + n_k] = np.stack([np.full(n_k, k), offsets[start:start + n_k],
                                                           lengths[start:start + n_k]], axis=1)
                start += n_k
            self._token_store = store
        self.signatures_ = np.concatenate([p[0] for p in parts]) if parts else np.zeros((0, cfg.num_perm), np.uint32)
        self.sig_doc_ = np.concatenate([p[1] for p in parts]).astype(np.int32)
        self.sig_zone_ = np.concatenate([p[2] for p in parts]).astype(np.int8)
        uk = np.concatenate([p[3] for p in parts])
        ud = np.concatenate([p[4] for p in parts]).astype(np.int32)
        o = np.lexsort((ud, uk))
        self.unit_keys_, self.unit_docs_ = uk[o], ud[o]
        b, r = self.bands_
        self.lsh_ = BandIndex(self.signatures_, b, r)
        self._cache: OrderedDict[int, Prepared] = OrderedDict()
        self.last_query_ = QueryStats()
        return self

    # ------------------------------------------------------------------ helpers
    def _check_fitted(self):
        if not hasattr(self, "signatures_"):
            raise RuntimeError("CorpusIndex is not fitted: call fit(docs) first")

    def _fitted(self, doc: IndexDoc) -> int | None:
        """The position of ``doc`` among the fitted reports when it is one of them (same id, same text)."""
        idx = self.id_to_idx_.get(doc.id)
        if idx is None:
            return None
        mine = self.docs_[idx]
        return idx if mine is doc or mine.paragraphs == doc.paragraphs else None

    def _kept_blob(self, doc: IndexDoc, fitted: int | None = None) -> bytes | None:
        """What the fit kept for ``doc`` (:func:`~reportcheck.reuse.units.pack_kept`) when it is the fitted
        report ``fitted`` (or is found to be one), else None."""
        store = getattr(self, "_token_store", None)
        if store is None:
            return None
        if fitted is None:
            fitted = self._fitted(doc)
        return store.get(fitted) if fitted is not None else None

    def _kept(self, doc: IndexDoc, fitted: int | None = None) -> tuple[Tokens, UnitsAnalysis] | None:
        """The tokens and their analysis the fit kept for ``doc`` (see :meth:`_kept_blob`), else None."""
        blob = self._kept_blob(doc, fitted)
        return unpack_kept(blob, doc.paragraphs, self.config_) if blob is not None else None

    def _tokens(self, doc: IndexDoc) -> Tokens:
        kept = self._kept(doc)
        return kept[0] if kept is not None else tokenize(doc.paragraphs, self.config_)

    def _prepare(self, doc: IndexDoc, stored: tuple[str | None, bytes | None] | None = None) -> Prepared:
        """``doc``'s units ready for alignment (built as read: :func:`prepare`); ``stored``: its tokens as an
        archive kept them (version, blob)."""
        kept = self._kept(doc)
        if kept is not None:
            tk, an = kept
        else:
            tk, an = self._stored_or_tokenized(doc, stored), None
        return prepare(tk, self.config_, self.boilerplate_.shingles, self.boilerplate_.units, an)

    def _stored_or_tokenized(self, doc: IndexDoc, stored: tuple[str | None, bytes | None] | None) -> Tokens:
        """The tokens of ``doc``: read from ``stored`` when they are of this tokenizer and of these very
        paragraphs (:func:`~reportcheck.reuse.units.load_tokens`), else tokenized; the same either way."""
        if stored is not None and stored[1] is not None and stored[0] == tokens_version(self.config_):
            paragraphs = tuple(doc.paragraphs)
            tk = load_tokens(stored[1], paragraphs, self.config_)
            if tk is not None:
                return tk
            return tokenize(paragraphs, self.config_)
        return tokenize(doc.paragraphs, self.config_)

    def stored_tokens(self, doc: IndexDoc, features: _Features | None = None) -> tuple[str, bytes]:
        """``doc``'s tokens as an archive keeps them, (version, blob): from ``features`` (:meth:`features` of
        ``doc``) when given, else from what the fit kept, else tokenized. The fit packed them already
        (:func:`~reportcheck.reuse.units.kept_tokens`): those bytes are taken as they are, not packed again."""
        if features is not None and features.kept is not None:
            tk = kept_tokens(features.kept)
        elif features is not None and features.tokens is not None:
            tk = features.tokens
        else:
            blob = self._kept_blob(doc)
            tk = kept_tokens(blob) if blob is not None else tokenize(doc.paragraphs, self.config_)
        return tokens_version(self.config_), store_tokens(tk, doc.paragraphs)

    def _prepared(self, idx: int) -> Prepared:
        p = self._cache.get(idx)
        if p is not None:
            self._cache.move_to_end(idx)
            return p
        p = self._prepare(self.docs_[idx])  # only ever the other side (query, compare)
        self._cache[idx] = p
        if len(self._cache) > self.config_.cache_size:
            self._cache.popitem(last=False)
        return p

    def _features(self, doc: IndexDoc, with_units: bool = True, tokens: Tokens | None = None) -> _Features:
        """Zone shingle sets and exact-sentence keys of ``doc``; ``with_units``: keep what its units for
        alignment are built from (built when first needed, :meth:`_units_of`). ``tokens``: ``doc``
        tokenized already (by this process)."""
        cfg = self.config_
        bp = self.boilerplate_
        fitted = an = blob = None
        if tokens is None:
            fitted = self._fitted(doc)
            blob = self._kept_blob(doc, fitted) if fitted is not None else None
            if blob is not None:
                tokens, an = unpack_kept(blob, doc.paragraphs, cfg)
            else:
                tokens = tokenize(doc.paragraphs, cfg)
        tk = tokens
        if an is None:
            an = analyse(tk, cfg, bp.shingles, bp.units)
        zmap = self._zone_of
        zone_of = np.array([zmap.get(sec, zmap[None]) for sec in tk.u_sec], dtype=np.int16)
        ok = (an.mass > 0) & (an.weights > 0)
        zone_of[~ok] = -1
        zone_ids, zone_sets = [], []
        if len(an.sh_unit):
            z = zone_of[an.sh_unit]
            for zi in np.unique(z[z >= 0]).tolist():
                s = np.unique(an.sh_hash[z == zi])
                if len(s) >= cfg.min_zone_shingles:
                    zone_ids.append(zi)
                    zone_sets.append(s)
        sel = ok & (tk.u_len >= cfg.min_index_unit_tokens) & (an.mass * 2 >= tk.u_len)
        ukeys = np.unique(tk.unit_keys[sel])
        if len(ukeys):
            ukeys = ukeys[~in_sorted(ukeys, bp.units)]
        if not with_units:
            return _Features(None, zone_ids, zone_sets, ukeys, fitted=fitted)
        return _Features(None, zone_ids, zone_sets, ukeys, tk, an, fitted, blob)

    def _units_of(self, f: _Features) -> Prepared:
        """The units of a query's features ready for alignment (the same as :meth:`_prepare` of its doc)."""
        if f.prepared is None:
            bp = self.boilerplate_
            f.prepared = prepare(f.tokens, self.config_, bp.shingles, bp.units, f.analysis)
        return f.prepared

    def features(self, doc: IndexDoc) -> _Features:
        """What :meth:`query` and :meth:`compare` compute of ``doc``: computed once, given to both
        (``features=``), a report is tokenized once for its prior and its peers."""
        self._check_fitted()
        return self._features(doc)

    # ------------------------------------------------------------------ public API
    def is_boilerplate(self, text: str) -> bool:
        """True when (almost) all of ``text`` is form wording or phrases most reports share."""
        self._check_fitted()
        tk = tokenize([(0, text, None)], self.config_)
        n = len(tk.ids)
        if n == 0:
            return True
        an = analyse(tk, self.config_, self.boilerplate_.shingles, self.boilerplate_.units)
        return (n - int(an.mass.sum())) / n >= self.config_.is_boilerplate_share

    def compare(self, doc: IndexDoc, other: IndexDoc, *, features: _Features | None = None,
                other_tokens: tuple[str | None, bytes | None] | None = None) -> Match | None:
        """Align ``doc`` with ``other`` directly (an explicit --prior); same scoring as :meth:`query`.
        ``features``: :meth:`features` of ``doc``, when already computed; ``other_tokens``: ``other``'s tokens
        as an archive kept them (version, blob: :meth:`stored_tokens`), used when still valid."""
        self._check_fitted()
        a = self._units_of(features) if features is not None else self._prepare(doc)
        idx = self.id_to_idx_.get(other.id)
        if idx is not None and self.docs_[idx] is other:
            b = self._prepared(idx)
        else:
            b = self._prepare(other, other_tokens)
        pairs = align_pairs(a, b, self.config_)
        if not pairs:
            return None
        return score_pairs(a, b, pairs, self.config_, other_id=other.id, role=other.role)

    def candidates(self, doc: IndexDoc, *, roles: Sequence[str] = ("prior", "peer", "reference"),
                   exclude_ids: Iterable[str] = (), features: _Features | None = None) -> list[tuple[int, float]]:
        """(document index, estimated overlap) of the documents worth aligning, best first."""
        self._check_fitted()
        cfg = self.config_
        f = features or self._features(doc, with_units=False)
        stats = self.last_query_ = QueryStats()
        qsig = None
        cand_docs: list[np.ndarray] = []
        cand_vals: list[np.ndarray] = []
        if f.zone_sets:
            if f.fitted is not None:  # a fitted report: the fit made the same signatures (one row a zone)
                lo, hi = np.searchsorted(self.sig_doc_, f.fitted, "left"), np.searchsorted(self.sig_doc_, f.fitted, "right")
                if self.sig_zone_[lo:hi].tolist() == f.zone_ids:
                    qsig = self.signatures_[lo:hi]
            if qsig is None:
                offsets = np.cumsum([0] + [len(s) for s in f.zone_sets])
                qsig = self.minhasher_.signatures(np.concatenate(f.zone_sets), offsets)
            rows = self.lsh_.query(qsig)
            stats.lsh_hits = len(rows)
            if len(rows):
                rows = np.unique(rows)
                # estimated Jaccard of each colliding row with its best query zone (zones are
                # compared across, so text moved between parts of the form is still found)
                v = np.zeros(len(rows))
                sig_rows = self.signatures_[rows]
                for q in qsig:
                    np.maximum(v, (sig_rows == q).mean(axis=1), out=v)
                cand_docs.append(self.sig_doc_[rows])
                cand_vals.append(v)
        if len(f.unit_keys) and len(self.unit_keys_):
            lo = np.searchsorted(self.unit_keys_, f.unit_keys, side="left")
            cnt = np.searchsorted(self.unit_keys_, f.unit_keys, side="right") - lo
            keep = (cnt > 0) & (cnt <= cfg.max_postings)
            lo, cnt = lo[keep], cnt[keep]
            if len(lo):
                idx = np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt) + np.repeat(lo, cnt)
                key_of = np.repeat(np.arange(len(lo)), cnt)
                pair = np.unique(key_of.astype(np.int64) * (len(self.docs_) + 1) + self.unit_docs_[idx])
                d, c = np.unique(pair % (len(self.docs_) + 1), return_counts=True)
                cand_docs.append(d.astype(np.int32))
                cand_vals.append(c / len(f.unit_keys))
        est: dict[int, float] = {}
        if cand_docs:
            docs = np.concatenate(cand_docs)
            vals = np.concatenate(cand_vals)
            order = np.lexsort((-vals, docs))  # per document, the best estimate first
            docs, vals = docs[order], vals[order]
            first = np.ones(len(docs), dtype=bool)
            first[1:] = docs[1:] != docs[:-1]
            docs, vals = docs[first], vals[first]
            est = dict(zip(docs.tolist(), vals.tolist()))
        role_ok = np.zeros(len(ROLES), dtype=bool)
        for r in roles:
            role_ok[ROLES.index(r)] = True
        excl = set(exclude_ids) | {doc.id}
        cands = [(d, v) for d, v in est.items()
                 if v >= cfg.min_candidate and role_ok[self.roles_[d]] and self.docs_[d].id not in excl]
        stats.candidates = len(cands)
        cands.sort(key=lambda x: (-x[1], self.docs_[x[0]].id))
        cands = cands[: cfg.max_verify]
        if cfg.member_priors and doc.member is not None and "prior" in roles:
            # the member's own earlier reports are compared zone by zone even without an LSH
            # collision, and aligned from a much lower estimated overlap
            have = {d for d, _ in cands}
            for d in self.member_priors_.get(doc.member, ()):
                if d in have or self.docs_[d].id in excl:
                    continue
                v = max(est.get(d, 0.0), self._zone_estimate(d, f, qsig))
                if v >= cfg.min_member_candidate:
                    cands.append((d, v))
        return cands

    def _zone_estimate(self, d: int, f: _Features, qsig: np.ndarray | None) -> float:
        """Best estimated Jaccard between a zone of ``f`` and the same zone of document ``d``."""
        if qsig is None or not len(qsig):
            return 0.0
        lo = np.searchsorted(self.sig_doc_, d, side="left")
        hi = np.searchsorted(self.sig_doc_, d, side="right")
        best = 0.0
        for r in range(lo, hi):
            z = int(self.sig_zone_[r])
            if z in f.zone_ids:
                q = qsig[f.zone_ids.index(z)]
                best = max(best, float((self.signatures_[r] == q).mean()))
        return best

    def query(self, doc: IndexDoc, *, roles: Sequence[str] = ("prior", "peer", "reference"),
              exclude_ids: Iterable[str] = (), top: int = 5, features: _Features | None = None) -> list[Match]:
        """The fitted reports ``doc`` shares most of its own content with, best first.
        ``features``: :meth:`features` of ``doc``, when already computed."""
        self._check_fitted()
        for r in roles:
            if r not in ROLES:
                raise ValueError(f"unknown role {r!r}")
        cfg = self.config_
        f = features if features is not None else self._features(doc)
        cands = self.candidates(doc, roles=roles, exclude_ids=exclude_ids, features=f)
        stats = self.last_query_
        out: list[Match] = []
        for d, _ in cands:
            other = self.docs_[d]
            m = align(self._units_of(f), self._prepared(d), cfg, other_id=other.id, role=other.role)
            if m.similarity >= cfg.report_min or m.flagged:
                out.append(m)
        stats.verified = len(cands)
        out.sort(key=lambda m: (-m.similarity, m.other_id))
        out = out[:top] if top is not None else out
        stats.returned = len(out)
        return out

    def query_many(self, docs: Iterable[IndexDoc], *, roles: Sequence[str] = ("prior", "peer", "reference"),
                   exclude_ids: Iterable[str] = (), top: int = 5, n_jobs: int = 1) -> list[list[Match]]:
        """:meth:`query` for many reports, in order; ``n_jobs > 1`` forks that many workers.

        Workers inherit the fitted index (fork, copy-on-write) and hand their matches back
        as JSON lines in a temporary file: nothing is pickled.
        """
        self._check_fitted()
        docs = list(docs)
        exclude_ids = tuple(exclude_ids)
        if n_jobs <= 1 or len(docs) < 2 * n_jobs or "fork" not in mp.get_all_start_methods():
            return [self.query(d, roles=roles, exclude_ids=exclude_ids, top=top) for d in docs]
        step = math.ceil(len(docs) / n_jobs)
        ranges = [(s, min(len(docs), s + step)) for s in range(0, len(docs), step)]
        ctx = mp.get_context("fork")
        with tempfile.TemporaryDirectory(prefix="reuse-q-") as tmp:
            procs = []
            for k, (lo, hi) in enumerate(ranges):
                path = os.path.join(tmp, f"{k}.jsonl")
                pr = ctx.Process(target=_query_worker, args=(self, docs, lo, hi, path, tuple(roles), exclude_ids, top))
                pr.start()
                procs.append((pr, path))
            out: list[list[Match]] = []
            for pr, path in procs:
                pr.join()
                if pr.exitcode != 0:
                    raise RuntimeError(f"query worker failed with exit code {pr.exitcode}")
                with open(path, encoding="utf-8") as fh:
                    for line in fh:
                        out.append([Match.from_dict(m) for m in json.loads(line)])
        return out

    def memory_bytes(self) -> dict[str, int]:
        """Bytes held by the learned numpy arrays (documents themselves not counted)."""
        self._check_fitted()
        return {
            "signatures": self.signatures_.nbytes + self.sig_doc_.nbytes + self.sig_zone_.nbytes,
            "lsh": self.lsh_.nbytes,
            "sentence_index": self.unit_keys_.nbytes + self.unit_docs_.nbytes,
            "boilerplate": self.boilerplate_.shingles.nbytes + self.boilerplate_.units.nbytes,
            "doc_freq": (self.doc_freq_.shingles.nbytes + self.doc_freq_.shingle_counts.nbytes
                         + self.doc_freq_.units.nbytes + self.doc_freq_.unit_counts.nbytes),
        }


# ----------------------------------------------------------------------------- fit workers

def _df_counts(index: CorpusIndex, docs: np.ndarray, keep: dict | None = None):
    """Unique shingles and sentence keys of the given documents, with document counts; each document's
    tokens are put in ``keep`` (by document index) when given, for its signatures (:func:`_features_of`).

    Counted from the units of the parts that weigh (header and self-rating left out): a unit never
    spans two paragraphs, so these are the shingles and keys of those parts' paragraphs alone."""
    cfg = index.config_
    sh_parts, u_parts = [], []
    weighs: dict[str | None, bool] = {}
    for i in docs.tolist():
        tk = tokenize(index.docs_[i].paragraphs, cfg)
        if keep is not None:
            keep[i] = tk
        ok = [weighs[s] if s in weighs else weighs.setdefault(s, cfg.weight(s) > 0) for s in tk.u_sec]
        if all(ok):
            sh, uk = tk.sh_hash, tk.unit_keys
        else:
            ok = np.array(ok, dtype=bool)
            sh, uk = tk.sh_hash[ok[tk.sh_unit]], tk.unit_keys[ok]
        sh_parts.append(np.unique(sh))
        u_parts.append(np.unique(uk))
    sh, sc = _merge_counts(sh_parts, [np.ones(len(x), np.int64) for x in sh_parts])
    uk, uc = _merge_counts(u_parts, [np.ones(len(x), np.int64) for x in u_parts])
    return sh, sc, uk, uc


def _merge_counts(values: list[np.ndarray], counts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Sum ``counts`` per distinct value over several (value, count) arrays."""
    if not values:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    v = np.concatenate(values)
    c = np.concatenate(counts).astype(np.int64)
    if not len(v):
        return v.astype(np.uint64), c
    order = np.argsort(v, kind="stable")
    v, c = v[order], c[order]
    first = np.ones(len(v), dtype=bool)
    first[1:] = v[1:] != v[:-1]
    starts = np.nonzero(first)[0]
    return v[starts], np.add.reduceat(c, starts)


def _examples(docs, sample, keys: np.ndarray, counts: np.ndarray, form_units: np.ndarray, cfg) -> tuple[str, ...]:
    """Texts of learned boilerplate sentences (not form wording), most frequent first."""
    want = {int(k): int(c) for k, c in zip(keys, counts)}
    for k in form_units.tolist():
        want.pop(k, None)
    text: dict[int, str] = {}
    for i in sample:
        tk = tokenize(docs[i].paragraphs, cfg, skip_zero_weight=True)
        for u, k in enumerate(tk.unit_keys.tolist()):
            if k in want and k not in text and tk.u_len[u] >= 3:
                text[k] = tk.para_text[tk.u_para[u]][tk.u_start[u]:tk.u_end[u]]
        if len(text) == len(want):
            break
    ex = sorted(((want[k], t) for k, t in text.items()), key=lambda x: (-x[0], x[1]))
    return tuple(t for _, t in ex[:200])


def _features_of(index: CorpusIndex, docs: np.ndarray, kept: dict | None = None, out=None):
    """Signatures and sentence keys of the given documents (run in-process or in a fork); ``kept``: tokens
    of some of them (:func:`_df_counts`), used up; ``out``: a file the documents' packed tokens are written
    to (their offsets and lengths are returned too)."""
    vals, lens, zdoc, zid, ukeys, udocs = [], [], [], [], [], []
    offsets, lengths = [], []
    at = 0
    for i in docs.tolist():
        doc = index.docs_[i]
        tk = kept.pop(i, None) if kept else None
        if tk is None:
            tk = index._tokens(doc)
        f = index._features(doc, with_units=out is not None, tokens=tk)
        if out is not None:
            blob = pack_kept(tk, f.analysis)
            out.write(blob)
            offsets.append(at)
            lengths.append(len(blob))
            at += len(blob)
        for z, s in zip(f.zone_ids, f.zone_sets):
            vals.append(s)
            lens.append(len(s))
            zdoc.append(i)
            zid.append(z)
        if len(f.unit_keys):
            ukeys.append(f.unit_keys)
            udocs.append(np.full(len(f.unit_keys), i, dtype=np.int32))
    if out is not None:
        out.flush()
    offsets = np.array(offsets, dtype=np.int64)
    lengths = np.array(lengths, dtype=np.int64)
    offsets_ = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64) if lens else np.zeros(1, np.int64)
    sigs = index.minhasher_.signatures(np.concatenate(vals) if vals else np.zeros(0, np.uint64), offsets_)
    return (sigs, np.array(zdoc, dtype=np.int32), np.array(zid, dtype=np.int8),
            np.concatenate(ukeys) if ukeys else np.zeros(0, np.uint64),
            np.concatenate(udocs) if udocs else np.zeros(0, np.int32), offsets, lengths)


def _fit_worker(index: CorpusIndex, docs: np.ndarray, sampled: np.ndarray, tmp: str, k: int, conn, out) -> None:
    """One forked child of :func:`_fit_forked`: document frequencies of the sampled documents of its
    chunk, then, once the parent has learned the boilerplate, the signatures of the whole chunk."""
    kept: dict[int, Tokens] = {}
    sh, sc, uk, uc = _df_counts(index, docs[sampled[docs]], kept)
    np.savez(os.path.join(tmp, f"df{k}.npz"), a0=sh, a1=sc, a2=uk, a3=uc)
    del sh, sc, uk, uc
    conn.send_bytes(b"df")
    if conn.recv_bytes() != b"go":
        raise RuntimeError("reuse fit: unexpected message")
    with np.load(os.path.join(tmp, "bp.npz"), allow_pickle=False) as z:
        bp_shingles, bp_units = z["shingles"], z["units"]
    index.boilerplate_ = Boilerplate(shingles=bp_shingles, units=bp_units, n_form_shingles=0, n_form_units=0,
                                     n_learned_shingles=0, n_learned_units=0, min_docs=None)
    arrays = _features_of(index, docs, kept, out)
    np.savez(os.path.join(tmp, f"f{k}.npz"), **{f"a{i}": a for i, a in enumerate(arrays)})


def _fit_forked(index: CorpusIndex, n: int, sample: list[int], n_jobs: int, learn,
                store: _TokenStore | None = None) -> list[tuple[np.ndarray, ...]]:
    """Document frequencies and signatures in ``n_jobs`` forked children, each over a contiguous chunk of
    the ``n`` documents, in two steps: each counts the sampled documents of its chunk (keeping their tokens);
    ``learn(parts)`` then sets the boilerplate here, and each child, told to go on, makes the signatures of
    its chunk. A document is tokenized once for both; its tokens go to ``store`` (a file per child).

    Children inherit the index (copy-on-write); arrays go through .npz files read with
    ``allow_pickle=False``, in chunk order, and the pipes carry only the two signals."""
    items = np.arange(n, dtype=np.int64)
    sampled = np.zeros(n, dtype=bool)
    sampled[np.array(sample, dtype=np.int64)] = True
    step = math.ceil(n / n_jobs)
    chunks = [items[s:s + step] for s in range(0, n, step)]
    ctx = mp.get_context("fork")
    with tempfile.TemporaryDirectory(prefix="reuse-fit-") as tmp:
        procs = []
        try:
            for k, chunk in enumerate(chunks):
                here, there = ctx.Pipe()
                out = store.files[store.new_file()] if store is not None else None
                pr = ctx.Process(target=_fit_worker, args=(index, chunk, sampled, tmp, k, there, out))
                pr.start()
                there.close()
                procs.append((pr, here))
            parts = []
            for k, (pr, here) in enumerate(procs):
                try:
                    here.recv_bytes()
                except EOFError:
                    pr.join()
                    raise RuntimeError(f"reuse worker failed with exit code {pr.exitcode}") from None
                with np.load(os.path.join(tmp, f"df{k}.npz"), allow_pickle=False) as z:
                    parts.append(tuple(z[f"a{i}"] for i in range(len(z.files))))
            learn(parts)
            del parts
            np.savez(os.path.join(tmp, "bp.npz"), shingles=index.boilerplate_.shingles, units=index.boilerplate_.units)
            for _pr, here in procs:
                here.send_bytes(b"go")
            out = []
            for k, (pr, _here) in enumerate(procs):
                pr.join()
                if pr.exitcode != 0:
                    raise RuntimeError(f"reuse worker failed with exit code {pr.exitcode}")
                with np.load(os.path.join(tmp, f"f{k}.npz"), allow_pickle=False) as z:
                    out.append(tuple(z[f"a{i}"] for i in range(len(z.files))))
            return out
        finally:
            for pr, here in procs:
                here.close()  # a child still waiting for its signal ends (EOFError)
                pr.join(timeout=10)
                if pr.is_alive():
                    pr.terminate()
                    pr.join()


def _query_worker(index: CorpusIndex, docs, lo, hi, path, roles, exclude_ids, top) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for d in docs[lo:hi]:
            ms = index.query(d, roles=roles, exclude_ids=exclude_ids, top=top)
            fh.write(json.dumps([m.to_dict() for m in ms], ensure_ascii=False) + "\n")
