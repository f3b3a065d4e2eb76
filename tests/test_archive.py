"""The SQLite archive: round trip, schema migration, interrupted writes, readers during a write."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reportcheck.archive import MIGRATIONS, SCHEMA_VERSION, Archive, ArchiveError, record_of
from reportcheck.batch import index_doc, member_key
from reportcheck.emit.jsonout import result_dict
from reportcheck.io import read_document
from reportcheck.pipeline import analyse, check_analysis
from reportcheck.rules.content import _limitation_items

REPORTS = Path(__file__).resolve().parent.parent / "corpora" / "reports"
TEACHER_2023 = REPORTS / "p_03_giao_vien_tan_hung_2023.docx"  # Phạm Thị Thu Hà, 2023
TEACHER_2024 = REPORTS / "d_teacher_02a_2024.docx"  # the same member, 2024
TAX_2023 = REPORTS / "p_08_kiem_tra_thue_2023.docx"


@pytest.fixture(scope="module")
def results():
    return {p.name: check_analysis(analyse(read_document(p))) for p in (TEACHER_2023, TEACHER_2024, TAX_2023)}


def rows_snapshot(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT id, file, year, member_key, unit, unit_key, sha256, paragraphs, sections, result "
                            "FROM reports ORDER BY id").fetchall()


def test_round_trip(tmp_path: Path, results) -> None:
    db = tmp_path / "unit.db"
    old = results[TEACHER_2023.name]
    with Archive(db) as arc:
        rid = arc.add(old, 2023, "Chi bộ Trường THCS X")
        assert arc.schema_version == SCHEMA_VERSION
    with Archive(db) as arc:  # reopened: the row persisted
        assert arc.count() == 1
        [rec] = arc.priors_for(member_key("PHẠM THỊ THU HÀ"), 2024)
        assert arc.priors_for(member_key("Phạm Thị Thu Hà"), 2023) == []  # only earlier years are priors
        assert rec.id == rid and rec.year == 2023 and rec.member == "Phạm Thị Thu Hà"
        assert rec.unit == "Chi bộ Trường THCS X" and rec.unit_key == "chi bo truong thcs x"
        assert (rec.kind, rec.form, rec.party) == (old.analysis.kind, old.analysis.form, old.analysis.rating.party)
        assert len(rec.sha256) == 64
        assert rec.result == json.loads(json.dumps(result_dict(old), ensure_ascii=False))
        # what copy detection and the prior-year rules read is what the original analysis gives
        assert rec.index_doc("prior") == index_doc(old.analysis, "prior")
        light = rec.analysis()
        assert [i.text for i in _limitation_items(light)] == [i.text for i in _limitation_items(old.analysis)]
        assert arc.members() == [{"member": "Phạm Thị Thu Hà", "member_key": "pham thi thu ha",
                                  "unit": "Chi bộ Trường THCS X", "years": [2023], "reports": 1}]
        assert [r.id for r in arc.history("pham thi thu ha")] == [rid]
        assert arc.history("Nobody Here") == []
        # the same report again: the same row (upsert), nothing added
        assert arc.add(old, 2023, "Chi bộ Trường THCS X") == rid
        assert arc.count() == 1
        # a report kept without a result (analysis only)
        arc.add(results[TAX_2023.name].analysis, 2023)
        assert arc.count() == 2
        assert arc.history("Vũ Minh Quang")[0].result is None


def test_prior_prefers_same_unit_and_latest_year(tmp_path: Path, results) -> None:
    """A namesake in another unit comes after the member's own unit; later years first."""
    a = results[TEACHER_2023.name]
    rec = record_of(a, 2023, "Chi bộ A")
    with Archive(tmp_path / "u.db") as arc:
        arc.put(rec)
        arc.put({**rec, "file": "other/namesake.docx", "unit": "Chi bộ B", "unit_key": "chi bo b", "year": 2022})
        arc.put({**rec, "file": "other/namesake-2023.docx", "unit": "Chi bộ B", "unit_key": "chi bo b", "sha256": "x" * 64})
        hits = arc.priors_for("pham thi thu ha", 2024, unit_key="chi bo b")
        assert [(h.file, h.year) for h in hits] == [("other/namesake-2023.docx", 2023), ("other/namesake.docx", 2022),
                                                    (a.analysis.document.path, 2023)]
        assert arc.priors_for("pham thi thu ha", 2024, unit_key="chi bo a")[0].file == a.analysis.document.path


