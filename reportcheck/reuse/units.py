"""Text units, shingles and boilerplate masks for copy detection.

A paragraph is cut into *units*: sentences (split after ``. ! ? ;``), and
sentences longer than ``max_unit_tokens`` syllables are cut again at commas
into clauses. Each unit keeps its character span in the paragraph so a
passage can be shown and anchored.

Tokens are folded syllables (:func:`reportcheck.text.normalize.fold`: no case,
no diacritics, đ -> d) with every number replaced by ``0``, so that a changed
year or count does not break a match. Shingles are ``shingle`` consecutive
tokens *inside one unit* (never across a sentence boundary, so reordering
sentences keeps every shingle); a unit shorter than that is one shingle.
All hashes are 64-bit, computed with blake2b and splitmix64: stable across
runs, processes and machines (Python's ``hash`` is never used).

:func:`tokenize` does the part that does not depend on the fitted corpus;
:func:`prepare` adds the boilerplate mask and the per-unit strings used for
alignment.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from hashlib import blake2b
from typing import Iterable, Sequence

import numpy as np

from reportcheck.text.normalize import fold, normalize

from .config import ReuseConfig

_SENT_END_RE = re.compile(r"(?<=[.!?;…])\s+")
_COMMA_RE = re.compile(r",\s+")
_TOKEN_RE = re.compile(r"\w+", re.UNICODE)
_DIGIT_RE = re.compile(r"\d")

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_K = np.uint64(0x100000001B3)  # FNV prime as polynomial base

_tok_cache: dict[str, tuple[str, int]] = {}


def _tok(raw: str) -> tuple[str, int]:
    """(folded token, its 64-bit hash) for a raw token, cached."""
    t = _tok_cache.get(raw)
    if t is None:
        f = "0" if _DIGIT_RE.search(raw) else fold(raw)
        t = (f, hash_str(f))
        if len(_tok_cache) > 500_000:
            _tok_cache.clear()
        _tok_cache[raw] = t
    return t


def hash_str(s: str) -> int:
    """Stable 64-bit hash of a string."""
    return int.from_bytes(blake2b(s.encode("utf-8"), digest_size=8).digest(), "little")


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser (vectorised, wrapping uint64 arithmetic)."""
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


@dataclass(slots=True)
class Unit:
    """One sentence or clause of a report."""

    paragraph: int
    section: str | None
    start: int  # character offsets into the paragraph text
    end: int
    text: str  # the normalised text of the unit (as written)
    tokens: list[str]  # folded syllables, numbers as "0"
    # filled by prepare():
    weight: float = 0.0
    mass: int = 0  # tokens outside boilerplate
    content: str = ""  # tokens outside boilerplate, joined by spaces (alignment string)
    key: int = 0  # exact hash of the whole token sequence
    shingles: np.ndarray | None = None  # non-boilerplate shingle hashes of the unit (unique, sorted)


@dataclass(slots=True)
class Tokens:
    """The corpus-independent analysis of one document."""

    units: list[Unit]
    tok_unit: np.ndarray  # int32 unit index per token
    sh_hash: np.ndarray  # uint64 shingle hashes (in text order)
    sh_start: np.ndarray  # int32 first token of each shingle
    sh_len: np.ndarray  # int32 tokens in each shingle
    sh_unit: np.ndarray  # int32 unit of each shingle
    unit_keys: np.ndarray  # uint64 exact hash per unit
    para_text: dict[int, str]  # paragraph index -> normalised text


@dataclass(slots=True)
class Prepared:
    """A document ready to be aligned: units with boilerplate masked."""

    units: list[Unit]
    n_tokens_weighted: float
    bp_tokens_weighted: float
    content_weight: float  # sum of weight * mass
    para_text: dict[int, str]
    sh_unit: np.ndarray  # non-boilerplate shingles, unique per unit, sorted by (unit, hash)
    sh_hash: np.ndarray

    @property
    def boilerplate_share(self) -> float:
        return self.bp_tokens_weighted / self.n_tokens_weighted if self.n_tokens_weighted else 0.0


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    for m in _SENT_END_RE.finditer(text):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans


def _clauses(text: str, a: int, b: int, cfg: ReuseConfig) -> list[tuple[int, int]]:
    """Cut the long sentence ``text[a:b]`` at commas into clauses of >= min_clause_tokens tokens."""
    toks = [(m.start(), m.end()) for m in _TOKEN_RE.finditer(text, a, b)]
    out: list[tuple[int, int]] = []
    start = 0
    for t in range(len(toks) - 1):
        if t + 1 - start >= cfg.min_clause_tokens and "," in text[toks[t][1]:toks[t + 1][0]]:
            out.append((start, t + 1))
            start = t + 1
    if start < len(toks):
        if len(toks) - start < cfg.min_clause_tokens and out:
            out[-1] = (out[-1][0], len(toks))
        else:
            out.append((start, len(toks)))
    spans = []
    for k, (i, j) in enumerate(out):
        ca = a if k == 0 else toks[i][0]
        cb = b if k == len(out) - 1 else toks[j - 1][1] + (1 if text[toks[j - 1][1]] == "," else 0)
        spans.append((ca, cb))
    return spans


