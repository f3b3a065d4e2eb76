"""Benchmark the copy-detection index on synthetic reports.

    python benchmarks/bench_reuse.py [--sizes 1000 5000 20000] [--jobs 2] [--brute-cap 120] [--methods 2000]

For each size N: N prior-year reports (role ``prior``, one per member) and N
current reports (role ``peer``) of ~1,500-1,700 syllables. Planted among the
current reports: 30% taken back from the member's own prior report (5-30% of
sentences edited), 5% whose limitations/causes/remedies are copied from the prior
report, 3% that copy a colleague's remedies (a current report); the rest are
written afresh. The index is fitted on all 2N reports (form wording as
boilerplate) and every current report is queried with roles prior + peer (its
own prior and copying colleagues are found by the same query).

Printed per size: generation, fit, query and total seconds, reports/s, peak
memory (ru_maxrss of this process and of the forked workers) and the size of
the index's arrays; recall of the planted copies and flagged matches that are
not planted copies. Then a brute-force baseline over all pairs (N x N prior +
N(N-1)/2 peers): Jaccard of shingle sets, run for at most ``--brute-cap``
seconds and extrapolated beyond, and our rapidfuzz alignment applied to every
pair, extrapolated from a sample of pairs.

``--methods M`` first compares candidate-search methods on M + M reports:
the zone MinHash/LSH used here, datasketch MinHash + MinHashLSH over whole
reports, and hashing TF-IDF of word 3-grams (scikit-learn) with cosine top-k.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import subprocess
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import synth  # noqa: E402

from reportcheck.reuse import CorpusIndex, IndexDoc  # noqa: E402
from reportcheck.reuse.units import tokenize  # noqa: E402


def rss_mb() -> tuple[float, float]:
    """Peak RSS (MB) of this process and of its largest finished child."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def current_rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def generate(n: int, seed: int):
    """N prior + N current reports with planted copies; returns docs and the truth."""
    rng = random.Random(seed)
    members = [synth.make_member(rng, i) for i in range(n)]
    prior = [synth.make_report(rng, m, 2023) for m in members]
    cur = []
    truth: dict[str, str] = {}  # current id -> id of the report it copies
    kinds: dict[str, str] = {}
    for i, (m, p) in enumerate(zip(members, prior)):
        u = rng.random()
        cid = f"2024/{m.id}"
        if u < 0.30:
            rep = synth.edit_copy(rng, p, rng.choice([0.05, 0.15, 0.30]))
            truth[cid], kinds[cid] = f"2023/{m.id}", "own prior (edited)"
        elif u < 0.35:
            rep = synth.graft_sections(synth.rewrite(rng, p, 2024), p, {"limitations", "causes", "remedies"},
                                       rng=rng, frac=0.1)
            truth[cid], kinds[cid] = f"2023/{m.id}", "own prior II/VI"
        else:
            rep = synth.make_report(rng, m, 2024)
            kinds[cid] = "fresh"
        cur.append(rep)
    cur_docs = [IndexDoc(f"2024/{m.id}", r.as_paragraphs(), member=m.id, year=2024, role="peer")
                for m, r in zip(members, cur)]
    # 3%: copy a colleague's (an earlier fresh current report's) remedies
    fresh_idx = [i for i, d in enumerate(cur_docs) if kinds[d.id] == "fresh"]
    for i in fresh_idx[1:: max(1, len(fresh_idx) // max(1, int(0.03 * n)))][: int(0.03 * n)]:
        j = fresh_idx[(fresh_idx.index(i) - 1)]
        rep = synth.graft_sections(cur[i], cur[j], {"remedies"}, rng=rng, frac=0.1)
        cur_docs[i] = IndexDoc(cur_docs[i].id, rep.as_paragraphs(), member=cur_docs[i].member, year=2024, role="peer")
        truth[cur_docs[i].id], kinds[cur_docs[i].id] = cur_docs[j].id, "peer remedies"
    prior_docs = [IndexDoc(f"2023/{m.id}", p.as_paragraphs(), member=m.id, year=2023, role="prior")
                  for m, p in zip(members, prior)]
    return prior_docs, cur_docs, truth, kinds


def bench_size(n: int, jobs: int, seed: int, brute_cap: float):
    t0 = time.perf_counter()
    prior_docs, cur_docs, truth, kinds = generate(n, seed)
    t_gen = time.perf_counter() - t0
    rss_docs = current_rss_mb()
    gc.collect()
    t0 = time.perf_counter()
    index = CorpusIndex(n_jobs=jobs).fit(prior_docs + cur_docs, boilerplate=synth.form_text())
    t_fit = time.perf_counter() - t0
    rss_fit = current_rss_mb()
    t0 = time.perf_counter()
    results = index.query_many(cur_docs, roles=("prior", "peer"), top=5, n_jobs=jobs)
    t_query = time.perf_counter() - t0
    rss_query = current_rss_mb()
    own_peak, kid_peak = rss_mb()
    # accuracy on the plants
    found: dict[str, int] = {}
    total: dict[str, int] = {}
    false_flags = 0
    flagged = 0
    for d, ms in zip(cur_docs, results):
        k = kinds[d.id]
        src = truth.get(d.id)
        if src:
            total[k] = total.get(k, 0) + 1
            if any(m.other_id == src and m.flagged for m in ms):
                found[k] = found.get(k, 0) + 1
        for m in ms:
            if m.flagged:
                flagged += 1
                ok = m.other_id == src or truth.get(m.other_id) == d.id or (
                    src is not None and truth.get(m.other_id) == src)
                false_flags += not ok
    mem = index.memory_bytes()
    return dict(n=n, gen=t_gen, fit=t_fit, query=t_query, rss_docs=rss_docs, rss_fit=rss_fit, rss_query=rss_query,
                own_peak=own_peak, kid_peak=kid_peak, index_mb=sum(mem.values()) / 2**20, mem=mem,
                found=found, total=total, flagged=flagged, false_flags=false_flags,
                index=index, prior=prior_docs, cur=cur_docs)


def brute_force(R, cap: float, jobs: int):
    """All pairs: Jaccard of shingle sets for at most ``cap`` seconds (then extrapolate)."""
    prior, cur, index = R["prior"], R["cur"], R["index"]
    n = len(cur)
    pairs_total = n * n + n * (n - 1) // 2
    cfg = index.config_
    sets: dict[str, frozenset] = {}

    def sh(d):
        s = sets.get(d.id)
        if s is None:
            s = sets[d.id] = frozenset(tokenize(d.paragraphs, cfg).sh_hash.tolist())
        return s

    t0 = time.perf_counter()
    done = 0
    hits = 0
    stop = False
    for i, a in enumerate(cur):
        sa = sh(a)
        others = prior + cur[i + 1:]
        for b in others:
            sb = sh(b)
            inter = len(sa & sb)
            if inter / (len(sa) + len(sb) - inter) >= 0.3:
                hits += 1
            done += 1
        if time.perf_counter() - t0 > cap:
            stop = True
            break
    el = time.perf_counter() - t0
    per_pair = el / done
    jac = dict(pairs=pairs_total, done=done, seconds=el if not stop else None,
               est=per_pair * pairs_total, finished=not stop)
    # rapidfuzz alignment of every pair: sample
    rng = random.Random(0)
    sample = [(rng.choice(cur), rng.choice(prior + cur)) for _ in range(200)]
    t0 = time.perf_counter()
    for a, b in sample:
        index.compare(a, b)
    per_align = (time.perf_counter() - t0) / len(sample)
    return jac, dict(pairs=pairs_total, per_pair_ms=per_align * 1000, est=per_align * pairs_total / max(1, jobs))


def compare_methods(m: int, seed: int):
    """Candidate search on m + m reports: recall of planted sources, candidates per query, seconds."""
    from datasketch import MinHash, MinHashLSH
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

    from reportcheck.text.normalize import fold

    prior, cur, truth, kinds = generate(m, seed)
    docs = prior + cur
    pos = {d.id: i for i, d in enumerate(docs)}
    queries = [(i + len(prior), d) for i, d in enumerate(cur)]
    rows = []

    def recall(cands: dict[int, set[int]]):
        per: dict[str, list[bool]] = {}
        for qi, d in queries:
            src = truth.get(d.id)
            if src:
                per.setdefault(kinds[d.id], []).append(pos[src] in cands.get(qi, set()))
        mean_c = sum(len(c) for c in cands.values()) / len(queries)
        return {k: sum(v) / len(v) for k, v in per.items()}, mean_c

    # ours
    t0 = time.perf_counter()
    index = CorpusIndex().fit(docs, boilerplate=synth.form_text())
    t_fit = time.perf_counter() - t0
    t0 = time.perf_counter()
    cands = {}
    for qi, d in queries:
        cands[qi] = {pos[index.docs_[c].id] for c, _ in index.candidates(d, roles=("prior", "peer"))}
    t_q = time.perf_counter() - t0
    rec, mc = recall(cands)
    rows.append(("zone MinHash + LSH + sentence index (ours)", t_fit, t_q, rec, mc))

    texts = [" ".join(fold(t) for _, t, s in d.paragraphs if s not in ("header", "self_rating")) for d in docs]
    # datasketch, whole report
    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=64)
    mhs = []
    for i, tx in enumerate(texts):
        w = tx.split()
        mh = MinHash(num_perm=64, seed=1)
        mh.update_batch([" ".join(w[k:k + 4]).encode() for k in range(len(w) - 3)])
        mhs.append(mh)
        lsh.insert(i, mh)
    t_fit = time.perf_counter() - t0
    t0 = time.perf_counter()
    cands = {qi: {c for c in lsh.query(mhs[qi]) if c != qi} for qi, _ in queries}
    t_q = time.perf_counter() - t0
    rec, mc = recall(cands)
    rows.append(("datasketch MinHash(64) + MinHashLSH(0.5), whole report", t_fit, t_q, rec, mc))

    # hashing TF-IDF word 3-grams, cosine top-5
    t0 = time.perf_counter()
    hv = HashingVectorizer(ngram_range=(3, 3), token_pattern=r"(?u)\b\w+\b", n_features=2**22,
                           alternate_sign=False, norm=None)
    X = TfidfTransformer().fit_transform(hv.transform(texts))
    t_fit = time.perf_counter() - t0
    t0 = time.perf_counter()
    cands = {}
    qidx = [qi for qi, _ in queries]
    for s in range(0, len(qidx), 500):
        block = qidx[s:s + 500]
        S = (X[block] @ X.T).toarray()
        for r, qi in enumerate(block):
            S[r, qi] = -1
            top = np.argsort(-S[r], kind="stable")[:5]
            cands[qi] = {int(t) for t in top if S[r, t] >= 0.3}
    t_q = time.perf_counter() - t0
    rec, mc = recall(cands)
    rows.append(("hashing TF-IDF word 3-grams, cosine >= 0.3 top-5", t_fit, t_q, rec, mc))

    cols = sorted({k for r in rows for k in r[3]})
    print(f"## Candidate search on {m} prior + {m} current reports (recall = planted source among the candidates)\n")
    print(f"{'method':<58}{'build s':>8}{'query s':>8}{'cand/q':>7}" + "".join(f"{c:>20}" for c in cols))
    for name, tf, tq, rec, mc in rows:
        print(f"{name:<58}{tf:>8.1f}{tq:>8.1f}{mc:>7.1f}" + "".join(f"{rec.get(c, 0):>20.3f}" for c in cols))
    print()


def run_one(n: int, jobs: int, seed: int, cap: float) -> dict:
    R = bench_size(n, jobs, seed, cap)
    jac, rf = brute_force(R, cap, jobs)
    for k in ("index", "prior", "cur"):
        del R[k]
    R["jac"], R["rf"] = jac, rf
    return R


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--brute-cap", type=float, default=120.0)
    ap.add_argument("--methods", type=int, default=0, help="compare candidate-search methods on M + M reports")
    ap.add_argument("--one", type=int, default=0, help=argparse.SUPPRESS)  # internal: one size, JSON out
    args = ap.parse_args(argv)

    if args.one:
        print(json.dumps(run_one(args.one, args.jobs, args.seed, args.brute_cap)))
        return
    if args.methods:
        compare_methods(args.methods, args.seed)

    rows = []
    for n in args.sizes:  # each size in a fresh process, so that peak memory is its own
        cmd = [sys.executable, __file__, "--one", str(n), "--jobs", str(args.jobs), "--seed", str(args.seed),
               "--brute-cap", str(args.brute_cap)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        r = rows[-1]
        print(f"size {n}: done (gen {r['gen']:.0f}s, fit {r['fit']:.0f}s, query {r['query']:.0f}s)", file=sys.stderr)
    print(f"## Index: N prior + N current reports, every current report queried (roles prior + peer), "
          f"{args.jobs} process(es)\n")
    print(f"{'N':>6}{'reports':>9}{'gen s':>7}{'fit s':>7}{'query s':>8}{'total s':>8}{'reports/s':>10}"
          f"{'RSS docs':>10}{'RSS fit':>9}{'RSS query':>10}{'peak':>7}{'worker':>8}{'index MB':>9}")
    for r in rows:
        tot = r["fit"] + r["query"]
        print(f"{r['n']:>6}{2 * r['n']:>9}{r['gen']:>7.0f}{r['fit']:>7.1f}{r['query']:>8.1f}{tot:>8.1f}"
              f"{2 * r['n'] / tot:>10.0f}{r['rss_docs']:>10.0f}{r['rss_fit']:>9.0f}{r['rss_query']:>10.0f}"
              f"{r['own_peak']:>7.0f}{r['kid_peak']:>8.0f}{r['index_mb']:>9.1f}")
    print("\n(RSS in MB: after generating the documents, after fit, after the queries; peak = ru_maxrss of this "
          "process, worker = largest forked worker. 'index MB' = the index's own numpy arrays: signatures, LSH "
          "bands, sentence index, boilerplate, document frequencies; the documents themselves are the caller's.)\n")
    print(f"{'N':>6}" + "".join(f"{k:>22}" for k in ("own prior (edited)", "own prior II/VI", "peer remedies"))
          + f"{'flagged':>9}{'not planted':>12}")
    for r in rows:
        cells = "".join(
            f"{str(r['found'].get(k, 0)) + '/' + str(r['total'].get(k, 0)):>22}"
            for k in ("own prior (edited)", "own prior II/VI", "peer remedies"))
        print(f"{r['n']:>6}{cells}{r['flagged']:>9}{r['false_flags']:>12}")
    print("\n## Brute force over all pairs (N x N prior + N(N-1)/2 peers), single process\n")
    print(f"{'N':>6}{'pairs':>14}{'Jaccard s':>11}  {'':<38}{'align s (est.)':>15}{'align ms/pair':>15}")
    for r in rows:
        j, f = r["jac"], r["rf"]
        js = f"{j['seconds']:.0f}" if j["finished"] else f"~{j['est']:.0f}"
        note = "measured" if j["finished"] else f"extrapolated ({j['done']:,} pairs in {args.brute_cap:.0f}s)"
        print(f"{r['n']:>6}{j['pairs']:>14,}{js:>11}  {note:<38}{'~' + format(f['est'], '.0f'):>15}"
              f"{f['per_pair_ms']:>15.2f}")
    print(f"\n(rapidfuzz alignment extrapolated from 200 sampled pairs, divided by {args.jobs} processes; the "
          "Jaccard baseline only scores whole-report overlap: it does not find passages, II/VI-only copies or "
          "boilerplate.)")


if __name__ == "__main__":
    main()
