"""The archive: earlier years' reports kept in one SQLite file, on this machine only.

Next year a member's report is compared with their earlier ones without anyone
looking for the old file: ``reportcheck archive add 2023/ --year 2023 --unit …``
keeps them, ``reportcheck audit 2024/ --archive unit.db`` finds each member's
latest earlier report by member key (:func:`reportcheck.batch.member_key`:
name folded, letters only) and records this year's reports with their results.

One row per report (table ``reports``): member (as written, and as a key),
unit, year, kind, form, language, self-rating, file name, sha256 of the file,
the text (``paragraphs``: JSON, one ``[text, section id, heading node, text
after the heading]`` per paragraph in body order) and the segmentation
(``sections``: JSON) — exactly what copy detection indexes
(:meth:`ArchivedReport.index_doc`) and what the prior-year rules read
(:meth:`ArchivedReport.analysis`) — the last result (the JSON contract),
the report's tokens for copy detection (``tokens``, ``tokens_version``: read
instead of tokenizing the text again when next year's report is compared
with it, and only while the tokenizer is the one that made them) and
when it was added and last updated (the only timestamps; they never reach an
output).

- Schema versioned with ``PRAGMA user_version`` and the :data:`MIGRATIONS`
  list (version *k* = the first *k* migrations, each run in its own
  transaction); a file of a newer version is refused.
- Every write is a transaction (``BEGIN IMMEDIATE``); :meth:`Archive.transaction`
  groups many (``archive add`` is one), so an interrupted run leaves either
  the whole group or none of it. Writes are upserts keyed by (file, year), or
  (member key, year, sha256) for a renamed file: re-running is idempotent.
- WAL journal: readers (other processes, e.g. the audit's workers) never block
  on the writer and see only committed transactions; ``busy_timeout`` makes a
  second writer wait instead of failing.
- Reads are ordered by year, then row id: the same archive gives the same
  answers. Nothing here opens a network connection.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .batch import _stem_key, index_doc, member_key
from .errors import ReportcheckError
from .model import Analysis, Document, Paragraph, Section, SelfRating
from .pipeline import Result

__all__ = ["Archive", "ArchivedReport", "ArchiveError", "MIGRATIONS", "SCHEMA_VERSION", "record_of"]


class ArchiveError(ReportcheckError):
    """The archive file cannot be used (not a database, newer schema, missing, locked)."""


# --------------------------------------------------------------------------- schema

def _m1(conn: sqlite3.Connection) -> None:
    """v1: the reports table, looked up by member and by file name."""
    conn.execute("""
        CREATE TABLE reports (
            id INTEGER PRIMARY KEY,
            file TEXT NOT NULL,            -- path as given when the report was added
            year INTEGER NOT NULL,
            member TEXT,                   -- name as written in the header
            member_key TEXT,               -- batch.member_key(member)
            file_key TEXT,                 -- file name without year/extension, folded (fallback match)
            unit TEXT,
            kind TEXT NOT NULL,
            form TEXT NOT NULL,
            language TEXT NOT NULL,
            party TEXT,
            civil_servant TEXT,
            points REAL,
            sha256 TEXT NOT NULL,
            paragraphs TEXT NOT NULL,      -- JSON [[text, section, heading node, text after heading], ...]
            sections TEXT NOT NULL,        -- JSON {section id: {...}}
            result TEXT,                   -- JSON (output contract), NULL when only analysed
            added_at TEXT NOT NULL,
            UNIQUE (file, year)
        )""")
    conn.execute("CREATE INDEX reports_member ON reports (member_key, year)")
    conn.execute("CREATE INDEX reports_file_key ON reports (file_key, year)")


def _m2(conn: sqlite3.Connection) -> None:
    """v2: the unit as a key (a unit's reports by year) and the time of the last update."""
    conn.execute("ALTER TABLE reports ADD COLUMN unit_key TEXT")
    conn.execute("ALTER TABLE reports ADD COLUMN updated_at TEXT")
    rows = conn.execute("SELECT id, unit, added_at FROM reports").fetchall()
    conn.executemany("UPDATE reports SET unit_key = ?, updated_at = ? WHERE id = ?",
                     [(member_key(unit), added, i) for i, unit, added in rows])
    conn.execute("CREATE INDEX reports_unit ON reports (unit_key, year)")


def _m3(conn: sqlite3.Connection) -> None:
    """v3: each report's tokens for copy detection (``tokens``: :func:`reportcheck.reuse.units.store_tokens`,
    the packed token list compressed, ~4 KB a report; ``tokens_version``: the tokenizer they were made by), so
    that the audit comparing next year's report with this one reads them instead of tokenizing the text again.
    The reports already kept are tokenized now, in batches of rows (one transaction, as every migration): a
    one-time cost of ~2 ms a report, where filling them lazily would cost every audit of the archive that
    reads them (the audit's workers only read the archive) the tokenizing they are kept to spare."""
    conn.execute("ALTER TABLE reports ADD COLUMN tokens BLOB")
    conn.execute("ALTER TABLE reports ADD COLUMN tokens_version TEXT")
    select = ("SELECT id, file, year, member, member_key, file_key, unit, unit_key, kind, form, language, party, "
              "civil_servant, points, sha256, paragraphs, sections, result, added_at, updated_at FROM reports")  # v2's
    ids = [r[0] for r in conn.execute("SELECT id FROM reports ORDER BY id")]
    for k in range(0, len(ids), 500):  # a batch of rows in memory at a time, not the whole archive's text
        chunk = ids[k:k + 500]
        rows = conn.execute(f"{select} WHERE id IN ({', '.join('?' * len(chunk))}) ORDER BY id", chunk).fetchall()
        conn.executemany("UPDATE reports SET tokens_version = ?, tokens = ? WHERE id = ?",
                         [(*ArchivedReport(*r).tokens_now(), r[0]) for r in rows])


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_m1, _m2, _m3]
SCHEMA_VERSION = len(MIGRATIONS)

