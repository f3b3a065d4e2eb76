"""``reportcheck eval``: precision and recall per rule on the labelled corpus.

Labels live in the front matter of ``corpora/src/*.rpt`` (``[expect]``);
the built reports are in ``corpora/reports/``. A rule counts once per report:
true positive when a reviewer raised it and the tool did, false positive when
only the tool did, false negative when only the reviewer did. Sections marked
missing, ratings and the verdict are scored the same way.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .io import read_document
from .pipeline import check_document
from .registry import all_rules
from .text.normalize import normalize


@dataclass
class Labelled:
    name: str
    split: str
    meta: dict
    expect: dict
    path: Path


def load_labels(corpus: Path, split: str | None = None) -> list[Labelled]:
    out = []
    for src in sorted((corpus / "src").glob("*.rpt")):
        text = src.read_text(encoding="utf-8")
        parts = text.split("+++")
        if len(parts) < 3:
            continue
        meta = tomllib.loads(parts[1])
        if split and meta.get("split") != split:
            continue
        built = [p for p in (corpus / "reports" / f"{src.stem}.docx", corpus / "reports" / f"{src.stem}.txt") if p.is_file()]
        if not built:
            continue
        out.append(Labelled(src.stem, meta.get("split", "dev"), meta, meta.get("expect", {}), built[0]))
    return out


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    examples: list = field(default_factory=list)

    def add(self, expected: bool, got: bool, name: str) -> None:
        if expected and got:
            self.tp += 1
        elif got:
            self.fp += 1
            self.examples.append(f"FP {name}")
        elif expected:
            self.fn += 1
            self.examples.append(f"FN {name}")

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def evaluate(corpus: Path, split: str | None = None) -> dict:
    labelled = load_labels(corpus, split)
    # RC3xx compare a report with others: scored on the prior-year pairs (evaluate_pairs)
    rule_names = [r.name for r in all_rules() if r.scope == "document" and not r.code.startswith("RC3")]
    per_rule = {n: Counts() for n in rule_names}
    sections, verdict, ratings = Counts(), {"right": 0, "total": 0}, {"right": 0, "total": 0}
    kinds = {"right": 0, "total": 0}
    forms = {"right": 0, "total": 0}
    by_author: dict[str, Counts] = {}
    for item in labelled:
        result = check_document(read_document(item.path))
        fired = {f.rule for f in result.findings}
        expected = set(item.expect.get("findings", []))
        author = by_author.setdefault(str(item.meta.get("author", "?")), Counts())
        for n in rule_names:
            per_rule[n].add(n in expected, n in fired, item.name)
            author.add(n in expected, n in fired, f"{item.name}:{n}")
        a = result.analysis
        missing_expected = set(item.expect.get("missing", []))
        missing_got = {f.section for f in result.findings if f.rule == "missing-section"}
        for sid in sorted(missing_expected | missing_got):
            sections.add(sid in missing_expected, sid in missing_got, f"{item.name}:{sid}")
        verdict["total"] += 1
        verdict["right"] += result.verdict == item.expect.get("verdict")
        for key, got in (("party", a.rating.party), ("civil_servant", a.rating.civil_servant)):
            want = item.expect.get(key)
            if want is None:
                continue
            ratings["total"] += 1
            ratings["right"] += (want == "none" and got is None) or want == got
        kinds["total"] += 1
        kinds["right"] += a.kind == item.meta.get("kind")
        forms["total"] += 1
        forms["right"] += a.form == str(item.meta.get("form"))
    return {"reports": len(labelled), "rules": per_rule, "missing_sections": sections, "verdict": verdict,
            "ratings": ratings, "kinds": kinds, "forms": forms, "authors": dict(sorted(by_author.items()))}


def _fmt(x: float | None) -> str:
    return "  –  " if x is None else f"{x:5.2f}"


def render(report: dict, verbose: bool = False) -> str:
    lines = [f"reports: {report['reports']}", "", f"{'rule':<36} {'TP':>3} {'FP':>3} {'FN':>3}  precision  recall"]
    for name, c in report["rules"].items():
        lines.append(f"{name:<36} {c.tp:>3} {c.fp:>3} {c.fn:>3}    {_fmt(c.precision)}    {_fmt(c.recall)}")
        if verbose:
            lines.extend(f"      {e}" for e in c.examples)
    s = report["missing_sections"]
    lines.append(f"{'(sections reported missing)':<36} {s.tp:>3} {s.fp:>3} {s.fn:>3}    {_fmt(s.precision)}    {_fmt(s.recall)}")
    if verbose:
        lines.extend(f"      {e}" for e in s.examples)
    for key in ("verdict", "ratings", "kinds", "forms"):
        v = report[key]
        acc = v["right"] / v["total"] if v["total"] else 0
        lines.append(f"{key} accuracy: {v['right']}/{v['total']} = {acc:.2f}")
    if len(report.get("authors", {})) > 1:  # how the rules hold up across the hands that wrote the reports
        lines += ["", f"{'writer (all rules)':<36} {'TP':>3} {'FP':>3} {'FN':>3}  precision  recall"]
        for name, c in report["authors"].items():
            lines.append(f"{name:<36} {c.tp:>3} {c.fp:>3} {c.fn:>3}    {_fmt(c.precision)}    {_fmt(c.recall)}")
    return "\n".join(lines) + "\n"


def evaluate_pairs(corpus: Path) -> dict:
    """Copy detection and follow-through on labelled prior-year pairs (``corpora/pairs.toml``).

    copied-from-prior is scored on every pair (copy / partial: should fire; rewritten / followup:
    should not); prior-shortcomings-unaddressed on the followup pairs, whose dropped limitations
    are listed, one count per prior limitation.
    """
    from .batch import run

    path = corpus / "pairs.toml"
    if not path.is_file():
        return {}
    pairs = tomllib.loads(path.read_text(encoding="utf-8")).get("pair", [])
    built = {p.stem: p for p in (corpus / "reports").iterdir()}
    copy, follow = Counts(), Counts()
    sims: dict[str, list[float]] = {}
    for pair in pairs:
        cur, prior = built.get(pair["current"]), built.get(pair["prior"])
        if cur is None or prior is None:
            continue
        result = run([str(cur)], prior=str(prior)).results[0]
        match = result.extras["reuse"]["prior"]
        sims.setdefault(pair["kind"], []).append(match["similarity"] if match else 0.0)
        fired = any(f.rule == "copied-from-prior" for f in result.findings)
        copy.add(bool(pair["copied"]), fired, f"{pair['current']}<-{pair['prior']}")
        if pair["kind"] == "followup":
            got = {f.evidence for f in result.findings if f.rule == "prior-shortcomings-unaddressed"}
            expected = {normalize(d) for d in pair.get("dropped", [])}
            from .rules.content import _limitation_items
            from .pipeline import analyse
            from .io import read_document

            for item in _limitation_items(analyse(read_document(str(prior)))):
                follow.add(item.text in expected, item.text in got, item.text[:60])
    return {"pairs": len(pairs), "copied-from-prior": copy, "prior-shortcomings-unaddressed": follow, "similarity": sims}


def render_pairs(report: dict, verbose: bool = False) -> str:
    if not report:
        return ""
    lines = [f"prior-year pairs: {report['pairs']}", f"{'rule':<36} {'TP':>3} {'FP':>3} {'FN':>3}  precision  recall"]
    for name in ("copied-from-prior", "prior-shortcomings-unaddressed"):
        c = report[name]
        lines.append(f"{name:<36} {c.tp:>3} {c.fp:>3} {c.fn:>3}    {_fmt(c.precision)}    {_fmt(c.recall)}")
        if verbose:
            lines.extend(f"      {e}" for e in c.examples)
    for kind, values in sorted(report["similarity"].items()):
        lines.append(f"similarity to the prior, {kind:<9}: min {min(values):.2f}  max {max(values):.2f}  (n={len(values)})")
    return "\n".join(lines) + "\n"