def split_units(text: str, cfg: ReuseConfig) -> list[tuple[int, int]]:
    """Character spans of the units (sentences, clauses of long sentences) of one paragraph."""
    out = []
    for a, b in _sentence_spans(text):
        n = len(_TOKEN_RE.findall(text, a, b))
        if n == 0:
            continue
        if n <= cfg.max_unit_tokens:
            out.append((a, b))
        else:
            out.extend(_clauses(text, a, b, cfg))
    return out


def tokenize(paragraphs: Iterable[tuple[int, str, str | None]], cfg: ReuseConfig,
             skip_zero_weight: bool = False) -> Tokens:
    """Units, tokens and shingles of a document (no corpus knowledge needed)."""
    n = cfg.shingle
    units: list[Unit] = []
    tok_hashes: list[int] = []
    ulens: list[int] = []
    para_text: dict[int, str] = {}
    cache_get = _tok_cache.get
    findall = _TOKEN_RE.findall
    for pidx, text, section in paragraphs:
        if not text:
            continue
        if skip_zero_weight and cfg.weight(section) <= 0:
            continue
        if not unicodedata.is_normalized("NFC", text):
            text = normalize(text)
        para_text[pidx] = text
        for a, b in _sentence_spans(text):
            raw = findall(text, a, b)
            if not raw:
                continue
            spans = [(a, b)] if len(raw) <= cfg.max_unit_tokens else _clauses(text, a, b, cfg)
            for ca, cb in spans:
                toks = raw if len(spans) == 1 else findall(text, ca, cb)
                ft = [cache_get(t) or _tok(t) for t in toks]
                units.append(Unit(pidx, section, ca, cb, text[ca:cb], [f for f, _ in ft]))
                tok_hashes.extend([h for _, h in ft])
                ulens.append(len(ft))
    T = len(tok_hashes)
    th = np.array(tok_hashes, dtype=np.uint64)
    lens = np.array(ulens, dtype=np.int64)
    ustart = np.zeros(len(lens), dtype=np.int64)
    if len(lens):
        ustart[1:] = np.cumsum(lens)[:-1]
    tu = np.repeat(np.arange(len(lens), dtype=np.int32), lens)
    # exact hash of each unit: position-keyed token hashes, summed (mod 2**64) per unit
    if T:
        pos = (np.arange(T, dtype=np.int64) - ustart[tu]).astype(np.uint64)
        with np.errstate(over="ignore"):
            v = mix64(th + pos * np.uint64(0x9E3779B97F4A7C15))
        keys = mix64(np.add.reduceat(v, ustart) ^ (lens.astype(np.uint64) << np.uint64(48)))
    else:
        keys = np.zeros(0, dtype=np.uint64)
    # shingles: n consecutive tokens inside one unit; a shorter unit is one shingle (its key)
    if T >= n:
        with np.errstate(over="ignore"):
            h = th[: T - n + 1].copy()
            for j in range(1, n):
                h = h * _K + th[j: T - n + 1 + j]
        valid = tu[: T - n + 1] == tu[n - 1:]
        starts = np.nonzero(valid)[0].astype(np.int32)
        hashes = mix64(h[valid])
    else:
        starts = np.zeros(0, dtype=np.int32)
        hashes = np.zeros(0, dtype=np.uint64)
    sh_len = np.full(len(starts), n, dtype=np.int32)
    short = np.nonzero(lens < n)[0]
    if len(short):
        st = np.concatenate([starts, ustart[short].astype(np.int32)])
        order = np.argsort(st, kind="stable")
        starts = st[order]
        hashes = np.concatenate([hashes, keys[short]])[order]
        sh_len = np.concatenate([sh_len, lens[short].astype(np.int32)])[order]
    sh_unit = tu[starts] if len(starts) else np.zeros(0, dtype=np.int32)
    return Tokens(units=units, tok_unit=tu, sh_hash=hashes, sh_start=starts, sh_len=sh_len,
                  sh_unit=sh_unit, unit_keys=keys, para_text=para_text)


def in_sorted(values: np.ndarray, sorted_arr: np.ndarray) -> np.ndarray:
    """Boolean mask: which ``values`` are in the sorted array ``sorted_arr``."""
    if len(sorted_arr) == 0 or len(values) == 0:
        return np.zeros(len(values), dtype=bool)
    idx = np.searchsorted(sorted_arr, values)
    idx[idx >= len(sorted_arr)] = 0
    return sorted_arr[idx] == values


