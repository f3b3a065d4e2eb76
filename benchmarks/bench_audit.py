"""Benchmark `reportcheck audit` on generated reports, with an archive of the prior year.

    python benchmarks/bench_audit.py [--sizes 1000 10000 50000] [--jobs N] [--seed 11] [--workdir DIR]

For each size N (each in a fresh process, so that memory figures do not carry over):

1. generate N members and, per member, a 2023 and a 2024 report (:mod:`synth`: the
   headings of Mẫu 02A/02B, stock formulas, personal sentences), written as .txt files so
   that the whole pipeline runs (read, segment, rating, sentence roles, rules). Planted
   among the 2024 reports: 30% taken back from the member's own 2023 report (5-30% of
   sentences edited), 5% whose shortcomings/causes/remedies are grafted from it, 3% that
   copy a colleague's remedies; the rest are written afresh;
2. keep the 2023 reports in an archive (what ``reportcheck archive add 2023/ --year 2023``
   does; timed apart, and kept in ``--workdir`` for the next run when given);
3. time ``run_audit(["2024/"], archive=…, year=2024)``: parallel read + analyse, one copy
   detection index over the run (peers), each report compared with its member's 2023
   report from the archive and queried against its colleagues, every rule, the unit-level
   rules, and this year's reports recorded in the archive — what
   ``reportcheck audit 2024/ --archive unit.db --year 2024`` does.

Printed: reports/second, wall time and time per stage, peak memory — ``ru_maxrss`` of this
process and of its largest child (forked workers share the parent's pages copy-on-write, so
their sum over-counts), and the sampled peak of the proportional set size (PSS) summed over
the process and all its workers, the physical memory really used — then recall of the
planted copies and the scaling between sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import synth  # noqa: E402


def generate(n: int, seed: int, root: Path) -> dict[str, str]:
    """Write 2023/ and 2024/ reports of ``n`` members under ``root``; returns {2024 file: planted kind}."""
    rng = random.Random(seed)
    members = [synth.make_member(rng, i) for i in range(n)]
    prior = [synth.make_report(rng, m, 2023) for m in members]
    cur, kinds = [], {}
    for m, p in zip(members, prior):
        u = rng.random()
        if u < 0.30:
            rep, kind = synth.edit_copy(rng, p, rng.choice([0.05, 0.15, 0.30])), "own prior (edited)"
        elif u < 0.35:
            rep = synth.graft_sections(synth.rewrite(rng, p, 2024), p, {"limitations", "causes", "remedies"},
                                       rng=rng, frac=0.1)
            kind = "own prior II/VI"
        else:
            rep, kind = synth.make_report(rng, m, 2024), "fresh"
        cur.append(rep)
        kinds[m.id] = kind
    fresh = [i for i, m in enumerate(members) if kinds[m.id] == "fresh"]
    k = int(0.03 * n)
    for i in fresh[1:: max(1, len(fresh) // max(1, k))][:k]:
        j = fresh[fresh.index(i) - 1]
        cur[i] = synth.graft_sections(cur[i], cur[j], {"remedies"}, rng=rng, frac=0.1)
        kinds[members[i].id] = "peer remedies"
        if kinds[members[j].id] == "fresh":
            kinds[members[j].id] = "peer source"  # its remedies are in a colleague's report too
    for year, reports in (("2023", prior), ("2024", cur)):
        folder = root / year
        folder.mkdir(parents=True, exist_ok=True)
        for m, rep in zip(members, reports):
            (folder / f"{m.id}.txt").write_text("\n".join(t for t, _ in rep.paragraphs) + "\n", encoding="utf-8")
    return {str(root / "2024" / f"{m.id}.txt"): kinds[m.id] for m in members}


class PssSampler(threading.Thread):
    """Peak of the summed PSS (MB) of this process and its descendants, sampled every ``every`` s."""

    def __init__(self, every: float = 0.5):
        super().__init__(daemon=True)
        self.every, self.peak, self._halt = every, 0.0, threading.Event()

    @staticmethod
    def _tree(root: int) -> list[int]:
        children: dict[int, list[int]] = {}
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open(f"/proc/{d}/stat") as fh:
                        ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(d))
        out, todo = [], [root]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo += children.get(pid, [])
        return out

    @staticmethod
    def _pss(pid: int) -> float:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def run(self) -> None:
        while not self._halt.is_set():
            self.peak = max(self.peak, sum(self._pss(p) for p in self._tree(os.getpid())))
            self._halt.wait(self.every)

    def stop(self) -> float:
        self._halt.set()
        self.join()
        return self.peak


def cpu_seconds(parent_only: bool = False) -> float:
    """User + system CPU seconds of this process and its finished children (the workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    if parent_only:
        return me.ru_utime + me.ru_stime
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def migrate(kept: Path) -> float | None:
    """Bring the prior year's archive to the current schema once, in place, before it is copied for the
    audits (a committee's archive is upgraded once, not at every audit); seconds taken, None when it was
    current. Done in a child process, so that what the migration tokenizes does not warm this process's
    caches, which the audit's workers would inherit."""
    from reportcheck.archive import SCHEMA_VERSION

    with sqlite3.connect(f"{kept.resolve().as_uri()}?mode=ro", uri=True) as con:
        version = con.execute("PRAGMA user_version").fetchone()[0]
    con.close()
    if version >= SCHEMA_VERSION:
        return None
    code = ("import sqlite3, sys; sys.path.insert(0, sys.argv[2]); from reportcheck.archive import Archive; "
            "Archive(sys.argv[1]).close(); con = sqlite3.connect(sys.argv[1]); "
            "con.execute('PRAGMA wal_checkpoint(TRUNCATE)'); con.close()")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(kept), str(HERE.parent)], check=True)
    return time.perf_counter() - t0


