"""The copy detector's shortcuts give what the plain path gives: the index fit counting document
frequencies from the tokens it keeps for the signatures, the fitted reports' tokens and signatures
used again when they are queried."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import synth  # noqa: E402

from reportcheck.reuse import CorpusIndex, IndexDoc  # noqa: E402
from reportcheck.reuse.index import PackedParagraphs  # noqa: E402
from reportcheck.reuse.units import Analysis, Tokens, analyse, folded, tokenize  # noqa: E402

FORM = synth.form_text()


@pytest.fixture(scope="module")
def docs():
    rng = random.Random(7)
    out = []
    for i in range(240):
        m = synth.make_member(rng, i)
        rep = synth.make_report(rng, m, 2024)
        out.append(IndexDoc(f"2024/{m.id}", PackedParagraphs(rep.as_paragraphs()), member=m.id, year=2024))
    return out


def _state(index: CorpusIndex) -> list[np.ndarray]:
    bp, df = index.boilerplate_, index.doc_freq_
    return [index.signatures_, index.sig_doc_, index.sig_zone_, index.unit_keys_, index.unit_docs_, bp.shingles,
            bp.units, df.shingles, df.shingle_counts, df.units, df.unit_counts,
            np.array([bp.n_learned_shingles, bp.n_learned_units, bp.min_docs or -1]), np.array(bp.examples)]


@pytest.mark.parametrize("df_sample", [4000, 100])
def test_fit_same_in_one_process_and_in_two(docs, df_sample):
    one = _state(CorpusIndex(n_jobs=1, df_sample=df_sample).fit(docs, boilerplate=FORM))
    two = _state(CorpusIndex(n_jobs=2, df_sample=df_sample).fit(docs, boilerplate=FORM))
    assert all(a.shape == b.shape and (a == b).all() for a, b in zip(one, two))


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_kept_tokens_and_analysis_are_the_same(docs, n_jobs):
    index = CorpusIndex(n_jobs=n_jobs).fit(docs, boilerplate=FORM)
    for d in docs[::17]:
        again = IndexDoc(d.id, tuple(d.paragraphs), member=d.member, year=d.year)  # another object, same text
        assert index._fitted(again) is not None
        kept, made = index._tokens(again), tokenize(again.paragraphs, index.config_)
        for name in Tokens.__slots__:
            a, b = getattr(kept, name), getattr(made, name)
            if name == "ids":  # ids are this process's: the words they stand for are the same
                a, b = folded(a.tolist()), folded(b.tolist())
            assert (a.dtype == b.dtype and np.array_equal(a, b)) if isinstance(a, np.ndarray) else a == b, name
        bp = index.boilerplate_
        kept_an, made_an = index._kept(again)[1], analyse(made, index.config_, bp.shingles, bp.units)
        for name in Analysis.__slots__:
            a, b = getattr(kept_an, name), getattr(made_an, name)
            assert a.dtype == b.dtype and np.array_equal(a, b), name
        other = IndexDoc(d.id, tuple((i, t + " x", s) for i, t, s in again.paragraphs))  # same id, other text
        assert index._fitted(other) is None


def test_queries_same_with_kept_tokens(docs):
    index = CorpusIndex(n_jobs=2).fit(docs, boilerplate=FORM)
    queries = [IndexDoc(d.id, tuple(d.paragraphs), member=d.member, year=d.year) for d in docs[::9]]
    kept = [index.query(q, roles=("peer",), top=10) for q in queries]
    index._fitted = lambda doc: None  # the plain path: tokenized again, signatures made again
    assert kept == [index.query(q, roles=("peer",), top=10) for q in queries]