def boilerplate_masks(tk: Tokens, bp_shingles: np.ndarray, bp_units: np.ndarray,
                      extra_shingles: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(token is boilerplate, shingle is boilerplate) for a tokenized document.

    A token is boilerplate when every shingle that covers it is (shingles stay inside one
    unit, so a unit made only of boilerplate shingles is wholly boilerplate, while a common
    collocation inside an own sentence keeps the tokens it shares with own context), or
    when its whole unit is a boilerplate sentence, or when any ``extra_shingles`` (the
    report's own header wording) covers it.
    """
    T = len(tk.tok_unit)
    sh_bp = in_sorted(tk.sh_hash, bp_shingles)
    unit_bp = in_sorted(tk.unit_keys, bp_units)
    # shingles covering each token, and how many of them are boilerplate (difference arrays)
    ends = tk.sh_start + tk.sh_len
    c = np.cumsum(np.bincount(tk.sh_start, minlength=T + 1)[:T] - np.bincount(ends, minlength=T + 1)[:T])
    if sh_bp.any():
        cb = np.cumsum(np.bincount(tk.sh_start[sh_bp], minlength=T + 1)[:T]
                       - np.bincount(ends[sh_bp], minlength=T + 1)[:T])
        tok_bp = (cb == c) & (c > 0)
    else:
        tok_bp = np.zeros(T, dtype=bool)
    if extra_shingles is not None and len(extra_shingles):
        # the report's own header wording (name, unit, place): any token it covers
        ex = in_sorted(tk.sh_hash, extra_shingles)
        if ex.any():
            ce = np.cumsum(np.bincount(tk.sh_start[ex], minlength=T + 1)[:T]
                           - np.bincount(ends[ex], minlength=T + 1)[:T])
            tok_bp |= ce > 0
            sh_bp |= ex
    if unit_bp.any():
        tok_bp |= unit_bp[tk.tok_unit]
        sh_bp |= unit_bp[tk.sh_unit]
    return tok_bp, sh_bp


def prepare(tk: Tokens, cfg: ReuseConfig, bp_shingles: np.ndarray, bp_units: np.ndarray) -> Prepared:
    """Mask boilerplate and build the per-unit alignment strings.

    Besides the corpus boilerplate, the wording of the report's own zero-weight parts
    (header, self-rating: name, unit, place, job) is boilerplate in its body, so that the
    same member's name and unit repeated in two years' reports do not read as copying.
    """
    units = tk.units
    weights = np.array([cfg.weight(u.section) for u in units], dtype=np.float64)
    own = np.nonzero(weights <= 0)[0]
    extra = np.unique(tk.sh_hash[np.isin(tk.sh_unit, own)]) if len(own) else None
    tok_bp, sh_bp = boilerplate_masks(tk, bp_shingles, bp_units, extra)
    # non-boilerplate shingles, unique per unit, grouped by unit
    keep = ~sh_bp
    sh_u = tk.sh_unit[keep]
    sh_h = tk.sh_hash[keep]
    if len(sh_u):
        order = np.lexsort((sh_h, sh_u))
        sh_u, sh_h = sh_u[order], sh_h[order]
        first = np.ones(len(sh_u), dtype=bool)
        first[1:] = (sh_u[1:] != sh_u[:-1]) | (sh_h[1:] != sh_h[:-1])
        sh_u, sh_h = sh_u[first], sh_h[first]
    bounds = np.searchsorted(sh_u, np.arange(len(units) + 1))
    lens = np.bincount(tk.tok_unit, minlength=len(units)) if len(units) else np.zeros(0, np.int64)
    nbp = np.bincount(tk.tok_unit, weights=tok_bp, minlength=len(units)).astype(np.int64) if len(units) else lens
    n_w = float((weights * lens).sum())
    bp_w = float((weights * nbp).sum())
    content_w = 0.0
    pos = 0
    keys = tk.unit_keys.tolist()
    for ui, u in enumerate(units):
        k = len(u.tokens)
        nb = int(nbp[ui])
        u.weight = float(weights[ui])
        u.key = keys[ui]
        u.mass = k - nb
        if u.mass:
            if nb:
                mask = tok_bp[pos: pos + k].tolist()
                u.content = " ".join(t for t, b in zip(u.tokens, mask) if not b)
            else:
                u.content = " ".join(u.tokens)
            u.shingles = sh_h[bounds[ui]: bounds[ui + 1]]
            content_w += u.weight * u.mass
        else:
            u.content = ""
            u.shingles = sh_h[0:0]
        pos += k
    return Prepared(units=units, n_tokens_weighted=n_w, bp_tokens_weighted=bp_w, content_weight=content_w,
                    para_text=tk.para_text, sh_unit=sh_u, sh_hash=sh_h)
