"""`reportcheck audit` / `archive`: a folder of reports checked together, priors from the archive,
the unit-level rules (20% cap, leader above the collective), exit codes."""

from __future__ import annotations

import shutil
import sqlite3
import tomllib
from pathlib import Path

import pytest

from reportcheck import cli
from reportcheck.archive import Archive
from reportcheck.audit import rank_key, rows_for, run_audit
from reportcheck.registry import Context, Selection
from reportcheck.rules.unit import Entry, excellent_quota, leader_above_collective

REPO = Path(__file__).resolve().parent.parent
REPORTS = REPO / "corpora" / "reports"
BASES = Path(__file__).resolve().parent / "rule_examples" / "base"

THIS_YEAR = ["d_teacher_02a_2024.docx",  # Phạm Thị Thu Hà: takes back much of her 2023 report
             "d_hospital_deputy_02b_2024.docx", "p_07_kiem_tra_thue_2024.docx", "e_10_chi_bo_truong_mam_non.docx"]
LAST_YEAR = ["p_03_giao_vien_tan_hung_2023.docx", "p_08_kiem_tra_thue_2023.docx"]


@pytest.fixture(scope="module")
def unit(tmp_path_factory) -> Path:
    """2024/ with four reports and a broken file, 2023/ with two of the same members' reports, archived."""
    root = tmp_path_factory.mktemp("unit")
    for folder, names in (("2024", THIS_YEAR), ("2023", LAST_YEAR)):
        (root / folder).mkdir()
        for name in names:
            shutil.copy(REPORTS / name, root / folder / name)
    (root / "2024" / "hong.docx").write_bytes(b"PK\x03\x04 not really a zip")
    rc = cli.main(["archive", "add", str(root / "2023"), "--year", "2023", "--unit", "Chi bộ Trường THCS X",
                   "--archive", str(root / "unit.db"), "--jobs", "1"])
    assert rc == 0
    return root


@pytest.fixture(scope="module")
def audit(unit: Path):
    return run_audit([str(unit / "2024")], archive=unit / "unit.db", year=2024, jobs=1, progress=False)


def test_rows_ranked_and_broken_file_listed(audit, unit: Path) -> None:
    assert [e.path for e in audit.errors] == [str(unit / "2024" / "hong.docx")]
    assert audit.errors[0].reason == "bad-zip"
    assert len(audit.rows) == len(audit.results) == 4
    assert audit.rows == sorted(audit.rows, key=rank_key)
    assert audit.rows == rows_for(audit.results)
    # input order is kept in results
    assert [r.analysis.document.path for r in audit.results] == sorted(str(unit / "2024" / n) for n in THIS_YEAR)
    top = audit.rows[0]
    assert top["file"].endswith("d_teacher_02a_2024.docx")
    assert top["errors"] >= 1 and top["findings"].get("copied-from-prior") == 1
    assert set(top) >= {"file", "member", "unit", "kind", "form", "year", "party", "civil_servant", "overall",
                        "verdict", "errors", "warnings", "findings", "prior_similarity", "peer_matches",
                        "completeness", "specificity", "balance"}


def test_prior_comes_from_the_archive_by_member(audit, unit: Path) -> None:
    by_file = {Path(r.analysis.document.path).name: r for r in audit.results}
    prior = by_file["d_teacher_02a_2024.docx"].extras["reuse"]["prior"]
    assert prior["file"] == str(unit / "2023" / "p_03_giao_vien_tan_hung_2023.docx")
    assert prior["year"] == 2023 and prior["flagged"] and prior["similarity"] >= 0.5
    tax = by_file["p_07_kiem_tra_thue_2024.docx"].extras["reuse"]["prior"]
    assert tax["file"].endswith("p_08_kiem_tra_thue_2023.docx") and not tax["flagged"]
    assert by_file["d_hospital_deputy_02b_2024.docx"].extras["reuse"]["prior"] is None  # not in the archive


def test_audit_records_this_year_idempotently(audit, unit: Path) -> None:
    db = unit / "unit.db"
    with Archive(db) as arc:
        assert arc.count() == 2 + 4
        assert [r.year for r in arc.history("Phạm Thị Thu Hà")] == [2023, 2024]
    with sqlite3.connect(db) as conn:
        before = conn.execute("SELECT id, file, year, sha256, result FROM reports ORDER BY id").fetchall()
    again = run_audit([str(unit / "2024")], archive=db, year=2024, jobs=2, progress=False)
    with sqlite3.connect(db) as conn:
        after = conn.execute("SELECT id, file, year, sha256, result FROM reports ORDER BY id").fetchall()
    assert after == before
    assert again.rows == audit.rows  # processes or not, the same result