_COLUMNS = ("file", "year", "member", "member_key", "file_key", "unit", "unit_key", "kind", "form", "language",
            "party", "civil_servant", "points", "sha256", "paragraphs", "sections", "result", "tokens",
            "tokens_version")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


# --------------------------------------------------------------------------- records

def _sha256(doc: Document) -> str:
    try:
        return hashlib.sha256(Path(doc.path).read_bytes()).hexdigest()
    except OSError:  # the file is gone: hash what was read
        return hashlib.sha256(doc.text.encode("utf-8")).hexdigest()


def result_json(result: Result) -> str:
    """A result as the archive stores it."""
    from .emit.jsonout import result_dict

    return _dumps(result_dict(result))


def _tokens_of(analysis: Analysis) -> tuple[str, bytes]:
    """(version, blob) of a report's tokens for copy detection, as the archive keeps them (tokenized with the
    packaged copy-detection settings, as :class:`~reportcheck.reuse.CorpusIndex` reads them by default)."""
    from .reuse.config import load_config
    from .reuse.units import store_tokens, tokenize, tokens_version

    cfg = load_config()
    doc = index_doc(analysis, "prior")
    return tokens_version(cfg), store_tokens(tokenize(doc.paragraphs, cfg), doc.paragraphs)


def record_of(item: Result | Analysis, year: int | None = None, unit: str | None = None,
              tokens: tuple[str, bytes] | None = None) -> dict:
    """The archive row of a checked (``Result``) or analysed report; ``year``/``unit`` override
    what the header says. Pure (no database): the audit's workers build rows in parallel.
    ``tokens``: the report's tokens for copy detection as kept ((version, blob):
    :meth:`reportcheck.reuse.CorpusIndex.stored_tokens`) when the caller has them; tokenized here otherwise."""
    from .emit.jsonout import result_dict

    result = item if isinstance(item, Result) else None
    a = result.analysis if result is not None else item
    year = year if year is not None else a.year
    if year is None:
        raise ValueError(f"{a.document.path}: no year (give one)")
    unit = unit or a.unit
    paragraphs = [[p.text, a.paragraph_section.get(p.index), a.headings.get(p.index),
                   a.heading_rest.get(p.index, "") if p.index in a.headings else None]
                  for p in a.document.paragraphs]
    tokens = tokens or _tokens_of(a)
    sections = {sid: {"present": s.present, "heading": s.heading, "first": s.first, "last": s.last,
                      "words": s.words, "node": s.node, "matched_by": s.matched_by, "body": list(s.body)}
                for sid, s in a.sections.items()}
    return {
        "file": a.document.path, "year": int(year), "member": a.member, "member_key": member_key(a.member),
        "file_key": _stem_key(a.document.path) or None, "unit": unit, "unit_key": member_key(unit),
        "kind": a.kind, "form": a.form, "language": a.language,
        "party": a.rating.party, "civil_servant": a.rating.civil_servant, "points": a.rating.points,
        "sha256": _sha256(a.document), "paragraphs": _dumps(paragraphs), "sections": _dumps(sections),
        "result": _dumps(result_dict(result)) if result is not None else None,
        "tokens_version": tokens[0], "tokens": tokens[1],
    }


