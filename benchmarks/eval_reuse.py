"""Evaluate copy detection on synthetic reports with planted copies.

    python benchmarks/eval_reuse.py [--dev-seed 11] [--test-seed 12] [--base 500] [--per-class 60]

For each seed a corpus is generated with benchmarks/synth.py:

* ``base``: one prior-year report (2023) per member, role ``prior``;
* planted copies of a base report for the next year, role ``peer``:
  ``verbatim`` (only years shifted), ``edit05``/``edit15``/``edit30`` (that share
  of sentences edited: word swaps, numbers/years/names changed, clauses swapped,
  words inserted/dropped), ``shuffled`` (sentence order shuffled within
  sections), ``II/VI only`` (limitations, causes and remedies copied with 10%
  edits, everything else rewritten); beyond the target and not in the recall:
  ``edit50`` and ``remedies only`` (a colleague copies the remedies section);
* ``rewritten``: the same member's next report, or a colleague's in the same
  unit, written afresh but sharing the stock formulas and the form wording
  (must NOT be flagged);
* ``fresh``: a new report for every other member (background population);
* ``independent``: random pairs of base reports.

The index is fitted on everything (form wording passed as boilerplate); every
current report is queried (roles prior + peer). Recall = planted copies (edits
<= 30%) whose source is returned flagged; precision = flagged matches between
reports of the same family / all flagged matches; FP rate = rewritten pairs
flagged (direct compare). A second scenario fits single Party cells (15 members
x 2 years = 30 reports) alone, where no frequency boilerplate can be learned.

The threshold is chosen on the dev seed (midpoint between the highest non-copy
and the lowest copy similarity over both scenarios) and applied to the test seed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth  # noqa: E402

from reportcheck.reuse import CorpusIndex, IndexDoc, Match, load_config  # noqa: E402

COPY_CLASSES = ["verbatim", "edit05", "edit15", "edit30", "shuffled", "II/VI only"]
EXTRA_CLASSES = ["edit50", "remedies only"]  # reported, not part of the recall target
ALL_CLASSES = COPY_CLASSES + EXTRA_CLASSES + ["rewritten", "independent"]


@dataclass
class Planted:
    doc: IndexDoc
    cls: str
    source: str | None  # id of the report it was derived from (None: fresh)
    family: str  # reports derived from the same base share a family


def build(seed: int, n_base: int, per_class: int, n_rewritten: int):
    rng = random.Random(seed)
    members = [synth.make_member(rng, i) for i in range(n_base)]
    base = {m.id: synth.make_report(rng, m, 2023) for m in members}
    prior_docs = [IndexDoc(f"2023/{m.id}", base[m.id].as_paragraphs(), member=m.id, year=2023, role="prior")
                  for m in members]
    order = list(range(n_base))
    rng.shuffle(order)
    it = iter(order)
    planted: list[Planted] = []
    used: set[str] = set()

    def take():
        m = members[next(it)]
        used.add(m.id)
        return m

    def add(rep, cls, src_member, member_id=None, idx=0):
        mid = member_id or rep.member.id
        doc = IndexDoc(f"2024/{cls.replace(' ', '_').replace('/', '')}/{mid}-{idx}", rep.as_paragraphs(),
                       member=mid, year=2024, role="peer")
        planted.append(Planted(doc, cls, f"2023/{src_member}" if src_member else None,
                               src_member or doc.id))

    for cls in COPY_CLASSES + EXTRA_CLASSES:
        for k in range(per_class):
            m = take()
            src = base[m.id]
            if cls == "verbatim":
                rep = synth.edit_copy(rng, src, 0.0)
            elif cls.startswith("edit"):
                rep = synth.edit_copy(rng, src, int(cls[4:]) / 100)
            elif cls == "shuffled":
                rep = synth.shuffle_copy(rng, src)
            elif cls == "II/VI only":
                fresh = synth.rewrite(rng, src, 2024)
                rep = synth.graft_sections(fresh, src, {"limitations", "causes", "remedies"}, rng=rng, frac=0.1)
            else:  # remedies only: a colleague copies this member's remedies
                colleague = synth.make_member(rng, 100000 + len(planted), profession=m.profession)
                colleague = synth.Member(colleague.id, colleague.name, m.profession, m.unit, m.place,
                                         colleague.leader, colleague.birth)
                fresh = synth.make_report(rng, colleague, 2024)
                rep = synth.graft_sections(fresh, src, {"remedies"}, rng=rng, frac=0.1)
                add(rep, cls, m.id, member_id=colleague.id, idx=k)
                continue
            add(rep, cls, m.id, idx=k)
    rewritten_pairs = []
    for k in range(n_rewritten):
        m = members[order[k % n_base]]
        src = base[m.id]
        if k % 2 == 0:  # the same member, written afresh
            rep = synth.rewrite(rng, src, 2024)
            mid = m.id
        else:  # a colleague in the same unit, same stock formulas
            c = synth.make_member(rng, 200000 + k, profession=m.profession)
            c = synth.Member(c.id, c.name, m.profession, m.unit, m.place, c.leader, c.birth)
            rep = synth.rewrite(rng, src, 2024, same_member=False, member=c)
            mid = c.id
        doc = IndexDoc(f"2024/rewritten/{mid}-{k}", rep.as_paragraphs(), member=mid, year=2024, role="peer")
        planted.append(Planted(doc, "rewritten", f"2023/{m.id}", doc.id))
        rewritten_pairs.append((doc, f"2023/{m.id}"))
    for m in members:  # background: a fresh report for everyone not used for a copy
        if m.id not in used:
            rep = synth.make_report(rng, m, 2024)
            doc = IndexDoc(f"2024/fresh/{m.id}", rep.as_paragraphs(), member=m.id, year=2024, role="peer")
            planted.append(Planted(doc, "fresh", None, doc.id))
    indep = []
    for _ in range(n_rewritten):
        a, b = rng.sample(range(n_base), 2)
        indep.append((prior_docs[a], prior_docs[b]))
    return prior_docs, planted, rewritten_pairs, indep


def flag(m: Match | None, thr: float, section_rule: bool) -> bool:
    """Flag decision at similarity threshold ``thr``; the section rule as configured in reuse.toml."""
    if m is None:
        return False
    if m.similarity >= thr:
        return True
    return section_rule and any(r.startswith("section:") for r in m.reasons)


def run(seed: int, args, cfg_over: dict):
    t0 = time.perf_counter()
    prior_docs, planted, rewritten_pairs, indep = build(seed, args.base, args.per_class, args.rewritten)
    docs = prior_docs + [p.doc for p in planted]
    t1 = time.perf_counter()
    index = CorpusIndex(n_jobs=args.jobs, **cfg_over).fit(docs, boilerplate=synth.form_text())
    t2 = time.perf_counter()
    family = {d.id: d.id for d in prior_docs}
    for p in planted:
        family[p.doc.id] = p.source if (p.source is not None and p.cls != "rewritten") else p.family
    results: dict[str, list[Match]] = {}
    verified = []
    for p in planted:
        results[p.doc.id] = index.query(p.doc, roles=("prior", "peer"), top=10)
        verified.append(index.last_query_.verified)
    t3 = time.perf_counter()
    by_id = {d.id: d for d in docs}
    direct: dict[str, list[float]] = {c: [] for c in ALL_CLASSES}
    direct_m: dict[str, list[Match | None]] = {c: [] for c in ALL_CLASSES}
    for p in planted:
        if p.cls in COPY_CLASSES or p.cls in EXTRA_CLASSES:
            m = index.compare(p.doc, by_id[p.source])
            direct[p.cls].append(m.similarity if m else 0.0)
            direct_m[p.cls].append(m)
    for doc, src in rewritten_pairs:
        m = index.compare(doc, by_id[src])
        direct["rewritten"].append(m.similarity if m else 0.0)
        direct_m["rewritten"].append(m)
    for a, b in indep:
        m = index.compare(a, b)
        direct["independent"].append(m.similarity if m else 0.0)
        direct_m["independent"].append(m)
    t4 = time.perf_counter()
    return dict(index=index, planted=planted, results=results, family=family, direct=direct,
                direct_m=direct_m, verified=verified, n_docs=len(docs),
                times=dict(generate=t1 - t0, fit=t2 - t1, query=t3 - t2, compare=t4 - t3))


def evaluate(R, thr: float, sec: bool):
    planted, results, family = R["planted"], R["results"], R["family"]
    rec: dict[str, list[bool]] = {}
    tp = fp = 0
    fp_examples = []
    for p in planted:
        ms = results[p.doc.id]
        if p.source is not None and p.cls != "rewritten":
            hit = next((m for m in ms if m.other_id == p.source), None)
            rec.setdefault(p.cls, []).append(flag(hit, thr, sec))
        for m in ms:
            if flag(m, thr, sec):
                same = family.get(m.other_id) == family[p.doc.id]
                if same:
                    tp += 1
                else:
                    fp += 1
                    fp_examples.append((p.doc.id, m.other_id, m.similarity))
    copies = [x for c in COPY_CLASSES for x in rec.get(c, [])]
    recall = sum(copies) / len(copies) if copies else 0.0
    precision = tp / (tp + fp) if tp + fp else 1.0
    fp_rew = [flag(m, thr, sec) for m in R["direct_m"]["rewritten"]]
    fp_ind = [flag(m, thr, sec) for m in R["direct_m"]["independent"]]
    direct_recall = {c: sum(flag(m, thr, sec) for m in R["direct_m"][c]) / len(R["direct_m"][c])
                     for c in COPY_CLASSES + EXTRA_CLASSES}
    return dict(recall=recall, precision=precision, per_class={c: sum(v) / len(v) for c, v in rec.items()},
                fp_rewritten=sum(fp_rew) / len(fp_rew), fp_independent=sum(fp_ind) / len(fp_ind),
                tp=tp, fp=fp, fp_examples=fp_examples[:5], direct_recall=direct_recall)


def small_corpus(seed: int, cells: int = 10, members: int = 15, archive: int = 0, **over):
    """One Party cell at a time: its members' reports of two years, fitted alone (30 reports).

    Per cell: 2 copies of the own prior with 5/15/30% edits, 1 shuffled, 1 II/VI-only,
    the others rewritten (same unit, same profession, same stock formulas). Too few
    reports to learn frequency boilerplate: only the form and reuse.toml's formulas
    are discounted, unless ``archive`` reference reports of other cells are added.
    """
    rng = random.Random(seed)
    arch = []
    for i in range(archive):
        m = synth.make_member(rng, 900000 + i)
        arch.append(IndexDoc(f"archive/{m.id}", synth.make_report(rng, m, 2023).as_paragraphs(), member=m.id,
                             year=2023, role="reference"))
    out: dict[str, list[Match | None]] = {}
    for c in range(cells):
        ms = [synth.make_member(rng, c * 100 + i, profession=sorted(synth.PROFESSIONS)[c % 5]) for i in range(members)]
        ms = [synth.Member(m.id, m.name, m.profession, ms[0].unit, ms[0].place, m.leader, m.birth) for m in ms]
        prior = [synth.make_report(rng, m, 2023) for m in ms]
        cur, cls = [], []
        for i, p in enumerate(prior):
            if i < 2:
                cur.append(synth.edit_copy(rng, p, rng.choice([0.05, 0.15, 0.30])))
                cls.append("copy (edited)")
            elif i == 2:
                cur.append(synth.shuffle_copy(rng, p))
                cls.append("copy (shuffled)")
            elif i == 3:
                cur.append(synth.graft_sections(synth.rewrite(rng, p, 2024), p, {"limitations", "causes", "remedies"},
                                                rng=rng, frac=0.1))
                cls.append("II/VI only")
            else:
                cur.append(synth.rewrite(rng, p, 2024))
                cls.append("rewritten")
        pd = [IndexDoc(f"c{c}/2023/{m.id}", p.as_paragraphs(), member=m.id, year=2023, role="prior")
              for m, p in zip(ms, prior)]
        cd = [IndexDoc(f"c{c}/2024/{m.id}", r.as_paragraphs(), member=m.id, year=2024, role="peer")
              for m, r in zip(ms, cur)]
        index = CorpusIndex(**over).fit(pd + cd + arch, boilerplate=synth.form_text())
        for a, b, k in zip(cd, pd, cls):
            out.setdefault(k, []).append(index.compare(a, b))
    return out


def small_table(rows) -> str:
    lines = [f"{'setting':<40}{'class':<17}{'n':>4}{'min':>7}{'median':>8}{'max':>7}{'flagged':>9}"]
    for name, res in rows:
        for k in ("copy (edited)", "copy (shuffled)", "II/VI only", "rewritten"):
            v = sorted(m.similarity if m else 0.0 for m in res[k])
            f = sum(bool(m and m.flagged) for m in res[k])
            lines.append(f"{name:<40}{k:<17}{len(v):>4}{v[0]:>7.3f}{v[len(v) // 2]:>8.3f}{v[-1]:>7.3f}"
                         f"{f'{f}/{len(v)}':>9}")
            name = ""
    return "\n".join(lines)


def dist_table(R) -> str:
    lines = [f"{'class':<15}{'n':>5}{'min':>8}{'p05':>8}{'median':>8}{'p95':>8}{'max':>8}"]
    for c in ALL_CLASSES:
        v = sorted(R["direct"][c])
        if not v:
            continue
        q = lambda f: v[min(len(v) - 1, int(f * (len(v) - 1) + 0.5))]  # noqa: E731
        lines.append(f"{c:<15}{len(v):>5}{v[0]:>8.3f}{q(0.05):>8.3f}{q(0.5):>8.3f}{q(0.95):>8.3f}{v[-1]:>8.3f}")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dev-seed", type=int, default=11)
    ap.add_argument("--test-seed", type=int, default=12)
    ap.add_argument("--base", type=int, default=500, help="members (base reports) per seed")
    ap.add_argument("--per-class", type=int, default=60, help="planted copies per class")
    ap.add_argument("--rewritten", type=int, default=300, help="rewritten pairs (and independent pairs)")
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args(argv)
    cfg = load_config()

    print(f"# Copy detection evaluation (synthetic; reuse.toml threshold={cfg.threshold}, "
          f"section rule {cfg.section_threshold} on {', '.join(cfg.section_flag)})\n")
    dev = run(args.dev_seed, args, {})
    ix = dev["index"]
    print(f"dev seed {args.dev_seed}: {dev['n_docs']} reports, fit {dev['times']['fit']:.1f}s, "
          f"{len(dev['planted'])} queries {dev['times']['query']:.1f}s, "
          f"aligned per query mean {sum(dev['verified']) / len(dev['verified']):.1f} "
          f"(max {max(dev['verified'])}); boilerplate learned: {ix.boilerplate_.n_learned_shingles} shingles, "
          f"{ix.boilerplate_.n_learned_units} sentences (df >= {ix.boilerplate_.min_docs} of "
          f"{ix.doc_freq_.n_docs} reports)\n")
    print("## Threshold sweep on the dev seed (similarity rule alone, then with the section rule)\n")
    print(f"{'threshold':>9} {'section':>8} {'recall':>7} {'precision':>9} {'FP rewritten':>12} "
          f"{'FP indep.':>9} {'remedies-only':>13}")
    for sec in (False, True):
        for thr in (0.25, 0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60):
            e = evaluate(dev, thr, sec)
            print(f"{thr:>9.2f} {('on' if sec else '-'):>8} {e['recall']:>7.3f} "
                  f"{e['precision']:>9.3f} {e['fp_rewritten']:>12.3f} {e['fp_independent']:>9.3f} "
                  f"{e['direct_recall']['remedies only']:>13.3f}")
    small_dev = small_corpus(args.dev_seed)
    neg = [m.similarity if m else 0.0 for c in ("rewritten", "independent") for m in dev["direct_m"][c]]
    neg += [m.similarity if m else 0.0 for m in small_dev["rewritten"]]
    pos = [m.similarity if m else 0.0 for c in COPY_CLASSES for m in dev["direct_m"][c]]
    pos += [m.similarity if m else 0.0 for c in ("copy (edited)", "copy (shuffled)", "II/VI only")
            for m in small_dev[c]]
    chosen = round((max(neg) + min(pos)) / 2 / 0.05) * 0.05
    print(f"\nchosen on dev: midpoint between the highest non-copy ({max(neg):.3f}) and the lowest copy "
          f"({min(pos):.3f}) similarity, large corpus and single cells together, rounded to 0.05: threshold "
          f"{chosen:.2f} (reuse.toml has {cfg.threshold:.2f})\n")
    print("similarity distributions on dev (direct compare, copy -> its source):\n")
    print(dist_table(dev))

    test = run(args.test_seed, args, {})
    e = evaluate(test, chosen, True)  # flag decisions re-derived at the chosen threshold
    e2 = evaluate(test, chosen, False)
    print(f"\n## Test seed {args.test_seed} (threshold {chosen:.2f}): {test['n_docs']} reports, "
          f"fit {test['times']['fit']:.1f}s, {len(test['planted'])} queries {test['times']['query']:.1f}s\n")
    print(f"{'rule':<28}{'recall':>8}{'precision':>10}{'FP rewritten':>14}{'FP indep.':>11}")
    print(f"{'similarity + section rule':<28}{e['recall']:>8.3f}{e['precision']:>10.3f}"
          f"{e['fp_rewritten']:>14.3f}{e['fp_independent']:>11.3f}")
    print(f"{'similarity only':<28}{e2['recall']:>8.3f}{e2['precision']:>10.3f}"
          f"{e2['fp_rewritten']:>14.3f}{e2['fp_independent']:>11.3f}")
    print(f"\nflagged matches: {e['tp']} true, {e['fp']} false"
          + (f"; false examples: {e['fp_examples']}" if e["fp_examples"] else ""))
    print("\nrecall per class (query: source returned and flagged | direct compare flagged):\n")
    print(f"{'class':<15}{'query':>7}{'direct':>8}")
    for c in COPY_CLASSES + EXTRA_CLASSES:
        print(f"{c:<15}{e['per_class'].get(c, 0.0):>7.3f}{e['direct_recall'][c]:>8.3f}"
              + ("   (beyond the target: not in recall)" if c in EXTRA_CLASSES else ""))
    print("\nsimilarity distributions on test (direct compare):\n")
    print(dist_table(test))
    kinds: dict[str, dict[str, int]] = {}
    for c in COPY_CLASSES:
        for m in test["direct_m"][c]:
            if m:
                for k, v in m.kinds.items():
                    kinds.setdefault(c, {}).setdefault(k, 0)
                    kinds[c][k] += v
    print("\npassage kinds per class (test):\n")
    for c in COPY_CLASSES:
        tot = sum(kinds.get(c, {}).values()) or 1
        print(f"{c:<15}" + "  ".join(f"{k} {v / tot:.0%}" for k, v in sorted(kinds.get(c, {}).items())))
    print(f"\n## Single Party cells (15 members x 2 years = 30 reports fitted alone), test seed, "
          f"threshold {chosen:.2f}\n")
    rows = [("form + formulas (default)", small_corpus(args.test_seed, threshold=chosen)),
            ("form only (use_formulas=False)", small_corpus(args.test_seed, threshold=chosen, use_formulas=False)),
            ("form + formulas + 300 archive reports", small_corpus(args.test_seed, archive=300, threshold=chosen))]
    print(small_table(rows))
    rv = test["verified"]
    print(f"\naligned per query on test: mean {sum(rv) / len(rv):.1f}, max {max(rv)} of {test['n_docs']} reports")


if __name__ == "__main__":
    main()
