"""Sentences, their roles and cue look-ups.

Sentence splitting and tokens: Vietnamese is written in space-separated
syllables, so a syllable tokenizer (words = runs of letters/digits) is exact
for our needs; sentence boundaries are ``. ! ?`` before a capital, digit or
bullet, never inside numbers ("30.6", "1.000") or after short abbreviations
("TP.", "ThS."). See the README for the measurement against spaCy/pyvi.

Roles come from the sentence-role classifier (``models/roles.json``, a
linear model trained by ``reportcheck train``) combined with a prior from
the section the sentence is in.
"""

from __future__ import annotations

import json
import math
import os
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from .model import Analysis, Sentence
from .segment import is_form_line
from .text.normalize import _CONTROL_RE, _NOT_PLAIN_VI_RE, fold, fold_word, phrase_pattern

_SENT_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+(?=[\"'(\[]?[A-ZĐÀ-Ỹ0-9\-+•*])")
_ABBREV = re.compile(r"(?:\b(?:TP|Q|P|ThS|TS|PGS|GS|BS|CN|KS|Th\.S|v\.v|St|Mr|Mrs|Dr|No|Tp|đ/c|Đ/c|UBND|HĐND)\.)$"
                     # a name's initial ("điều dưỡng Nguyễn Thị H.", "đồng chí H."), not "xếp loại A."
                     r"|(?:\b[A-ZĐÀ-Ỹ]\w*|\b(?:đồng chí|đ/c|Đ/c|ông|bà|anh|chị|em|cháu|cô|thầy|chú|bác|Ms|Mr|Mrs))\s+[A-ZĐ]\.$")
ROLES = ("achievement", "shortcoming", "cause", "remedy", "other")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of one paragraph."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        piece = text[start:m.start()].rstrip()
        if _ABBREV.search(piece):
            continue
        if piece:
            spans.append((start, start + len(piece)))
        start = m.end()
    tail = text[start:].strip()
    if tail:
        spans.append((start, start + len(text[start:].rstrip())))
    return spans


_TOKEN = re.compile(r"\w+", re.UNICODE)
_DIGIT = re.compile(r"\d")
_TWO_TOKENS = re.compile(r"\w\W+\w")  # at least two tokens


def tokens(text: str) -> list[str]:
    """Lower-cased syllables with their diacritics (NFC), digits collapsed to 0."""
    low = text.lower()
    if _DIGIT.search(low):  # a digit is a word character, and so is 0: the same tokens, digits replaced
        low = _DIGIT.sub("0", low)
    return _TOKEN.findall(low)


def features(text: str) -> list[str]:
    """Syllable unigrams and bigrams, plus folded unigrams (robust to missing accents)."""
    toks = tokens(text)
    feats = [f"u:{t}" for t in toks]
    feats += [f"b:{a} {b}" for a, b in zip(toks, toks[1:])]
    feats += [f"f:{t}" for t in tokens(fold(text))]
    return feats


def models_dir() -> Path:
    env = os.environ.get("REPORTCHECK_MODELS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "models"


@dataclass(frozen=True, slots=True)
class RoleModel:
    """A linear classifier stored as JSON (no pickle): tf-idf weights + coefficients."""

    classes: tuple[str, ...]
    index: dict[str, int]  # feature -> row
    idf: np.ndarray  # (features,)
    coef: np.ndarray  # (features, classes)
    intercept: np.ndarray  # (classes,)
    # ``index`` split by feature kind ("u:", "b:", "f:"), keyed without the prefix (see scores)
    by_kind: tuple[dict[str, int], dict[str, int], dict[str, int]] = field(init=False, repr=False, compare=False)
    # the bigrams keyed by their two tokens ("b:a b" -> ("a", "b")): no string is joined to look one up
    _bigrams: dict[tuple[str, ...], int] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        kinds: dict[str, dict[str, int]] = {"u": {}, "b": {}, "f": {}}
        for f, i in self.index.items():
            k = kinds.get(f[:1])
            if k is not None and f[1:2] == ":":
                k[f[2:]] = i
        object.__setattr__(self, "by_kind", (kinds["u"], kinds["b"], kinds["f"]))
        object.__setattr__(self, "_bigrams", {tuple(k.split(" ")): i for k, i in kinds["b"].items()})

    @classmethod
    def load(cls, path: Path) -> "RoleModel":
        data = json.loads(path.read_text(encoding="utf-8"))
        vocab = data["vocabulary"]
        return cls(
            classes=tuple(data["classes"]),
            index={f: i for i, f in enumerate(vocab)},
            idf=np.asarray(data["idf"], dtype=np.float64),
            coef=np.asarray(data["coef"], dtype=np.float64).T.copy(),
            intercept=np.asarray(data["intercept"], dtype=np.float64),
        )

    def _rows(self, text: str) -> Counter:
        """The rows of features(text) in the index with their counts, in order of first occurrence (the
        order of the sums in :meth:`scores_many`): looked up by kind, without building the prefixed strings."""
        uni, bi, fol = self.by_kind
        toks = tokens(text)
        feats = list(map(uni.get, toks))
        feats += map(self._bigrams.get, zip(toks, toks[1:]))
        feats += map(fol.get, _folded_tokens(text, toks))
        counts = Counter(feats)
        counts.pop(None, None)
        return counts

    def scores(self, text: str) -> dict[str, float]:
        return self.scores_many([text])[0]

    def scores_many(self, texts) -> list[dict[str, float]]:
        """:meth:`scores` of each text. The element-wise steps (tf, idf) run once over every text's features;
        each text's norm and product with the coefficients are the same BLAS calls on the same values as for
        that text alone (slices of the arrays of all), so each score is the same to the bit."""
        rows: list[int] = []
        counts: list[int] = []
        bounds = [0]
        for text in texts:
            c = self._rows(text)
            rows += c
            counts += c.values()
            bounds.append(len(rows))
        out: list[dict[str, float]] = []
        if not rows:
            return [dict(zip(self.classes, self.intercept.tolist())) for _ in texts]
        at = np.array(rows, dtype=np.int64)
        w = (1.0 + np.log(np.array(counts, dtype=np.float64))) * self.idf[at]
        coef = self.coef[at]
        sums = []
        for a, b in zip(bounds, bounds[1:]):
            if a == b:
                sums.append(None)
                continue
            v = w[a:b]
            v = v / (np.sqrt(v @ v) or 1.0)
            sums.append(v @ coef[a:b])
        for s in sums:
            out.append(dict(zip(self.classes, (self.intercept if s is None else self.intercept + s).tolist())))
        return out


def _folded_tokens(text: str, toks: list[str]) -> list[str]:
    """``tokens(fold(text))`` given ``toks = tokens(text)``. Text of ASCII, đ/Đ and Vietnamese letters only,
    without control characters (which fold() removes, joining the words around them): every character
    folds to one ASCII character, a letter to a letter, so the words are the same and each folds alone."""
    if _NOT_PLAIN_VI_RE.search(text) is None and _CONTROL_RE.search(text) is None:
        return list(map(fold_word, toks))
    return tokens(fold(text))


@lru_cache(maxsize=1)
def role_model() -> RoleModel | None:
    path = models_dir() / "roles.json"
    if not path.is_file():
        return None
    return RoleModel.load(path)


@lru_cache(maxsize=1)
def lexicon() -> dict:
    path = resources.files("reportcheck.data").joinpath("lexicon/cues.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data["time"]["_re"] = [re.compile(p) for p in data["time"]["patterns"]]
    data["time"]["_any"] = _any_of(data["time"]["patterns"])
    return data


@lru_cache(maxsize=4)
def writer_words(english: bool = False, bound: bool = False) -> str:
    """The words naming the writer (``[writer]`` in cues.toml), folded, as a regex alternation: Vietnamese
    only, or with the English ones; ``bound``: the pattern puts them right after a word that makes them a
    pronoun ("của", "do", "đối với"), where "mình" is one too."""
    words = lexicon()["writer"]
    listed = [*words["vi"], *(words["vi_bound"] if bound else ()), *(words["en"] if english else ())]
    return "|".join(re.escape(w) for w in sorted(listed, key=len, reverse=True))


def _opens_at_boundary(pattern: str) -> bool:
    """``pattern`` is ``\\b`` then the rest as one sequence: r"\\bfoo|bar" is not (no \\b before "bar")."""
    if not pattern.startswith(r"\b"):
        return False
    from re import _parser  # (the parser of the re module: what the pattern is, not what it looks like)

    try:
        parsed = _parser.parse(pattern)
    except re.error:
        return False
    return len(parsed) > 0 and parsed[0] == (_parser.AT, _parser.AT_BOUNDARY)


def _any_of(patterns: list[str]) -> re.Pattern | None:
    """One pattern that matches where any of ``patterns`` does (their alternation), None when they refer
    back to their own groups (numbered in each alone, not in the alternation)."""
    if not patterns or any(re.search(r"\\[1-9]|\(\?P=", p) for p in patterns):
        return None
    # the patterns opening at a word boundary share one \b: at the positions that are none (most of them) the
    # alternation fails once instead of once per pattern (the time expressions' prefilter: 2x faster)
    bounded = [p[2:] for p in patterns if _opens_at_boundary(p)]
    rest = [f"(?:{p})" for p in patterns if not _opens_at_boundary(p)]
    if bounded:
        rest.insert(0, r"\b(?:" + "|".join(f"(?:{p})" for p in bounded) + ")")
    return re.compile("|".join(rest))


@lru_cache(maxsize=1)
def section_priors() -> dict:
    path = resources.files("reportcheck.data").joinpath("lexicon/priors.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


def has_phrase(text_fold: str, phrases) -> str | None:
    """The phrase of ``phrases`` found in folded text (word boundaries), else None."""
    for p in phrases:  # most texts contain none of the phrases: stop at the first substring found
        if p.strip() in text_fold:
            break
    else:
        return None
    candidates = tuple(p for p in phrases if p.strip() in text_fold)  # cheap substring pre-filter
    m = phrase_pattern(candidates).search(text_fold)
    return m.group(0).strip() if m else None


def deadline_spans(text_fold: str) -> list[tuple[int, int, str]]:
    """Time expressions in folded text as (start, end, text), in order."""
    lex = lexicon()["time"]
    if lex["_any"] is not None and lex["_any"].search(text_fold) is None:
        return []  # (most clauses name no time: one search instead of one per pattern)
    out = []
    for r in lex["_re"]:
        out.extend((m.start(), m.end(), m.group(0)) for m in r.finditer(text_fold))
    return sorted(out)


@lru_cache(maxsize=8192)
def classify(text: str, section: str | None) -> str:
    """Role of a sentence: classifier scores + a log-prior from its section."""
    return classify_many([(text, section)])[0]


_SCORES: dict[str, dict[str, float]] = {}  # sentence -> its classifier scores (this process)
_SCORES_MAX = 8192


def classify_many(items: list[tuple[str, str | None]]) -> list[str]:
    """:func:`classify` of several (sentence, section): the sentences not scored yet in this process are
    scored together (:meth:`RoleModel.scores_many`); a sentence's scores are kept (up to ``_SCORES_MAX``,
    then the table starts again), whatever section it was in."""
    model = role_model()
    if model is None:
        priors = section_priors()
        out = []
        for _text, section in items:
            prior = priors.get(section or "", priors.get("default", {}))
            out.append(max(ROLES, key=lambda r: prior.get(r, 0.0)))
        return out
    scores = {t: _SCORES.get(t) for t, _ in items}
    new = [t for t, sc in scores.items() if sc is None]
    if new:
        if len(_SCORES) + len(new) > _SCORES_MAX:
            _SCORES.clear()
        for t, sc in zip(new, model.scores_many(new)):
            scores[t] = _SCORES[t] = sc
    out = []
    for text, section in items:
        s = scores[text]
        lp = _log_prior(section)
        out.append(max(model.classes, key=lambda r: s[r] + lp[r]))
    return out


@lru_cache(maxsize=256)
def _log_prior(section: str | None) -> dict[str, float]:
    """weight * log(prior) of each role in ``section`` (computed once per section, not per sentence)."""
    model = role_model()
    priors = section_priors()
    prior = priors.get(section or "", priors.get("default", {}))
    weight = priors.get("weight", 1.0)
    return {r: weight * math.log(prior.get(r, 0.05)) for r in model.classes}


def annotate(analysis: Analysis) -> None:
    """Split the body into sentences and give each a role (the report's sentences classified together)."""
    found: list[tuple[int, int, int, str, str]] = []
    skip = {"header", "self_rating"}
    for p in analysis.document.paragraphs:
        section = analysis.paragraph_section.get(p.index)
        if section in skip or section is None:
            continue
        body = analysis.para_body(p.index)
        if not body:
            continue
        offset = p.text.find(body) if body != p.text else 0
        offset = max(offset, 0)
        for a, b in split_sentences(body):
            text = body[a:b]
            if not _TWO_TOKENS.search(text) or is_form_line(text):
                continue
            found.append((p.index, offset + a, offset + b, text, section))
    roles = classify_many([(f[3], f[4]) for f in found])
    analysis.sentences = [Sentence(i, a, b, text, section, role) for (i, a, b, text, section), role in zip(found, roles)]