@dataclass(frozen=True)
class ArchivedReport:
    """One archived report; :meth:`analysis` and :meth:`index_doc` rebuild what the checks need."""

    id: int
    file: str
    year: int
    member: str | None
    member_key: str | None
    file_key: str | None
    unit: str | None
    unit_key: str | None
    kind: str
    form: str
    language: str
    party: str | None
    civil_servant: str | None
    points: float | None
    sha256: str
    paragraphs: str = field(repr=False)
    sections: str = field(repr=False)
    result_json: str | None = field(repr=False)
    added_at: str = ""
    updated_at: str | None = None
    tokens: bytes | None = field(default=None, repr=False)  # store_tokens(...), None in rows not tokenized
    tokens_version: str | None = None

    @property
    def result(self) -> dict | None:
        return json.loads(self.result_json) if self.result_json else None

    def analysis(self) -> Analysis:
        """The report as the prior-year rules and copy detection read it (no sentences, no rubric)."""
        paras = json.loads(self.paragraphs)
        suffix = Path(self.file).suffix.lower()
        doc = Document(path=self.file, paragraphs=tuple(Paragraph(index=i, text=p[0]) for i, p in enumerate(paras)),
                       source_format="txt" if suffix == ".txt" else "md" if suffix in (".md", ".markdown") else "docx")
        sections = {sid: Section(id=sid, present=s["present"], heading=s["heading"], first=s["first"], last=s["last"],
                                 words=s["words"], node=s["node"], matched_by=s["matched_by"], body=tuple(s["body"]))
                    for sid, s in json.loads(self.sections).items()}
        return Analysis(
            document=doc, language=self.language, form=self.form, kind=self.kind, year=self.year,
            member=self.member, unit=self.unit, sections=sections,
            paragraph_section={i: p[1] for i, p in enumerate(paras) if p[1] is not None},
            headings={i: p[2] for i, p in enumerate(paras) if p[2] is not None},
            heading_rest={i: p[3] for i, p in enumerate(paras) if p[2] is not None},
            rating=SelfRating(self.party, self.civil_servant, self.points),
        )

    def index_doc(self, role: str = "prior"):
        """The :class:`~reportcheck.reuse.IndexDoc` of this report (the same as from its original analysis)."""
        return index_doc(self.analysis(), role)

    def tokens_now(self) -> tuple[str, bytes]:
        """This report's tokens as :func:`record_of` keeps them (version, blob), tokenized now."""
        return _tokens_of(self.analysis())


_SELECT = ("SELECT id, file, year, member, member_key, file_key, unit, unit_key, kind, form, language, party, "
           "civil_servant, points, sha256, paragraphs, sections, result, added_at, updated_at, tokens, tokens_version "
           "FROM reports")


# --------------------------------------------------------------------------- the archive