def test_interrupted_audit_leaves_whole_transactions(unit: Path, tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "u.db"
    shutil.copy(unit / "unit.db", db)
    with Archive(db) as arc, arc.transaction():
        arc._conn.execute("DELETE FROM reports WHERE year = 2024")  # last year's reports only
        kept = arc.count()
    calls = {"n": 0}
    put = Archive.put

    def failing_put(self, rec):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # the user gives up in the middle of the second transaction
        return put(self, rec)

    monkeypatch.setattr(Archive, "put", failing_put)
    with pytest.raises(KeyboardInterrupt):
        run_audit([str(unit / "2024")], archive=db, year=2024, jobs=1, progress=False, commit_every=2)
    monkeypatch.undo()
    with Archive(db) as arc:
        assert arc.count() == kept + 2  # the first transaction only
        assert arc._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    run_audit([str(unit / "2024")], archive=db, year=2024, jobs=1, progress=False)
    with Archive(db) as arc:
        assert arc.count() == kept + 4


def test_cli_audit_outputs_and_exit_codes(unit: Path, tmp_path: Path, capsys) -> None:
    db = tmp_path / "u.db"
    shutil.copy(unit / "unit.db", db)
    out = tmp_path / "out"
    out.mkdir()
    args = [str(unit / "2024"), "--archive", str(db), "--year", "2024", "--jobs", "1"]
    rc = cli.main(["audit", *args, "--csv", str(out / "a.csv"), "--html", str(out / "a.html"), "--lang", "en"])
    captured = capsys.readouterr()
    assert rc == 2  # a file could not be read: as in check
    assert "hong.docx" in captured.err and len(captured.err.strip().splitlines()) == 1
    lines = captured.out.splitlines()
    assert lines[0].split()[:3] == ["#", "Verdict", "Err"]
    assert "d_teacher_02a_2024.docx" in lines[1]  # worst first
    assert (out / "a.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "d_teacher_02a_2024.docx" in (out / "a.html").read_text(encoding="utf-8")
    # the outputs exist now: without --force nothing is overwritten, one line, exit 2
    rc = cli.main(["audit", *args, "--csv", str(out / "a.csv")])
    captured = capsys.readouterr()
    assert rc == 2 and "--force" in captured.err and captured.out == ""

    good = tmp_path / "good"
    good.mkdir()
    for name in THIS_YEAR:
        shutil.copy(unit / "2024" / name, good / name)
    base = ["audit", str(good), "--archive", str(db), "--year", "2024", "--jobs", "1", "--no-peers"]
    assert cli.main([*base, "--fail-on", "error"]) == 1  # copied-from-prior is an error
    assert cli.main([*base, "--fail-on", "never"]) == 0
    assert cli.main([*base, "--fail-on", "error", "--ignore", "RC301"]) == 0
    assert cli.main(["audit", str(tmp_path / "missing"), "--jobs", "1"]) == 2
    assert cli.main(["audit", str(good), "--group-by", "unit,colour"]) == 2
    capsys.readouterr()


def test_cli_archive_list_and_show(unit: Path, capsys) -> None:
    db = str(unit / "unit.db")
    assert cli.main(["archive", "list", "--archive", db]) == 0
    out = capsys.readouterr().out
    assert "Phạm Thị Thu Hà (pham thi thu ha)" in out and "Vũ Minh Quang" in out
    assert cli.main(["archive", "show", "PHAM THI THU HA", "--archive", db]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].lstrip().startswith("2023 ·") and "p_03_giao_vien_tan_hung_2023.docx" in out[1]
    # bad input: one line on stderr, exit 2
    assert cli.main(["archive", "show", "Không Có Ai", "--archive", db]) == 2
    assert "Không Có Ai" in capsys.readouterr().err.strip()
    assert cli.main(["archive", "list", "--archive", str(unit / "nope.db")]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert not (unit / "nope.db").exists()
    with pytest.raises(SystemExit) as exc:  # --year is required
        cli.main(["archive", "add", str(unit / "2023"), "--archive", db])
    assert exc.value.code == 2 and capsys.readouterr().err.count("\n") == 1


# --- unit-level rules ------------------------------------------------------------------------

def entry(n: int, party: str, unit: str = "Chi bộ Trường THCS X", kind: str = "member", year: int = 2024) -> Entry:
    return Entry(file=f"{unit}/{kind}-{n}.docx", member=f"Đảng viên {n}", unit=unit, kind=kind, year=year,
                 party=party, paragraph=40)


def quota(entries, group_by=("unit", "kind")):
    return list(excellent_quota(entries, Context(extras={"group_by": group_by})))


def test_excellent_quota_fires_over_the_cap_only() -> None:
    at_cap = [entry(0, "excellent")] + [entry(i, "good") for i in range(1, 6)]  # 1 <= 20% of 5
    assert quota(at_cap) == []
    over = [entry(0, "excellent"), entry(1, "excellent")] + [entry(i, "good") for i in range(2, 7)]  # 2 > 1
    [uf] = quota(over)
    assert uf.code == "RC501" and uf.severity == "warning"
    assert uf.files == (over[0].file, over[1].file)
    assert [i for i, _ in uf.findings] == [0, 1]
    f = uf.findings[0][1]
    assert f.section == "self_rating" and f.paragraph == 40
    assert "cấp có thẩm quyền" in f.message.vi and "competent level" in f.message.en
    assert dict(uf.data) == {"group_size": 7, "excellent": 2, "good": 5, "limit": 1}
    assert quota([entry(0, "excellent")]) == []  # one report is not a group
    assert len(quota([entry(0, "excellent"), entry(1, "complete")])) == 1  # no "good" at all: no excellent allowed


def test_excellent_quota_groups() -> None:
    # excellent in one cell, good in another: separate groups by default, one group by kind alone
    mixed = [entry(0, "excellent", "Chi bộ A"), entry(1, "excellent", "Chi bộ A"), entry(2, "good", "Chi bộ A")]
    mixed += [entry(i, "good", "Chi bộ B") for i in range(3, 13)]
    assert [uf.files for uf in quota(mixed)] == [(mixed[0].file, mixed[1].file)]
    assert quota(mixed, group_by=("kind",)) == []  # 2 <= 20% of 11
    # leaders and members are different groups; collectives are compared with each other, whatever the unit
    kinds = [entry(0, "excellent", kind="leader"), entry(1, "good"), entry(2, "good")]
    assert quota(kinds) == []
    colls = [entry(0, "excellent", "Chi bộ A", "collective"), entry(1, "excellent", "Chi bộ B", "collective"),
             entry(2, "good", "Chi bộ C", "collective")]
    [uf] = quota(colls)
    assert dict(uf.group) == {"kind": "collective"}
    [uf] = quota(colls + kinds, group_by=())  # the whole run as one group: 3 excellent against 3 good
    assert dict(uf.group) == {} and len(uf.files) == 3
    with pytest.raises(ValueError):
        quota(mixed, group_by=("colour",))


def test_leader_above_collective() -> None:
    ctx = Context()
    leader = entry(0, "excellent", "CHI BỘ TRƯỜNG THCS X", "leader")
    coll = entry(1, "good", "Chi bộ Trường THCS X", "collective")
    [uf] = leader_above_collective([leader, coll], ctx)
    assert uf.files == (leader.file, coll.file) and [i for i, _ in uf.findings] == [0]
    assert "Hoàn thành tốt nhiệm vụ" in uf.message.vi and uf.severity == "warning"
    assert list(leader_above_collective([entry(0, "good", kind="leader"), coll], ctx)) == []  # not above
    assert list(leader_above_collective([entry(0, "excellent", "Chi bộ Y", "leader"), coll], ctx)) == []  # other unit
    assert list(leader_above_collective([entry(0, "excellent", kind="leader", year=2023), coll], ctx)) == []
    assert list(leader_above_collective([entry(0, "excellent", kind="member"), coll], ctx)) == []  # not a leader


def base_text(name: str, *, member: str | None = None, unit: str, party: str = "good",
              parent: str = "ĐẢNG BỘ XÃ AN PHÚ") -> str:
    """A clean example report (tests/rule_examples/base) with another name, cell, parent organisation and rating."""
    base = tomllib.loads((BASES / f"{name}.toml").read_text(encoding="utf-8"))
    lines = [line for line in base["head"].splitlines() if line.strip()]
    for part in base["part"]:
        if part["heading"].strip():
            lines.append(part["heading"])
        lines += [line for line in part["body"].splitlines() if line.strip()]
    text = "\n".join(lines) + "\n"
    cell = next(line for line in lines if line.startswith("CHI BỘ"))
    text = text.replace(cell, unit)
    above = next(line for line in lines if line.startswith("ĐẢNG BỘ"))
    text = text.replace(above, parent)
    if member:
        name_line = next(line for line in lines if line.startswith("Họ và tên:"))
        text = text.replace(name_line, f"Họ và tên: {member}")
    if party == "excellent":
        text = text.replace("[ ] Hoàn thành xuất sắc nhiệm vụ\n[x] Hoàn thành tốt nhiệm vụ",
                            "[x] Hoàn thành xuất sắc nhiệm vụ\n[ ] Hoàn thành tốt nhiệm vụ")
    return text


def test_cells_of_the_same_name_in_different_communes_are_different_groups(tmp_path: Path) -> None:
    """"Chi bộ Thôn 1" exists in many communes: the 20% cap is judged within each commune's cell."""
    folder = tmp_path / "2024"
    folder.mkdir()
    cell = "CHI BỘ THÔN 1"
    plan = [("a", "ĐẢNG BỘ XÃ AN PHÚ", "excellent")] * 2 + [("a", "ĐẢNG BỘ XÃ AN PHÚ", "good")] * 2 + \
        [("b", "ĐẢNG BỘ XÃ BÌNH AN", "good")] * 10
    names = ["Nguyễn Văn", "Trần Thị", "Lê Văn", "Phạm Thị", "Hoàng Văn", "Vũ Thị", "Đỗ Văn"]
    for i, (tag, parent, party) in enumerate(plan):
        text = base_text("member_vi", member=f"{names[i % len(names)]} Số {i}", unit=cell, party=party, parent=parent)
        (folder / f"{tag}{i:02d}.txt").write_text(text, encoding="utf-8")
    audit = run_audit([str(folder)], peers=False, jobs=1, progress=False)
    assert not audit.errors
    fired = sorted(Path(r["file"]).stem for r in audit.rows if "excellent-quota" in r["findings"])
    # together 2 excellent against 12 good would be within the cap; An Phú's cell alone is not
    assert fired == ["a00", "a01"]
    (uf,) = [u for u in audit.unit_findings if u.code == "RC501"]
    assert "XÃ AN PHÚ" in uf.message.get("vi")


def test_unit_rules_in_an_audit(tmp_path: Path) -> None:
    folder = tmp_path / "2023"
    folder.mkdir()
    x, y = "CHI BỘ TRƯỜNG THCS X", "CHI BỘ TRẠM Y TẾ Y"
    reports = {
        "x1": ("member_vi", "Nguyễn Văn Một", x, "excellent"), "x2": ("member_vi", "Trần Thị Hai", x, "excellent"),
        "x3": ("member_vi", "Lê Văn Ba", x, "good"), "x4": ("member_vi", "Phạm Thị Bốn", x, "good"),
        "x5": ("member_vi", "Đỗ Văn Năm", x, "good"),
        "lead": ("leader_vi", None, x, "excellent"), "cell": ("collective_vi", None, x, "good"),
        "y1": ("member_vi", "Hoàng Văn Sáu", y, "good"), "y2": ("member_vi", "Vũ Thị Bảy", y, "good"),
    }
    for stem, (base, member, unit, party) in reports.items():
        (folder / f"{stem}.txt").write_text(base_text(base, member=member, unit=unit, party=party), encoding="utf-8")
    audit = run_audit([str(folder)], peers=False, jobs=1, progress=False)
    assert not audit.errors
    kinds = {Path(r["file"]).stem: (r["kind"], r["party"]) for r in audit.rows}
    assert kinds["lead"] == ("leader", "excellent") and kinds["cell"] == ("collective", "good")
    fired = {Path(r["file"]).stem: r["findings"] for r in audit.rows}
    assert {s for s, f in fired.items() if "excellent-quota" in f} == {"x1", "x2"}
    assert {s for s, f in fired.items() if "leader-above-collective" in f} == {"lead"}
    assert sorted(uf.code for uf in audit.unit_findings) == ["RC501", "RC502"]
    result = next(r for r in audit.results if r.analysis.document.path.endswith("x1.txt"))
    assert any(f.code == "RC501" for f in result.findings)  # in the report's own findings too
    quiet = run_audit([str(folder)], peers=False, jobs=1, progress=False, selection=Selection.make(ignore=["RC5"]))
    assert quiet.unit_findings == [] and not any("excellent-quota" in r["findings"] for r in quiet.rows)


def test_a_report_that_fails_a_check_is_listed_and_the_run_goes_on(unit: Path, monkeypatch) -> None:
    import reportcheck.audit as audit_mod

    real = audit_mod.check_with_reuse

    def flaky(analysis, *args, **kwargs):
        if analysis.document.path.endswith("p_07_kiem_tra_thue_2024.docx"):
            raise RuntimeError("a rule broke")
        return real(analysis, *args, **kwargs)

    monkeypatch.setattr(audit_mod, "check_with_reuse", flaky)
    audit = run_audit([str(unit / "2024")], peers=False, jobs=1, progress=False)
    assert [(Path(e.path).name, e.reason) for e in audit.errors] == [("hong.docx", "bad-zip"),
                                                                     ("p_07_kiem_tra_thue_2024.docx", "internal")]
    assert "a rule broke" in audit.errors[1].en
    assert len(audit.rows) == len(audit.results) == 3
