"""Form rubrics: the parts each official form asks for, kept as data.

One TOML file per form in ``reportcheck/data/rubrics/``. A rubric is a tree
of heading *nodes*; each node lists typical heading wordings (``variants``),
folded key nouns (``keys``, at least ``min_keys`` of which must occur in a
heading) and the section ids it ``covers``. ``covers_alone`` are covered only
when none of the node's children was found (a combined "II. Hạn chế, khuyết
điểm và nguyên nhân" with no "1./2." sub-items covers both limitations and
causes). A rubric may ``extends`` another, adding nodes (``after``) and
required sections (``required_add``) or makes some optional (``required_drop``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from .text.normalize import fold

ALL_SECTION_IDS = (
    "header", "ideology", "ethics", "lifestyle", "discipline", "working_style", "task_results",
    "commitment", "leadership", "innovation", "exemplary", "principles", "targets", "party_building",
    "political_tasks", "limitations", "causes", "prior_remediation", "suggested_issues",
    "collective_responsibility", "remedies", "self_rating",
)

# (form, kind) -> rubric file stem
RUBRIC_FOR = {
    ("2019", "member"): "2019-member",
    ("2019", "leader"): "2019-member",  # one form for everyone in 2019 (HD 21)
    ("2023", "member"): "2023-member",
    ("2023", "leader"): "2023-leader",
    ("2025", "member"): "2025-member",
    ("2025", "leader"): "2025-leader",
    ("2019", "collective"): "collective",
    ("2023", "collective"): "collective",
    ("2025", "collective"): "collective",
    ("legacy", "member"): "legacy",
    ("legacy", "leader"): "legacy",
    ("legacy", "collective"): "collective",
    ("2025", "member-2c"): "2025-2c",
}


@dataclass(frozen=True, slots=True, eq=False)
class Node:
    """A heading of the form (identity-hashed: nodes are loaded once per rubric)."""

    key: str
    parent: str | None
    depth: int
    covers: tuple[str, ...]
    covers_alone: tuple[str, ...]
    covers_alone_if: tuple[tuple[str, tuple[str, ...]], ...]  # section id -> folded words the heading must contain
    variants: tuple[str, ...]  # folded
    keys: tuple[str, ...]  # folded
    min_keys: int
    excludes: tuple[str, ...]
    order: int
    label: str | None = None  # the number the form prints for this part ("III", "2")


@dataclass(frozen=True, slots=True)
class Rubric:
    stem: str
    form: str
    kind: str
    name: str
    citation: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    nodes: tuple[Node, ...]
    by_key: dict = field(default_factory=dict, compare=False, hash=False)
    ancestors_of: dict = field(default_factory=dict, compare=False, hash=False)
    # folded heading -> the nodes its wording scores above 0 against, with that score (segment._wording_scores)
    wording_scores: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def children(self, key: str | None) -> list[Node]:
        return [n for n in self.nodes if n.parent == key]

    def ancestors(self, key: str) -> list[str]:
        cached = self.ancestors_of.get(key)
        if cached is not None:
            return cached
        out = []
        node = self.by_key.get(key)
        while node is not None and node.parent:
            out.append(node.parent)
            node = self.by_key.get(node.parent)
        self.ancestors_of[key] = out
        return out

    def sections_of(self, node: Node) -> tuple[str, ...]:
        return node.covers or node.covers_alone


def _read(stem: str) -> dict:
    path = resources.files("reportcheck.data.rubrics").joinpath(f"{stem}.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _merge(stem: str) -> dict:
    data = _read(stem)
    base_stem = data.get("extends")
    if not base_stem:
        return data
    base = _merge(base_stem)
    nodes = list(base.get("node", []))
    for new in data.get("node", []):
        keys = [n["key"] for n in nodes]
        if new["key"] in keys:
            nodes[keys.index(new["key"])] = new
            continue
        after = new.get("after")
        pos = len(nodes)
        if after in keys:
            pos = keys.index(after) + 1
        nodes.insert(pos, new)
    merged = {**base, **{k: v for k, v in data.items() if k not in ("node", "extends")}}
    merged["node"] = nodes
    if "required" not in data:
        dropped = set(data.get("required_drop", ()))
        merged["required"] = [sid for sid in list(base.get("required", [])) + list(data.get("required_add", []))
                              if sid not in dropped]
        if dropped:
            merged["optional"] = list(base.get("optional", [])) + sorted(dropped)
    return merged


@lru_cache(maxsize=None)
def load_rubric(stem: str) -> Rubric:
    data = _merge(stem)
    raw_nodes = data["node"]
    parents = {n["key"]: n.get("parent") or None for n in raw_nodes}

    def depth(key: str) -> int:
        d = 1
        while parents.get(key):
            key = parents[key]
            d += 1
        return d

    nodes = tuple(
        Node(
            key=n["key"],
            parent=n.get("parent") or None,
            depth=depth(n["key"]),
            covers=tuple(n.get("covers", ())),
            covers_alone=tuple(n.get("covers_alone", ())),
            covers_alone_if=tuple((k, tuple(fold(w) for w in v)) for k, v in sorted(n.get("covers_alone_if", {}).items())),
            variants=tuple(fold(v) for v in n.get("variants", ())),
            keys=tuple(fold(k) for k in n.get("keys", ())),
            min_keys=int(n.get("min_keys", 1)),
            excludes=tuple(fold(k) for k in n.get("excludes", ())),
            order=i,
            label=n.get("label"),
        )
        for i, n in enumerate(raw_nodes)
    )
    for node in nodes:
        for sid in node.covers + node.covers_alone:
            if sid not in ALL_SECTION_IDS:
                raise ValueError(f"rubric {stem}: node {node.key} covers unknown section {sid!r}")
    rubric = Rubric(
        stem=stem,
        form=data["form"],
        kind=data["kind"],
        name=data["name"],
        citation=data["citation"],
        required=tuple(data.get("required", ())),
        optional=tuple(data.get("optional", ())),
        nodes=nodes,
    )
    rubric.by_key.update({n.key: n for n in nodes})
    return rubric


def rubric_for(form: str, kind: str, variant: str | None = None) -> Rubric:
    stem = RUBRIC_FOR.get((form, f"{kind}-{variant}")) if variant else None
    stem = stem or RUBRIC_FOR.get((form, kind))
    if stem is None:
        stem = "collective" if kind == "collective" else "2023-member"
    return load_rubric(stem)


def all_rubric_stems() -> list[str]:
    return sorted(set(RUBRIC_FOR.values()))


@lru_cache(maxsize=1)
def form_wording() -> tuple[str, ...]:
    """Every heading wording of every rubric, as written: the forms' own text (boilerplate for copy detection)."""
    out: list[str] = []
    for stem in all_rubric_stems():
        for node in _merge(stem)["node"]:
            out.extend(node.get("variants", ()))
    return tuple(dict.fromkeys(out))
