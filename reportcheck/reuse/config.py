"""Settings of the copy detector, read from ``reportcheck/data/reuse.toml``.

Everything numeric lives in the TOML file (data, not code). ``ReuseConfig``
is a frozen view of it; :func:`load_config` reads the packaged file or any
other path, and keyword overrides (``CorpusIndex(threshold=0.5)``) replace
single values.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "reuse.toml"


@dataclass(frozen=True)
class ReuseConfig:
    """All settings; every field comes from reuse.toml (no defaults in code)."""

    # [index]
    shingle: int
    num_perm: int
    lsh_threshold: float
    seed: int
    max_unit_tokens: int
    min_clause_tokens: int
    min_index_unit_tokens: int
    min_zone_shingles: int
    df_sample: int
    boilerplate_df: float
    boilerplate_min_docs: int
    boilerplate_min_corpus: int
    max_postings: int
    max_verify: int
    min_candidate: float
    member_priors: bool
    min_member_candidate: float
    cache_size: int
    # [score]
    threshold: float
    section_flag: tuple[str, ...]
    section_threshold: float
    section_min_tokens: int
    credit_low: float
    credit_high: float
    passage_min: float
    verbatim: float
    reorder_gap: float
    min_shared_shingles: float
    min_content: float
    report_min: float
    is_boilerplate_share: float
    # [boilerplate]
    use_formulas: bool
    formulas: tuple[str, ...]
    # [weights] (default = weights.default), [zones] (section -> zone)
    weights: Mapping[str, float]
    default_weight: float
    zones: Mapping[str, str]

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
    missing = {f.name for f in fields(ReuseConfig)} - set(kw)
    if missing:
        raise ValueError(f"reuse.toml: missing key(s): {', '.join(sorted(missing))}")
    return ReuseConfig(**kw)


@lru_cache(maxsize=8)
def _load(path: str) -> ReuseConfig:
    with open(path, "rb") as fh:
        return _from_toml(tomllib.load(fh))


def load_config(path: str | Path | None = None) -> ReuseConfig:
    """Read ``reuse.toml`` (the packaged one when ``path`` is None)."""
    return _load(str(Path(path) if path is not None else DATA_FILE))