def test_renamed_file_is_the_same_row(tmp_path: Path, results) -> None:
    rec = record_of(results[TEACHER_2023.name], 2023)
    with Archive(tmp_path / "u.db") as arc:
        rid = arc.put(rec)
        assert arc.put({**rec, "file": "moved/p_03.docx"}) == rid  # same member, year and content
        assert arc.count() == 1 and arc.history("Phạm Thị Thu Hà")[0].file == "moved/p_03.docx"


def v1_archive(path: Path, rec: dict) -> None:
    """A file as the first schema made it, with one report in it."""
    conn = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](conn)
    conn.execute("PRAGMA user_version = 1")
    cols = [k for k in rec if k not in ("unit_key", "tokens", "tokens_version")]
    conn.execute(f"INSERT INTO reports ({', '.join(cols)}, added_at) VALUES ({', '.join('?' * len(cols))}, ?)",
                 (*[rec[k] for k in cols], "2024-01-05T08:00:00+00:00"))
    conn.close()


def test_migration_v1_to_v2(tmp_path: Path, results) -> None:
    db = tmp_path / "old.db"
    rec = record_of(results[TEACHER_2023.name], 2023, "CHI BỘ TRƯỜNG TIỂU HỌC TÂN HƯNG")
    v1_archive(db, rec)
    with pytest.raises(ArchiveError):  # a reader cannot upgrade it
        Archive(db, readonly=True)
    with Archive(db) as arc:
        assert arc.schema_version == SCHEMA_VERSION == 3
        [old] = arc.priors_for("pham thi thu ha", 2024)
        assert old.unit_key == "chi bo truong tieu hoc tan hung"  # backfilled
        assert old.updated_at == old.added_at == "2024-01-05T08:00:00+00:00"
        assert old.index_doc() == index_doc(results[TEACHER_2023.name].analysis, "prior")
        arc.add(results[TEACHER_2024.name], 2024)  # and it takes new rows in the new schema
        assert arc.count() == 2
    with sqlite3.connect(db) as conn:
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "reports_unit" in indexes
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_refuses_other_files(tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("not a database, just text " * 50, encoding="utf-8")
    with pytest.raises(ArchiveError):
        Archive(text)
    newer = tmp_path / "newer.db"
    with sqlite3.connect(newer) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(ArchiveError, match="newer"):
        Archive(newer)
    with pytest.raises(ArchiveError):
        Archive(tmp_path / "missing.db", create=False)
    assert not (tmp_path / "missing.db").exists()


class Boom(Exception):
    pass


def test_interrupted_batch_rolls_back_and_rerun_is_idempotent(tmp_path: Path, results) -> None:
    db = tmp_path / "unit.db"
    recs = [record_of(r, 2023, "Chi bộ X") for r in results.values()]
    recs += [{**rec, "year": 2022, "sha256": str(n) * 64} for n, rec in enumerate(recs)]
    with Archive(db) as arc:
        with pytest.raises(Boom):
            with arc.transaction():
                for n, rec in enumerate(recs):
                    if n == 4:
                        raise Boom  # e.g. Ctrl-C or a crash after 4 inserts
                    arc.put(rec)
        assert arc.count() == 0  # none of the batch, not 4 of 6
        assert arc._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        with arc.transaction():
            for rec in recs:
                arc.put(rec)
    first = rows_snapshot(db)
    assert len(first) == 6
    with Archive(db) as arc, arc.transaction():  # the same batch again
        for rec in recs:
            arc.put(rec)
    assert rows_snapshot(db) == first


READER = """
import sys
from reportcheck.archive import Archive
with Archive(sys.argv[1], readonly=True, timeout=2) as arc:
    print(arc.count(), len(arc.priors_for("pham thi thu ha", 2030)))
"""


def read_from_another_process(db: Path) -> str:
    out = subprocess.run([sys.executable, "-c", READER, str(db)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_readers_see_committed_state_while_a_write_is_open(tmp_path: Path, results) -> None:
    db = tmp_path / "unit.db"
    teacher = record_of(results[TEACHER_2023.name], 2023)
    with Archive(db) as arc:
        arc.put(teacher)
        with arc.transaction():
            for year in (2019, 2020, 2021, 2022):
                arc.put({**teacher, "year": year})
            # the writer holds its transaction open: another process reads without waiting or failing,
            # and sees the last committed state, never a part of this batch
            assert read_from_another_process(db) == "1 1"
            with Archive(db, readonly=True) as reader:  # a second connection in this process, too
                assert reader.count() == 1
        assert read_from_another_process(db) == "5 5"
