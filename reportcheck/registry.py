"""The rule registry: stable codes, names, severities, documentation, selection.

A rule is a function ``(analysis, ctx) -> Iterable[Finding]`` declared with
``@rule("RC101")``. Its name, default severity, messages, suggestion and
documentation come from ``data/rules.toml`` (one entry per code), so that the
code holds logic and the data file holds words. Selection follows flake8:
codes or rule names, prefixes allowed ("RC1", "RC"), the longest matching
prefix wins between ``select`` and ``ignore``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from .model import Analysis, Finding, Msg

RuleFunc = Callable[[Analysis, "Context"], Iterable[Finding]]


@lru_cache(maxsize=1)
def rule_texts() -> dict:
    path = resources.files("reportcheck.data").joinpath("rules.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def i18n() -> dict:
    path = resources.files("reportcheck.data").joinpath("i18n.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


def label(group: str, key: str, lang: str = "vi") -> str:
    pair = i18n()[group].get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def label_msg(group: str, key: str) -> Msg:
    return Msg(label(group, key, "vi"), label(group, key, "en"))


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: str
    func: RuleFunc = field(repr=False, compare=False)
    scope: str = "document"  # document / batch (needs the whole run)

    @property
    def texts(self) -> dict:
        return rule_texts()[self.code]

    def text(self, key: str, lang: str = "vi") -> str:
        pair = self.texts[key]
        return pair[1] if lang == "en" else pair[0]


REGISTRY: dict[str, Rule] = {}


def rule(code: str, *, scope: str = "document") -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function under ``code`` (texts from rules.toml)."""

    def deco(func: RuleFunc) -> RuleFunc:
        texts = rule_texts().get(code)
        if texts is None:
            raise KeyError(f"rule {code} has no entry in data/rules.toml")
        if code in REGISTRY:
            raise KeyError(f"rule {code} registered twice")
        REGISTRY[code] = Rule(code, texts["name"], texts["severity"], func, scope)
        return func

    return deco


def all_rules() -> list[Rule]:
    from . import rules  # noqa: F401  (imports the rule modules, filling REGISTRY)

    return [REGISTRY[c] for c in sorted(REGISTRY)]


def find_rule(key: str) -> Rule | None:
    for r in all_rules():
        if key.upper() == r.code or key.lower() == r.name:
            return r
    return None


class _Fmt(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(slots=True)
class Context:
    """What a rule gets beside the analysis: thresholds, corpus matches, and a finding factory."""

    thresholds: dict = field(default_factory=dict)
    extras: dict = field(default_factory=dict)  # e.g. reuse matches, prior analysis

    def finding(
        self,
        code: str,
        *,
        paragraph: int | None = None,
        section: str | None = None,
        evidence: str | None = None,
        vi: dict | None = None,
        en: dict | None = None,
        extra: dict | None = None,
        **params: object,
    ) -> Finding:
        """Build a finding whose message and suggestion come from rules.toml.

        ``params`` fill both languages; ``vi``/``en`` give per-language values.
        """
        r = REGISTRY[code]
        t = r.texts
        pv = _Fmt({**params, **(vi or {})})
        pe = _Fmt({**params, **(en or {})})
        msg = Msg(t["message"][0].format_map(pv), t["message"][1].format_map(pe))
        sug = Msg(t["suggestion"][0].format_map(pv), t["suggestion"][1].format_map(pe)) if "suggestion" in t else None
        if evidence is not None and len(evidence) > 400:
            evidence = evidence[:397] + "..."
        return Finding(
            code=code, rule=r.name, severity=r.severity, message=msg, section=section,
            paragraph=paragraph, evidence=evidence, suggestion=sug,
            extra=tuple(sorted((extra or {}).items())),
        )


@dataclass(frozen=True, slots=True)
class Selection:
    """select / ignore by code, prefix or rule name; the longest prefix wins (flake8)."""

    select: tuple[str, ...] = ("RC",)
    ignore: tuple[str, ...] = ()

    @staticmethod
    def _norm(items: Iterable[str]) -> tuple[str, ...]:
        out = []
        for item in items:
            item = item.strip()
            if not item:
                continue
            r = find_rule(item) if not item.upper().startswith("RC") else None
            out.append(r.code if r else item.upper())
        return tuple(out)

    @classmethod
    def make(cls, select=None, ignore=None, extend_select=(), extend_ignore=()) -> "Selection":
        sel = cls._norm(select) if select else ("RC",)
        ign = cls._norm(ignore) if ignore else ()
        return cls(sel + cls._norm(extend_select), ign + cls._norm(extend_ignore))

    def enabled(self, code: str) -> bool:
        sel = max((s for s in self.select if code.startswith(s)), key=len, default=None)
        if sel is None:
            return False
        ign = max((s for s in self.ignore if code.startswith(s)), key=len, default=None)
        return ign is None or len(sel) > len(ign)

    def unknown(self) -> list[str]:
        codes = [r.code for r in all_rules()]
        return [s for s in self.select + self.ignore if not any(c.startswith(s) for c in codes)]