def one(n: int, jobs: int, seed: int, workdir: Path | None, prepare_only: bool = False) -> dict:
    """Generate, archive and audit ``n`` reports; the figures as a dict."""
    from reportcheck.audit import run_audit
    from reportcheck.registry import Selection

    root = (workdir / f"n{n}-s{seed}") if workdir else Path(tempfile.mkdtemp(prefix=f"bench-audit-{n}-"))
    kept = root / "unit-2023.db"  # the archive of the prior year, as `archive add` left it
    db = root / "unit.db"  # a copy of it, which the audit adds this year's reports to
    out: dict = {"n": n, "jobs": jobs}
    try:
        t0 = time.perf_counter()
        kinds_file = root / "kinds.json"
        if kinds_file.is_file() and (root / "2024").is_dir():
            kinds = json.loads(kinds_file.read_text(encoding="utf-8"))
            out["generate_s"] = None
        else:
            kinds = generate(n, seed, root)
            kinds_file.write_text(json.dumps(kinds), encoding="utf-8")
            out["generate_s"] = time.perf_counter() - t0
        if not kept.is_file():
            part = root / "unit-2023.part.db"  # renamed once complete: an interrupted run is redone
            for suffix in ("", "-wal", "-shm"):
                Path(f"{part}{suffix}").unlink(missing_ok=True)
            t0 = time.perf_counter()
            arch = run_audit([str(root / "2023")], archive=part, year=2023, peers=False, jobs=jobs, progress=False,
                             selection=Selection.make(ignore=["RC5"]), commit_every=None)
            out["archive_add_s"] = time.perf_counter() - t0
            out["archive_errors"] = len(arch.errors)
            del arch
            with sqlite3.connect(part) as con:  # everything in the main file
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            con.close()
            os.replace(part, kept)
        else:
            out["archive_add_s"] = None
        out["migrate_s"] = migrate(kept)
        if prepare_only:
            return out
        for suffix in ("", "-wal", "-shm"):  # every audit starts from the prior year's archive alone
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(kept, db)
        out["archive_mb"] = db.stat().st_size / 1e6

        sampler = PssSampler()
        sampler.start()
        before_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        cpu0, cpu0_parent = cpu_seconds(), cpu_seconds(parent_only=True)
        load0 = os.getloadavg()
        t0 = time.perf_counter()
        audit = run_audit([str(root / "2024")], archive=db, year=2024, peers=True, jobs=jobs, progress=False)
        out["audit_s"] = time.perf_counter() - t0
        out["cpu_s"] = cpu_seconds() - cpu0
        out["cpu_parent_s"] = cpu_seconds(parent_only=True) - cpu0_parent
        out["load"] = [round(x, 2) for x in load0] + [round(x, 2) for x in os.getloadavg()]
        out["pss_peak_mb"] = sampler.stop()
        out["rss_self_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out["rss_self_before_audit_mb"] = before_self
        out["rss_children_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        out["stages"] = audit.timings
        out["reports"] = len(audit.rows)
        out["errors"] = len(audit.errors)
        out["unit_findings"] = len(audit.unit_findings)
        found: dict[str, list[int]] = {}
        false_prior = false_peer = 0
        for row in audit.rows:
            kind = kinds.get(row["file"], "?")
            prior_hit = row["findings"].get("copied-from-prior", 0) > 0
            peer_hit = row["peer_matches"] > 0
            hit = peer_hit if kind.startswith("peer") else prior_hit
            f = found.setdefault(kind, [0, 0])
            f[0] += hit
            f[1] += 1
            false_prior += prior_hit and kind not in ("own prior (edited)", "own prior II/VI")
            false_peer += peer_hit and not kind.startswith("peer")
        out["found"] = found
        out["false_prior"], out["false_peer"] = false_prior, false_peer
    finally:
        if workdir is None:
            shutil.rmtree(root, ignore_errors=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--jobs", type=int, default=None, help="processes (default: every core)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--workdir", help="keep the generated reports and the archive here (reused by the next run)")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--prepare", action="store_true",
                    help="with --workdir: only generate the reports and the prior year's archive of each size")
    args = ap.parse_args()
    from reportcheck.audit import default_jobs

    jobs = args.jobs or default_jobs()
    workdir = Path(args.workdir).resolve() if args.workdir else None
    if args.one:
        print(json.dumps(one(args.one, jobs, args.seed, workdir, args.prepare)))
        return
    if args.prepare:
        if workdir is None:
            sys.exit("--prepare needs --workdir")
        for n in args.sizes:
            print(json.dumps(one(n, jobs, args.seed, workdir, prepare_only=True)), flush=True)
        return
    print(f"## audit of N generated reports with an archive of the prior year ({jobs} processes, {os.cpu_count()} cores)\n")
    print(f"{'N':>7} {'gen s':>6} {'arch s':>7} {'audit s':>8} {'rep/s':>6} {'CPU ms':>7}  {'read':>6} {'index':>6} "
          f"{'check':>6} {'unit':>5}  {'RSS own':>8} {'RSS kid':>8} {'sum':>7} {'PSS':>7}  {'db MB':>6}  {'parent':>6}  {'load':>9}")
    results = []
    for n in args.sizes:
        cmd = [sys.executable, __file__, "--one", str(n), "--jobs", str(jobs), "--seed", str(args.seed)]
        if workdir:
            cmd += ["--workdir", str(workdir)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            sys.exit(f"size {n} failed")
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        results.append(r)
        st = r["stages"]
        fmt = lambda v: "cached" if v is None else f"{v:.0f}"  # noqa: E731
        print(f"{n:>7} {fmt(r['generate_s']):>6} {fmt(r['archive_add_s']):>7} {r['audit_s']:>8.1f} "
              f"{r['reports'] / r['audit_s']:>6.1f} {1000 * r['cpu_s'] / r['reports']:>7.1f}  "
              f"{st['read']:>6.1f} {st['index']:>6.1f} {st['check']:>6.1f} "
              f"{st['unit']:>5.1f}  {r['rss_self_mb']:>8.0f} {r['rss_children_mb']:>8.0f} "
              f"{r['rss_self_mb'] + r['rss_children_mb']:>7.0f} {r['pss_peak_mb']:>7.0f}  {r['archive_mb']:>6.0f}  "
              f"{1000 * r['cpu_parent_s'] / r['reports']:>6.1f}  {r['load'][0]:>4.1f}/{r['load'][3]:>4.1f}",
              flush=True)
        if r.get("migrate_s") is not None:
            print(f"{'':>7} (the prior year's archive was first upgraded to the current schema, once, in "
                  f"{r['migrate_s']:.1f} s: not part of the audit)", flush=True)
    print("\n(seconds; 'arch s' = keeping the 2023 reports in the archive, not part of the audit; 'CPU ms' = CPU "
          "time of the audit (all processes) per report, which other load on the machine does not inflate; memory in MB: "
          "RSS own/kid = ru_maxrss of this process / of its largest child, sum = both (over-counts the pages a "
          "forked worker shares with its parent), PSS = sampled peak of the proportional set size summed over the "
          "process and all its workers; 'parent' = CPU ms/report of the audit's own process (the rest is its workers); "
          "'load' = 1-minute load average when the audit started / ended (other work on the machine slows the wall time))\n")
    print(f"{'N':>7}  {'planted kind':<20} {'found':>13}")
    for r in results:
        for kind, (hit, total) in sorted(r["found"].items()):
            print(f"{r['n']:>7}  {kind:<20} {hit:>6}/{total:<6}")
        print(f"{r['n']:>7}  {'(false prior flags)':<20} {r['false_prior']:>6}   (false peer flags) {r['false_peer']}")
    if len(results) > 1:
        base = results[0]
        print("\nscaling (time per report relative to the smallest run):")
        for r in results:
            per = r["audit_s"] / r["reports"]
            cpu = r["cpu_s"] / r["reports"]
            print(f"  N={r['n']:>6}: {1000 * per:6.1f} ms/report wall (x{per / (base['audit_s'] / base['reports']):.2f}), "
                  f"{1000 * cpu:6.1f} ms/report CPU (x{cpu / (base['cpu_s'] / base['reports']):.2f})")


if __name__ == "__main__":
    main()