class Archive:
    """``with Archive("unit.db") as arc: arc.add(result, 2023, "Chi bộ …")``.

    ``readonly``: open an existing, current archive for reading only (no migration, no write).
    ``create``: make the file when it does not exist (otherwise a missing file is an error).
    """

    def __init__(self, path: str | Path, *, readonly: bool = False, create: bool = True, timeout: float = 30.0):
        self.path = Path(path)
        self.readonly = readonly
        self._depth = 0
        if (readonly or not create) and not self.path.is_file():
            raise ArchiveError(f"{path}: không tìm thấy kho lưu trữ.", f"{path}: archive not found.")
        if self.path.is_dir():
            raise ArchiveError(f"{path}: là thư mục, không phải tệp kho lưu trữ.", f"{path}: is a folder, not an archive file.")
        try:
            if readonly:
                self._conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                             timeout=timeout, isolation_level=None)
            else:
                self._conn = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None)
            self._conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
            if not readonly:
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:
            self._close_quietly()
            raise ArchiveError(f"{path}: không mở được kho lưu trữ ({exc}).",
                               f"{path}: cannot open the archive ({exc}).") from None
        if version > SCHEMA_VERSION:
            self._close_quietly()
            raise ArchiveError(f"{path}: kho lưu trữ của phiên bản reportcheck mới hơn (lược đồ {version}); hãy cập nhật reportcheck.",
                               f"{path}: archive made by a newer reportcheck (schema {version}); update reportcheck.")
        if version < SCHEMA_VERSION:
            if readonly:
                self._close_quietly()
                raise ArchiveError(f"{path}: kho lưu trữ cần nâng cấp (lược đồ {version}); mở ở chế độ ghi một lần.",
                                   f"{path}: the archive needs an upgrade (schema {version}); open it for writing once.")
            self._migrate(version)

    def _close_quietly(self) -> None:
        conn = getattr(self, "_conn", None)
        if conn is not None:
            conn.close()
            self._conn = None

    def _migrate(self, version: int) -> None:
        for k in range(version, SCHEMA_VERSION):
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                MIGRATIONS[k](self._conn)
                self._conn.execute(f"PRAGMA user_version = {k + 1}")
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                self._close_quietly()
                raise ArchiveError(f"{self.path}: nâng cấp kho lưu trữ lên lược đồ {k + 1} không thành ({exc}).",
                                   f"{self.path}: upgrading the archive to schema {k + 1} failed ({exc}).") from None

    # -- context manager ----------------------------------------------------------
    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._conn is not None:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            self._conn.close()
            self._conn = None

    @property
    def schema_version(self) -> int:
        return self._conn.execute("PRAGMA user_version").fetchone()[0]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside happen together or not at all (nested calls join the outer one)."""
        if self.readonly:
            raise ArchiveError(f"{self.path}: kho lưu trữ mở chỉ để đọc.", f"{self.path}: archive opened read-only.")
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self._conn.execute("ROLLBACK")
            raise
        self._depth = 0
        self._conn.execute("COMMIT")

    # -- writes ---------------------------------------------------------------------
    def put(self, record: dict) -> int:
        """Insert or update one row built by :func:`record_of`; returns its id."""
        c = self._conn
        with self.transaction():
            row = c.execute("SELECT id FROM reports WHERE file = ? AND year = ?",
                            (record["file"], record["year"])).fetchone()
            if row is None and record.get("member_key"):
                row = c.execute("SELECT id FROM reports WHERE member_key = ? AND year = ? AND sha256 = ? "
                                "ORDER BY id LIMIT 1",
                                (record["member_key"], record["year"], record["sha256"])).fetchone()
            now = _now()
            values = [record.get(k) for k in _COLUMNS]
            if row is not None:
                c.execute(f"UPDATE reports SET {', '.join(f'{k} = ?' for k in _COLUMNS)}, updated_at = ? WHERE id = ?",
                          (*values, now, row[0]))
                return row[0]
            cur = c.execute(f"INSERT INTO reports ({', '.join(_COLUMNS)}, added_at, updated_at) "
                            f"VALUES ({', '.join('?' * len(_COLUMNS))}, ?, ?)", (*values, now, now))
            return cur.lastrowid

    def add(self, item: Result | Analysis, year: int | None = None, unit: str | None = None) -> int:
        """Keep a checked or analysed report (``year``: the report's year when None)."""
        return self.put(record_of(item, year, unit))

    def set_result(self, file: str, year: int, result: Result) -> None:
        """Replace the stored result of (file, year)."""
        self.set_result_json(file, year, result_json(result))

    def set_result_json(self, file: str, year: int, text: str) -> None:
        """:meth:`set_result` with the result already as stored (:func:`result_json`)."""
        with self.transaction():
            self._conn.execute("UPDATE reports SET result = ?, updated_at = ? WHERE file = ? AND year = ?",
                               (text, _now(), file, year))

    # -- reads ----------------------------------------------------------------------
    def _rows(self, where: str, params: tuple, order: str, order_params: tuple = ()) -> list[ArchivedReport]:
        sql = f"{_SELECT} WHERE {where} ORDER BY {order}"
        return [ArchivedReport(*r) for r in self._conn.execute(sql, (*params, *order_params))]

    def count(self) -> int:
        return self._conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0]

    def priors_for(self, member_key: str | None, year: int | None, *, unit_key: str | None = None,
                   file_key: str | None = None, exclude_file: str | None = None) -> list[ArchivedReport]:
        """The member's archived reports before ``year`` (all years when None), most recent first;
        those of the same unit (``unit_key``) before a namesake's elsewhere. Matched by member key;
        by file name (``file_key``) only when the report names nobody."""
        if member_key:
            where, params = "member_key = ?", (member_key,)
        elif file_key:
            where, params = "file_key = ?", (file_key,)
        else:
            return []
        if year is not None:
            where, params = f"{where} AND year < ?", (*params, year)
        if exclude_file is not None:
            where, params = f"{where} AND file != ?", (*params, exclude_file)
        return self._rows(where, params, "unit_key IS ? DESC, year DESC, id DESC", (unit_key,))

    def members(self) -> list[dict]:
        """Every member in the archive: name (latest as written), key, unit, years, number of reports."""
        out: dict[str, dict] = {}
        q = ("SELECT member_key, member, unit, year, file_key, file FROM reports "
             "ORDER BY year, id")
        for key, member, unit, year, file_key, file in self._conn.execute(q):
            k = key or f"file:{file_key or file}"
            m = out.setdefault(k, {"member": None, "member_key": key, "unit": None, "years": [], "reports": 0})
            m["member"] = member or m["member"] or (None if key else file)
            m["unit"] = unit or m["unit"]
            m["reports"] += 1
            if year not in m["years"]:
                m["years"].append(year)
        return [out[k] for k in sorted(out)]

    def history(self, member: str) -> list[ArchivedReport]:
        """A member's archived reports, oldest first (``member``: a name as written or its key)."""
        key = member_key(member)
        if not key:
            return []
        rows = self._rows("member_key = ?", (key,), "year, id")
        return rows or self._rows("member_key IS NULL AND file_key = ?", (key,), "year, id")
