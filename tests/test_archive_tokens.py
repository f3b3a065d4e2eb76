"""The tokens the archive keeps for copy detection (schema v3): filled when a v2 archive is migrated, written
with every new row, read instead of tokenizing the prior-year report again — and never used when stale."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

import reportcheck.reuse.index as index_module
import reportcheck.reuse.units as units
from reportcheck.archive import _COLUMNS, MIGRATIONS, SCHEMA_VERSION, Archive, record_of
from reportcheck.audit import run_audit
from reportcheck.batch import _match_dict, fit_index, index_doc
from reportcheck.io import read_document
from reportcheck.pipeline import analyse, check_analysis
from reportcheck.reuse.config import load_config
from reportcheck.reuse.units import load_tokens, tokenize, tokens_version

REPORTS = Path(__file__).resolve().parent.parent / "corpora" / "reports"
LAST_YEAR = ["p_03_giao_vien_tan_hung_2023.docx", "p_08_kiem_tra_thue_2023.docx"]
THIS_YEAR = ["d_teacher_02a_2024.docx", "p_07_kiem_tra_thue_2024.docx"]  # the same two members, 2024
V2_COLUMNS = [c for c in _COLUMNS if c not in ("tokens", "tokens_version")]


@pytest.fixture(scope="module")
def results():
    return {n: check_analysis(analyse(read_document(REPORTS / n))) for n in LAST_YEAR + THIS_YEAR}


def v2_archive(path: Path, recs: list[dict]) -> None:
    """A file as schema 2 made it (its two migrations, then rows with its columns only)."""
    conn = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](conn)
    MIGRATIONS[1](conn)
    conn.execute("PRAGMA user_version = 2")
    for rec in recs:
        conn.execute(f"INSERT INTO reports ({', '.join(V2_COLUMNS)}, added_at, updated_at) "
                     f"VALUES ({', '.join('?' * len(V2_COLUMNS))}, ?, ?)",
                     (*[rec[k] for k in V2_COLUMNS], "2024-01-05T08:00:00+00:00", "2024-01-05T08:00:00+00:00"))
    conn.close()


def same_tokens(a, b) -> bool:
    """Equal tokens: the same arrays and units (ids are per process: compared as the words they stand for)."""
    for f in a.__slots__:
        x, y = getattr(a, f), getattr(b, f)
        if f == "ids":
            if units.folded(x.tolist()) != units.folded(y.tolist()):
                return False
        elif isinstance(x, np.ndarray):
            if not np.array_equal(x, y):
                return False
        elif x != y:
            return False
    return True


def counting_tokenize(monkeypatch) -> list:
    """Count the index's calls of ``tokenize`` (each call's paragraphs kept)."""
    calls: list = []

    def spy(paragraphs, cfg, **kw):
        calls.append(tuple(paragraphs))
        return tokenize(calls[-1], cfg, **kw)

    monkeypatch.setattr(index_module, "tokenize", spy)
    return calls


def test_migration_v2_to_v3_stores_the_tokens(tmp_path: Path, results) -> None:
    db = tmp_path / "v2.db"
    v2_archive(db, [record_of(results[n], 2023, "Chi bộ X") for n in LAST_YEAR])
    with sqlite3.connect(db) as conn:
        before = conn.execute(f"SELECT id, {', '.join(V2_COLUMNS)}, added_at, updated_at FROM reports").fetchall()
    conn.close()
    with Archive(db) as arc:
        assert arc.schema_version == SCHEMA_VERSION == 3
        rows = arc.history("Phạm Thị Thu Hà") + arc.history("Vũ Minh Quang")
    assert len(rows) == 2
    cfg = load_config()
    for row in rows:
        assert row.tokens_version == tokens_version(cfg)
        doc = row.index_doc()
        kept = load_tokens(row.tokens, doc.paragraphs, cfg)
        assert kept is not None and same_tokens(kept, tokenize(doc.paragraphs, cfg))
    with sqlite3.connect(db) as conn:  # nothing else in the rows changed
        after = conn.execute(f"SELECT id, {', '.join(V2_COLUMNS)}, added_at, updated_at FROM reports").fetchall()
    conn.close()
    assert after == before


def test_new_rows_carry_their_tokens(tmp_path: Path, results) -> None:
    cfg = load_config()
    with Archive(tmp_path / "u.db") as arc:
        arc.add(results[LAST_YEAR[0]], 2023)
        [row] = arc.history("Phạm Thị Thu Hà")
    doc = index_doc(results[LAST_YEAR[0]].analysis, "prior")
    assert row.tokens_version == tokens_version(cfg)
    assert same_tokens(load_tokens(row.tokens, doc.paragraphs, cfg), tokenize(doc.paragraphs, cfg))


def audit_of(folder: Path, db: Path, monkeypatch) -> tuple:
    calls = counting_tokenize(monkeypatch)
    audit = run_audit([str(folder)], archive=db, year=2024, jobs=1, progress=False)
    monkeypatch.undo()
    priors = [r.extras["reuse"]["prior"] for r in audit.results]
    return audit.rows, priors, len(calls)


def test_a_migrated_archive_gives_the_same_prior_comparison(tmp_path: Path, results, monkeypatch) -> None:
    """A v2 archive, migrated when the audit opens it, compares each report with its prior as the v2 archive
    did (the prior's text tokenized again, here an archive whose stored tokens are emptied) without tokenizing
    the priors; the rows the audit records in it carry their tokens too."""
    folder = tmp_path / "2024"
    folder.mkdir()
    for n in THIS_YEAR:
        shutil.copy(REPORTS / n, folder / n)
    v2 = tmp_path / "v2.db"
    v2_archive(v2, [record_of(results[n], 2023, "Chi bộ X") for n in LAST_YEAR])
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    shutil.copy(v2, old)
    shutil.copy(v2, new)
    Archive(old).close()
    with sqlite3.connect(old) as conn:  # what the audit read from a v2 archive: the text only
        conn.execute("UPDATE reports SET tokens = NULL, tokens_version = NULL")
    conn.close()
    rows_old, priors_old, calls_old = audit_of(folder, old, monkeypatch)
    rows_new, priors_new, calls_new = audit_of(folder, new, monkeypatch)
    assert all(p is not None for p in priors_new) and rows_new[0]["findings"].get("copied-from-prior") == 1
    assert (rows_new, priors_new) == (rows_old, priors_old)
    assert calls_old - calls_new == len(LAST_YEAR)  # each prior's tokens read, not made
    cfg = load_config()
    with Archive(new) as arc:
        recorded = [r for n in ("Phạm Thị Thu Hà", "Vũ Minh Quang") for r in arc.history(n) if r.year == 2024]
    assert len(recorded) == len(THIS_YEAR)
    for row in recorded:
        doc = row.index_doc()
        assert row.tokens_version == tokens_version(cfg)
        assert same_tokens(load_tokens(row.tokens, doc.paragraphs, cfg), tokenize(doc.paragraphs, cfg))


def test_stale_tokens_are_tokenized_again(tmp_path: Path, results, monkeypatch) -> None:
    """Stored tokens of another tokenizer (version), or of other paragraphs (digest), are not used: the prior is
    tokenized again, and the comparison is the one from its text."""
    with Archive(tmp_path / "u.db") as arc:
        for n in LAST_YEAR:
            arc.add(results[n], 2023, "Chi bộ X")
        teacher, tax = arc.history("Phạm Thị Thu Hà")[0], arc.history("Vũ Minh Quang")[0]
    this = results[THIS_YEAR[0]].analysis
    own = index_doc(this, "peer")
    index = fit_index([own])
    prior_doc = teacher.index_doc()
    stored = (teacher.tokens_version, teacher.tokens)

    def compare(other_tokens) -> tuple[dict, int]:
        calls = counting_tokenize(monkeypatch)
        m = index.compare(own, prior_doc, features=index.features(own), other_tokens=other_tokens)
        monkeypatch.undo()
        return _match_dict(m), sum(c == tuple(prior_doc.paragraphs) for c in calls)

    expected, n = compare(None)  # from the text
    assert n == 1 and expected["flagged"]
    assert compare(stored) == (expected, 0)  # the stored tokens, as they are
    assert compare(("0.old", teacher.tokens)) == (expected, 1)  # another version
    assert compare((teacher.tokens_version, tax.tokens)) == (expected, 1)  # another report's tokens
    monkeypatch.setattr(units, "_code_digest", lambda: "changed")  # the tokenizer's code changed since
    calls = counting_tokenize(monkeypatch)
    m = index.compare(own, prior_doc, features=index.features(own), other_tokens=stored)
    assert _match_dict(m) == expected and sum(c == tuple(prior_doc.paragraphs) for c in calls) == 1


def test_the_version_hashes_the_tokenizer_code(monkeypatch) -> None:
    """The version covers the functions that make the stored form (a name removed or renamed fails here)."""
    assert all(callable(getattr(units, name)) for name in units._STORED_TOKENS_CODE)
    assert not units._code_digest().startswith("unhashed")
    before = units._code_digest()
    units._code_digest.cache_clear()
    real = units.inspect.getsource
    monkeypatch.setattr(units.inspect, "getsource",
                        lambda obj: real(obj) + ("# edited" if obj is units._piece_units else ""))
    try:
        assert units._code_digest() != before  # the splitting code edited: stored tokens are stale
    finally:
        units._code_digest.cache_clear()
