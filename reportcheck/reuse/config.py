"""Settings of the copy detector, read from ``reportcheck/data/reuse.toml``.

Everything numeric lives in the TOML file (data, not code). ``ReuseConfig``
is a frozen view of it; :func:`load_config` reads the packaged file or any
other path, and keyword overrides (``CorpusIndex(threshold=0.5)``) replace
single values.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "reuse.toml"


@dataclass(frozen=True)
class ReuseConfig:
    # [index]
    shingle: int = 4
    num_perm: int = 64
    lsh_threshold: float = 0.3
    seed: int = 1
    max_unit_tokens: int = 40
    min_clause_tokens: int = 6
    min_index_unit_tokens: int = 6
    min_zone_shingles: int = 12
    df_sample: int = 4000
    boilerplate_df: float = 0.05
    boilerplate_min_docs: int = 8
    boilerplate_min_corpus: int = 40
    max_postings: int = 500
    max_verify: int = 24
    min_candidate: float = 0.20
    member_priors: bool = True
    min_member_candidate: float = 0.10
    cache_size: int = 1024
    # [score]
    threshold: float = 0.40
    section_flag: tuple[str, ...] = ("limitations", "causes", "remedies", "prior_remediation")
    section_threshold: float = 0.65
    section_min_tokens: int = 40
    credit_low: float = 70.0
    credit_high: float = 90.0
    passage_min: float = 75.0
    verbatim: float = 98.0
    reorder_gap: float = 8.0
    min_shared_shingles: float = 0.15
    min_content: float = 100.0
    report_min: float = 0.05
    is_boilerplate_share: float = 0.8
    # [boilerplate]
    use_formulas: bool = True
    formulas: tuple[str, ...] = ()
    # [weights], [zones]
    weights: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    default_weight: float = 0.7
    zones: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # section -> zone

    def weight(self, section: str | None) -> float:
        if section is None:
            return self.default_weight
        return self.weights.get(section, self.default_weight)

    def zone(self, section: str | None) -> str:
        if section is None:
            return "other"
        return self.zones.get(section, "other")

    def with_overrides(self, **kw: Any) -> "ReuseConfig":
        kw = {k: v for k, v in kw.items() if v is not None}
        unknown = set(kw) - {f.name for f in fields(self)}
        if unknown:
            raise TypeError(f"unknown reuse setting(s): {', '.join(sorted(unknown))}")
        if "weights" in kw:
            w = dict(self.weights)
            w.update(kw["weights"])
            kw["weights"] = MappingProxyType(w)
        if "section_flag" in kw:
            kw["section_flag"] = tuple(kw["section_flag"])
        return replace(self, **kw)


def _from_toml(data: dict) -> ReuseConfig:
    known = {f.name for f in fields(ReuseConfig)}
    kw: dict[str, Any] = {}
    for table in ("index", "score"):
        for k, v in data.get(table, {}).items():
            if k not in known:
                raise ValueError(f"reuse.toml: unknown key [{table}] {k}")
            kw[k] = tuple(v) if isinstance(v, list) else v
    bp = data.get("boilerplate", {})
    kw["use_formulas"] = bool(bp.get("use_formulas", True))
    kw["formulas"] = tuple(bp.get("formulas", ()))
    weights = dict(data.get("weights", {}))
    if "default" in weights:
        kw["default_weight"] = float(weights.pop("default"))
    kw["weights"] = MappingProxyType({k: float(v) for k, v in weights.items()})
    zones: dict[str, str] = {}
    for zone, secs in sorted(data.get("zones", {}).items()):
        for s in secs:
            zones[s] = zone
    kw["zones"] = MappingProxyType(zones)
    return ReuseConfig(**kw)


@lru_cache(maxsize=8)
def _load(path: str) -> ReuseConfig:
    with open(path, "rb") as fh:
        return _from_toml(tomllib.load(fh))


def load_config(path: str | Path | None = None) -> ReuseConfig:
    """Read ``reuse.toml`` (the packaged one when ``path`` is None)."""
    return _load(str(Path(path) if path is not None else DATA_FILE))
