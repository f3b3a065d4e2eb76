"""Text units, shingles and boilerplate masks for copy detection.

A paragraph is cut into *units*: sentences (split after ``. ! ? ; …`` followed
by white space), and sentences longer than ``max_unit_tokens`` syllables are
cut again at commas into clauses. Each unit keeps its character span in the
paragraph so a passage can be shown and anchored.

Tokens are folded syllables (:func:`reportcheck.text.normalize.fold`: no case,
no diacritics, đ -> d) with every number replaced by ``0``, so that a changed
year or count does not break a match. Shingles are ``shingle`` consecutive
tokens *inside one unit* (never across a sentence boundary, so reordering
sentences keeps every shingle); a unit shorter than that is one shingle (its
exact hash). All hashes are 64-bit, from blake2b and splitmix64: stable across
runs, processes and machines (Python's ``hash`` is never used).

Three steps, so that fitting a large corpus never builds per-sentence Python
objects:

* :func:`tokenize` -> :class:`Tokens`: arrays only, corpus-independent;
* :func:`analyse` -> :class:`Analysis`: boilerplate masks and per-unit own
  content, given the fitted boilerplate (arrays only);
* :func:`prepare` -> :class:`Prepared`: :class:`Unit` objects with the strings
  rapidfuzz aligns, for the few reports that are actually aligned.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import struct
import sys
import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache
from hashlib import blake2b
from itertools import compress
from collections.abc import Sequence
from typing import Iterable

import numpy as np

from reportcheck.text.normalize import fold, normalize

from .config import ReuseConfig

_SENT_END_RE = re.compile(r"(?<=[.!?;…])\s+")
_SENT_SPLIT_RE = re.compile(r"((?<=[.!?;…])\s+)")  # the same, kept in the split
_TOKEN_RE = re.compile(r"\w+", re.UNICODE)
_DIGIT_RE = re.compile(r"\d")
_K = np.uint64(0x100000001B3)  # polynomial base for shingles
_GOLD = np.uint64(0x9E3779B97F4A7C15)


def hash_str(s: str) -> int:
    """Stable 64-bit hash of a string."""
    return int.from_bytes(blake2b(s.encode("utf-8"), digest_size=8).digest(), "little")


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser (vectorised, wrapping uint64 arithmetic)."""
    with np.errstate(over="ignore"):
        z = x + _GOLD
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


# ----------------------------------------------------------------------------- vocabulary
# raw token (as written) -> id; id -> folded token and its hash. Numbers all map to "0".

_VOCAB: dict[str, int] = {}
_FOLD: list[str] = ["0"]
_HASHES: list[int] = [hash_str("0")]
_hash_arr = np.array(_HASHES, dtype=np.uint64)
_ZERO = 0


def _new_id(raw: str) -> int:
    if _DIGIT_RE.search(raw):
        if len(_VOCAB) < 2_000_000:
            _VOCAB[raw] = _ZERO
        return _ZERO
    f = fold(raw)
    i = len(_FOLD)
    _FOLD.append(f)
    _HASHES.append(hash_str(f))
    _VOCAB[raw] = i
    _BY_FOLD.setdefault(f, i)
    return i


_hash_n = len(_HASHES)  # how many of _HASHES are in _hash_arr (which has room to grow)


def _hashes_of(ids: np.ndarray) -> np.ndarray:
    # the hashes of the words new since the last call are appended (room doubled when full): rebuilding the
    # whole array from the list, as before, cost O(vocabulary) whenever a report brought a new word (most real
    # reports do: names, places), ~11 ms at 150,000 words
    global _hash_arr, _hash_n
    n = len(_HASHES)
    if _hash_n != n:
        if n > len(_hash_arr):
            grown = np.empty(max(n, 2 * len(_hash_arr)), dtype=np.uint64)
            grown[:_hash_n] = _hash_arr[:_hash_n]
            _hash_arr = grown
        _hash_arr[_hash_n:n] = np.array(_HASHES[_hash_n:n], dtype=np.uint64)
        _hash_n = n
    return _hash_arr[ids]


def folded(ids) -> list[str]:
    f = _FOLD
    return [f[i] for i in ids]


# ----------------------------------------------------------------------------- data

@dataclass(slots=True)
class Tokens:
    """The corpus-independent analysis of one document (arrays)."""

    ids: np.ndarray  # int32 token ids (see folded())
    tok_unit: np.ndarray  # int32 unit of each token
    u_para: list[int]  # per unit: paragraph index, section, char span, first token, length
    u_sec: list[str | None]
    u_start: list[int]
    u_end: list[int]
    u_tok: np.ndarray  # int64 first token of each unit
    u_len: np.ndarray  # int64 tokens per unit
    unit_keys: np.ndarray  # uint64 exact hash of each unit's token sequence
    sh_hash: np.ndarray  # uint64 shingle hashes, in text order
    sh_start: np.ndarray  # int32 first token of each shingle
    sh_len: np.ndarray  # int32 tokens in each shingle
    sh_unit: np.ndarray  # int32 unit of each shingle
    para_text: dict[int, str]  # paragraph index -> normalised text

    @property
    def n_units(self) -> int:
        return len(self.u_para)


@dataclass(slots=True)
class Analysis:
    """Boilerplate masks and own content of a tokenized document, given the fitted boilerplate."""

    weights: np.ndarray  # float per unit (section weight)
    tok_bp: np.ndarray  # bool per token
    mass: np.ndarray  # int per unit: tokens outside boilerplate
    n_bp: np.ndarray  # int per unit: boilerplate tokens
    sh_unit: np.ndarray  # non-boilerplate shingles, unique per unit, sorted by (unit, hash)
    sh_hash: np.ndarray


@dataclass(slots=True)
class Unit:
    """One sentence or clause of a report, ready for alignment."""

    paragraph: int
    section: str | None
    start: int  # character offsets into the paragraph text
    end: int
    text: str  # the normalised text of the unit (as written)
    weight: float
    mass: int  # tokens outside boilerplate
    content: str  # tokens outside boilerplate, joined by spaces (the string rapidfuzz compares)
    key: int  # exact hash of the whole token sequence
    shingles: np.ndarray  # non-boilerplate shingle hashes of the unit (unique, sorted)
    n_tokens: int


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
    unit_keys: list[int]  # per unit: key, mass, weight and section (as in ``units``, read without building them)
    unit_mass: list[int]
    unit_weight: list[float]
    unit_section: list[str | None]

    @property
    def boilerplate_share(self) -> float:
        return self.bp_tokens_weighted / self.n_tokens_weighted if self.n_tokens_weighted else 0.0


# ----------------------------------------------------------------------------- tokenize

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
        out.extend([(a, b)] if n <= cfg.max_unit_tokens else _clauses(text, a, b, cfg))
    return out


# sentence (as split below) -> its units ((start, end, token ids), ...), offsets within the sentence; one table
# per unit-splitting setting. Reports share many sentences (headings, form lines, stock formulas: 44% of the
# sentences of the labelled corpus occur in an earlier report), and a report is tokenized several times (index
# fit, its own query, as a colleague's candidate, as a prior). Token ids never change within a process, so a
# kept entry stays right; the table stops growing at _PIECE_CAP sentences (~30 MB).
_PIECES: dict[tuple[int, int], dict[str, tuple]] = {}
_PIECE_CAP = 50_000


def _piece_units(piece: str, cfg: ReuseConfig) -> tuple:
    """The units of one sentence: the sentence, or its clauses when it is long (offsets within ``piece``)."""
    findall = _TOKEN_RE.findall
    raw = findall(piece)
    if not raw:
        return ()
    if len(raw) <= cfg.max_unit_tokens:
        spans = ((0, len(piece)),)
    else:
        spans = _clauses(piece, 0, len(piece), cfg)
    vget = _VOCAB.get
    out = []
    for ca, cb in spans:
        toks = raw if len(spans) == 1 else findall(piece, ca, cb)
        tid = list(map(vget, toks))
        if None in tid:
            tid = [i if i is not None else _new_id(t) for i, t in zip(tid, toks)]
        out.append((ca, cb, tid))
    return tuple(out)


def tokenize(paragraphs: Iterable[tuple[int, str, str | None]], cfg: ReuseConfig,
             skip_zero_weight: bool = False) -> Tokens:
    """Units, tokens and shingles of a document (no corpus knowledge needed)."""
    ids: list[int] = []
    u_para: list[int] = []
    u_sec: list[str | None] = []
    u_start: list[int] = []
    u_end: list[int] = []
    u_len: list[int] = []
    para_text: dict[int, str] = {}
    known = _PIECES.setdefault((cfg.max_unit_tokens, cfg.min_clause_tokens), {})
    for pidx, text, section in paragraphs:
        if not text:
            continue
        if skip_zero_weight and cfg.weight(section) <= 0:
            continue
        if not unicodedata.is_normalized("NFC", text):
            text = normalize(text)
        para_text[pidx] = text
        # the sentences (what _sentence_spans gives): split at their ends, offsets added up
        pieces = _SENT_SPLIT_RE.split(text)
        b = 0
        for k, piece in enumerate(pieces):
            a, b = b, b + len(piece)
            if k % 2 or not piece:  # a separator, or nothing between two
                continue
            units = known.get(piece)
            if units is None:
                units = _piece_units(piece, cfg)
                if len(known) < _PIECE_CAP:
                    known[piece] = units
            for ca, cb, tid in units:
                ids.extend(tid)
                u_para.append(pidx)
                u_sec.append(section)
                u_start.append(a + ca)
                u_end.append(a + cb)
                u_len.append(len(tid))
    return _tokens_of(np.array(ids, dtype=np.int32), u_para, u_sec, u_start, u_end, u_len, para_text, cfg)


def _tokens_of(ids_arr: np.ndarray, u_para: list[int], u_sec: list[str | None], u_start: list[int],
               u_end: list[int], u_len: list[int], para_text: dict[int, str], cfg: ReuseConfig) -> Tokens:
    """:class:`Tokens` from the token ids and units of a document: unit keys and shingles."""
    n = cfg.shingle
    th = _hashes_of(ids_arr)
    T = len(ids_arr)
    lens = np.array(u_len, dtype=np.int64)
    ustart = np.zeros(len(lens), dtype=np.int64)
    if len(lens):
        ustart[1:] = np.cumsum(lens)[:-1]
    tu = np.repeat(np.arange(len(lens), dtype=np.int32), lens)
    # exact hash of each unit: position-keyed token hashes summed (mod 2**64) per unit
    if T:
        pos = (np.arange(T, dtype=np.int64) - ustart[tu]).astype(np.uint64)
        with np.errstate(over="ignore"):
            v = mix64(th + pos * _GOLD)
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
    return Tokens(ids=ids_arr, tok_unit=tu, u_para=u_para, u_sec=u_sec, u_start=u_start, u_end=u_end,
                  u_tok=ustart, u_len=lens, unit_keys=keys, sh_hash=hashes, sh_start=starts, sh_len=sh_len,
                  sh_unit=sh_unit, para_text=para_text)


# A document's tokens kept for another process (the index fit hands them to the check): token ids are
# this process's own (_VOCAB), so the tokens travel as the document's folded words and positions in that
# list; the receiving process maps the words to its ids and rebuilds the rest (_tokens_of), the same arrays.
_BY_FOLD: dict[str, int] = {"0": _ZERO}  # folded word -> an id of it (any: ids of one folded word hash alike)
_HEAD = struct.Struct("<IIII")


def pack_tokens(tk: Tokens) -> bytes:
    """``tk`` as bytes any process of this run can read back (:func:`unpack_tokens`), paragraph texts left out."""
    uniq, local = np.unique(tk.ids, return_inverse=True)
    words = "\x00".join(map(_FOLD.__getitem__, uniq.tolist())).encode("utf-8", "surrogatepass")
    secs = list(dict.fromkeys(tk.u_sec))
    head = json.dumps(secs, ensure_ascii=False).encode("utf-8", "surrogatepass")
    units = np.empty((5, tk.n_units), dtype=np.int32)
    units[0], units[1], units[2], units[3] = tk.u_para, tk.u_start, tk.u_end, tk.u_len
    units[4] = list(map({s: k for k, s in enumerate(secs)}.__getitem__, tk.u_sec))
    return b"".join((_HEAD.pack(len(words), len(head), len(tk.ids), tk.n_units), words, head,
                     local.astype(np.uint32).tobytes(), units.tobytes()))


def unpack_tokens(blob: bytes, paragraphs: Iterable[tuple[int, str, str | None]], cfg: ReuseConfig) -> Tokens:
    """The :class:`Tokens` packed by :func:`pack_tokens`: what :func:`tokenize` gives for ``paragraphs``
    (the paragraphs they were made from, whose texts they do not carry)."""
    nw, nh, nt, nu = _HEAD.unpack_from(blob)
    at = _HEAD.size
    words = blob[at:at + nw].decode("utf-8", "surrogatepass").split("\x00") if nt else []
    at += nw
    secs = json.loads(blob[at:at + nh].decode("utf-8", "surrogatepass"))
    at += nh
    local = np.frombuffer(blob, dtype=np.uint32, count=nt, offset=at)
    at += 4 * nt
    units = np.frombuffer(blob, dtype=np.int32, count=5 * nu, offset=at).reshape(5, nu)
    lut = list(map(_BY_FOLD.get, words))
    if None in lut:
        for k, w in enumerate(words):
            if lut[k] is None:
                i = _BY_FOLD.get(w)  # (a word twice among the packed ones: ids of one folded word)
                if i is None:
                    i = _BY_FOLD[w] = len(_FOLD)
                    _FOLD.append(w)
                    _HASHES.append(hash_str(w))
                lut[k] = i
    ids = np.array(lut, dtype=np.int32)[local] if nt else np.zeros(0, dtype=np.int32)
    para_text: dict[int, str] = {}
    for pidx, text, _section in paragraphs:
        if text:
            para_text[pidx] = text if unicodedata.is_normalized("NFC", text) else normalize(text)
    u_sec = [secs[k] for k in units[4].tolist()]
    return _tokens_of(ids, units[0].tolist(), u_sec, units[1].tolist(), units[2].tolist(), units[3].tolist(),
                      para_text, cfg)


# A document's tokens as an archive keeps them (:mod:`reportcheck.archive`): a report recorded this year is the
# prior of next year's report, and reading its tokens back costs less than tokenizing it again. The stored form
# is the packed tokens (:func:`pack_tokens`: folded words, no process-specific ids), zlib-compressed, after a
# digest of the paragraphs they were made from; :func:`tokens_version` is kept beside it. Stored tokens are used
# only when both still hold: the version (this module's and the normaliser's code, the Unicode database, the
# unit-splitting settings) and the digest (the same paragraphs: the same text, sections and indices).
STORED_TOKENS_FORMAT = 1
_DIGEST_SIZE = 16


# the code that makes the stored form (the tokens and their packing; _tokens_of is redone when they are read)
_STORED_TOKENS_CODE = ("_piece_units", "_clauses", "_new_id", "tokenize", "pack_tokens", "unpack_tokens",
                       "_paragraphs_digest", "store_tokens", "load_tokens")


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """What tokenizing depends on besides the text and the settings: the source of the functions of this
    module that make and pack the tokens (:data:`_STORED_TOKENS_CODE`) and its patterns, the whole of
    :mod:`reportcheck.text.normalize` (``fold``, ``normalize`` and their tables), the Unicode database
    (``\\w``, NFC, NFD) and Python's version (``re``). An edit to any of them makes stored tokens stale, which
    costs a re-tokenization, never a wrong token; an edit elsewhere here (alignment units, boilerplate) does not."""
    from reportcheck.text import normalize as norm_module

    h = blake2b(digest_size=8)
    try:
        for name in _STORED_TOKENS_CODE:
            h.update(inspect.getsource(globals()[name]).encode("utf-8"))
        with open(norm_module.__file__, "rb") as fh:
            h.update(fh.read())
    except (OSError, TypeError):  # no source to hash: a value no stored token was made with
        return "unhashed-" + os.urandom(8).hex()
    for pattern in (_SENT_SPLIT_RE, _TOKEN_RE, _DIGIT_RE):
        h.update(f"{pattern.pattern}|{pattern.flags}".encode("utf-8"))
    h.update(f"{unicodedata.unidata_version}|{sys.version_info[0]}.{sys.version_info[1]}".encode("ascii"))
    return h.hexdigest()


def tokens_version(cfg: ReuseConfig) -> str:
    """The version of the stored tokens :func:`store_tokens` makes with ``cfg`` (see :func:`_code_digest`)."""
    return f"{STORED_TOKENS_FORMAT}.{cfg.max_unit_tokens}.{cfg.min_clause_tokens}.{_code_digest()}"


def _paragraphs_digest(paragraphs: Iterable[tuple[int, str, str | None]]) -> bytes:
    h = blake2b(digest_size=_DIGEST_SIZE)
    for pidx, text, section in paragraphs:
        h.update(f"{pidx}\x1f{'' if section is None else '=' + section}\x1f{text}\x1e".encode("utf-8", "surrogatepass"))
    return h.digest()


def store_tokens(tk: Tokens | bytes, paragraphs: Iterable[tuple[int, str, str | None]]) -> bytes:
    """``tk``, the tokens of ``paragraphs`` (or those tokens packed already: :func:`pack_tokens`,
    :func:`kept_tokens`), as an archive keeps them (:func:`load_tokens` reads them back)."""
    packed = tk if isinstance(tk, bytes) else pack_tokens(tk)
    return _paragraphs_digest(paragraphs) + zlib.compress(packed, 1)


def load_tokens(blob: bytes, paragraphs: Iterable[tuple[int, str, str | None]], cfg: ReuseConfig) -> Tokens | None:
    """The tokens :func:`store_tokens` kept, when they were made from these very ``paragraphs`` (else None:
    tokenize them). The caller has checked the version (:func:`tokens_version`) it was stored with."""
    paragraphs = tuple(paragraphs)
    if blob[:_DIGEST_SIZE] != _paragraphs_digest(paragraphs):
        return None
    return unpack_tokens(zlib.decompress(blob[_DIGEST_SIZE:]), paragraphs, cfg)


_LEN = struct.Struct("<I")


def _pack_arrays(arrays: list[np.ndarray]) -> bytes:
    head = json.dumps([(a.dtype.str, len(a)) for a in arrays]).encode("ascii")
    return b"".join([_LEN.pack(len(head)), head] + [np.ascontiguousarray(a).tobytes() for a in arrays])


def _unpack_arrays(blob: bytes, at: int = 0) -> list[np.ndarray]:
    (n,) = _LEN.unpack_from(blob, at)
    at += _LEN.size
    spec = json.loads(blob[at:at + n].decode("ascii"))
    at += n
    out = []
    for dt, length in spec:
        dt = np.dtype(dt)
        out.append(np.frombuffer(blob, dtype=dt, count=length, offset=at).copy())
        at += dt.itemsize * length
    return out


def pack_kept(tk: Tokens, an: Analysis) -> bytes:
    """A fitted report's tokens (:func:`pack_tokens`) and their :class:`Analysis` (boilerplate masks, own
    content), as bytes for :func:`unpack_kept`. The arrays :func:`_tokens_of` derives from the token ids (unit
    keys, shingles: the same in every process, made from the words' hashes) are kept too, after the analysis:
    a kept report is read back for its own check and as each colleague's candidate, and rebuilding them
    each time cost ~0.23 ms a read."""
    tokens = pack_tokens(tk)
    return b"".join((_LEN.pack(len(tokens)), tokens, _pack_arrays([an.weights, an.tok_bp, an.mass, an.n_bp,
                                                                  an.sh_unit, an.sh_hash, *_derived(tk)])))


def _derived(tk: Tokens) -> tuple[np.ndarray, ...]:
    """What :func:`_tokens_of` computes from the token ids and unit lengths (in :class:`Tokens` order)."""
    return tk.tok_unit, tk.u_tok, tk.u_len, tk.unit_keys, tk.sh_hash, tk.sh_start, tk.sh_len, tk.sh_unit


def kept_tokens(blob: bytes) -> bytes:
    """The packed tokens (:func:`pack_tokens`) in a blob of :func:`pack_kept`."""
    (n,) = _LEN.unpack_from(blob)
    return blob[_LEN.size:_LEN.size + n]


def unpack_kept(blob: bytes, paragraphs: Iterable[tuple[int, str, str | None]],
                cfg: ReuseConfig) -> tuple[Tokens, Analysis]:
    """What :func:`pack_kept` packed: the tokens of ``paragraphs`` and their analysis. The token ids are
    mapped to this process's as :func:`unpack_tokens` maps them; the arrays derived from them are read, not
    made again (``cfg``: the settings they were made with, unused here)."""
    (n,) = _LEN.unpack_from(blob)
    ids, u_para, u_sec, u_start, u_end = _read_packed(blob[_LEN.size:_LEN.size + n])
    arrays = _unpack_arrays(blob, _LEN.size + n)
    para_text: dict[int, str] = {}
    for pidx, text, _section in paragraphs:
        if text:
            para_text[pidx] = text if unicodedata.is_normalized("NFC", text) else normalize(text)
    tok_unit, u_tok, u_len, unit_keys, sh_hash, sh_start, sh_len, sh_unit = arrays[6:]
    tk = Tokens(ids=ids, tok_unit=tok_unit, u_para=u_para, u_sec=u_sec, u_start=u_start, u_end=u_end, u_tok=u_tok,
                u_len=u_len, unit_keys=unit_keys, sh_hash=sh_hash, sh_start=sh_start, sh_len=sh_len,
                sh_unit=sh_unit, para_text=para_text)
    return tk, Analysis(*arrays[:6])


def _read_packed(blob: bytes) -> tuple[np.ndarray, list[int], list[str | None], list[int], list[int]]:
    """(token ids in this process, u_para, u_sec, u_start, u_end) of tokens packed by :func:`pack_tokens`: the
    first half of :func:`unpack_tokens`, whose own source is left as it is (it is part of what
    :func:`tokens_version` hashes: an edit to it would make every archive's stored tokens stale)."""
    nw, nh, nt, nu = _HEAD.unpack_from(blob)
    at = _HEAD.size
    words = blob[at:at + nw].decode("utf-8", "surrogatepass").split("\x00") if nt else []
    at += nw
    secs = json.loads(blob[at:at + nh].decode("utf-8", "surrogatepass"))
    at += nh
    local = np.frombuffer(blob, dtype=np.uint32, count=nt, offset=at)
    at += 4 * nt
    units = np.frombuffer(blob, dtype=np.int32, count=5 * nu, offset=at).reshape(5, nu)
    lut = list(map(_BY_FOLD.get, words))
    if None in lut:
        for k, w in enumerate(words):
            if lut[k] is None:
                i = _BY_FOLD.get(w)  # (a word twice among the packed ones: ids of one folded word)
                if i is None:
                    i = _BY_FOLD[w] = len(_FOLD)
                    _FOLD.append(w)
                    _HASHES.append(hash_str(w))
                lut[k] = i
    ids = np.array(lut, dtype=np.int32)[local] if nt else np.zeros(0, dtype=np.int32)
    return ids, units[0].tolist(), [secs[k] for k in units[4].tolist()], units[1].tolist(), units[2].tolist()


# ----------------------------------------------------------------------------- boilerplate

def in_sorted(values: np.ndarray, sorted_arr: np.ndarray) -> np.ndarray:
    """Boolean mask: which ``values`` are in the sorted array ``sorted_arr``."""
    if len(sorted_arr) == 0 or len(values) == 0:
        return np.zeros(len(values), dtype=bool)
    idx = np.searchsorted(sorted_arr, values)
    idx[idx >= len(sorted_arr)] = 0
    return sorted_arr[idx] == values


def _coverage(tk: Tokens, mask: np.ndarray | None = None) -> np.ndarray:
    """Number of (selected) shingles covering each token."""
    T = len(tk.ids)
    st, ln = (tk.sh_start, tk.sh_len) if mask is None else (tk.sh_start[mask], tk.sh_len[mask])
    return np.cumsum(np.bincount(st, minlength=T + 1)[:T] - np.bincount(st + ln, minlength=T + 1)[:T])


def boilerplate_masks(tk: Tokens, bp_shingles: np.ndarray, bp_units: np.ndarray,
                      extra_shingles: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(token is boilerplate, shingle is boilerplate) for a tokenized document.

    A token is boilerplate when every shingle that covers it is (shingles stay inside one
    unit, so a unit made only of boilerplate shingles is wholly boilerplate, while a common
    collocation inside an own sentence keeps the tokens it shares with own context), or
    when its whole unit is a boilerplate sentence, or when any ``extra_shingles`` (the
    report's own header wording) covers it.
    """
    T = len(tk.ids)
    sh_bp = in_sorted(tk.sh_hash, bp_shingles)
    if sh_bp.any():
        c = _coverage(tk)
        tok_bp = (_coverage(tk, sh_bp) == c) & (c > 0)
    else:
        tok_bp = np.zeros(T, dtype=bool)
    if extra_shingles is not None and len(extra_shingles):
        ex = in_sorted(tk.sh_hash, extra_shingles)
        if ex.any():
            tok_bp |= _coverage(tk, ex) > 0
            sh_bp |= ex
    unit_bp = in_sorted(tk.unit_keys, bp_units)
    if unit_bp.any():
        tok_bp |= unit_bp[tk.tok_unit]
        sh_bp |= unit_bp[tk.sh_unit]
    return tok_bp, sh_bp


def analyse(tk: Tokens, cfg: ReuseConfig, bp_shingles: np.ndarray, bp_units: np.ndarray) -> Analysis:
    """Boilerplate masks and own content per unit.

    Besides the corpus boilerplate, the wording of the report's own zero-weight parts
    (header, self-rating: name, unit, place, job) is boilerplate in its body, so that the
    same member's name and unit repeated in two years' reports do not read as copying.
    """
    nu = tk.n_units
    weights = np.array([cfg.weight(s) for s in tk.u_sec], dtype=np.float64)
    own = np.nonzero(weights <= 0)[0]
    extra = np.unique(tk.sh_hash[np.isin(tk.sh_unit, own)]) if len(own) else None
    tok_bp, sh_bp = boilerplate_masks(tk, bp_shingles, bp_units, extra)
    if len(own):
        # a short unit (fewer tokens than a shingle, e.g. the signature's name) found in the header
        short = np.nonzero((tk.u_len < cfg.shingle) & (weights > 0))[0]
        if len(short):
            head = " " + " | ".join(" ".join(folded(tk.ids[tk.u_tok[u]: tk.u_tok[u] + tk.u_len[u]].tolist()))
                                    for u in own.tolist()) + " "
            for u in short.tolist():
                s, k = int(tk.u_tok[u]), int(tk.u_len[u])
                if f" {' '.join(folded(tk.ids[s:s + k].tolist()))} " in head:
                    tok_bp[s:s + k] = True
                    sh_bp |= tk.sh_unit == u
    n_bp = np.bincount(tk.tok_unit, weights=tok_bp, minlength=nu).astype(np.int64) if nu else np.zeros(0, np.int64)
    mass = tk.u_len - n_bp
    keep = ~sh_bp
    sh_u, sh_h = tk.sh_unit[keep], tk.sh_hash[keep]
    if len(sh_u):
        order = np.lexsort((sh_h, sh_u))
        sh_u, sh_h = sh_u[order], sh_h[order]
        first = np.ones(len(sh_u), dtype=bool)
        first[1:] = (sh_u[1:] != sh_u[:-1]) | (sh_h[1:] != sh_h[:-1])
        sh_u, sh_h = sh_u[first], sh_h[first]
    return Analysis(weights=weights, tok_bp=tok_bp, mass=mass, n_bp=n_bp, sh_unit=sh_u, sh_hash=sh_h)


class _Units(Sequence):
    """The units of a prepared document, each built when first read (then kept). The other side of an
    alignment reads its units' keys and masses (:attr:`Prepared.unit_keys`, :attr:`Prepared.unit_mass`) and only
    the units paired with one of this side's (a candidate colleague's report, a prior: a few of ~150),
    so their strings are not made for the rest."""

    __slots__ = ("_tk", "_an", "_built", "_bounds", "keys", "mass", "_n_bp", "wts", "_u_tok", "_u_len", "_toks",
                 "_own", "_empty")

    def __init__(self, tk: Tokens, an: Analysis):
        nu = tk.n_units
        self._tk, self._an = tk, an
        self._built: list[Unit | None] = [None] * nu
        self._bounds = np.searchsorted(an.sh_unit, np.arange(nu + 1)).tolist()
        self.keys = tk.unit_keys.tolist()
        self.mass = an.mass.tolist()
        self._n_bp = an.n_bp.tolist()
        self.wts = an.weights.tolist()
        self._u_tok = tk.u_tok.tolist()
        self._u_len = tk.u_len.tolist()
        self._toks: list[str] | None = None  # the document's folded tokens, made once a unit needs them
        self._own: list[bool] | None = None
        self._empty = an.sh_hash[0:0]

    def __len__(self) -> int:
        return len(self._built)

    def __getitem__(self, ui):
        if isinstance(ui, slice):
            return [self[i] for i in range(*ui.indices(len(self)))]
        u = self._built[ui]  # (IndexError past the end: iteration stops there)
        if u is None:
            if ui < 0:
                ui += len(self._built)
            u = self._built[ui] = self._make(ui)
        return u

    def _make(self, ui: int) -> Unit:
        tk, an = self._tk, self._an
        s, k = self._u_tok[ui], self._u_len[ui]
        m = self.mass[ui]
        if m:
            if self._toks is None:
                self._toks = folded(tk.ids.tolist())
                self._own = (~an.tok_bp).tolist() if len(an.tok_bp) else []
            toks = self._toks[s:s + k]
            if self._n_bp[ui]:
                content = " ".join(compress(toks, self._own[s:s + k]))
            else:
                content = " ".join(toks)
            sh = an.sh_hash[self._bounds[ui]: self._bounds[ui + 1]]
        else:
            content, sh = "", self._empty
        p = tk.u_para[ui]
        a, b = tk.u_start[ui], tk.u_end[ui]
        return Unit(p, tk.u_sec[ui], a, b, tk.para_text[p][a:b], self.wts[ui], m, content, self.keys[ui], sh, k)


def prepare(tk: Tokens, cfg: ReuseConfig, bp_shingles: np.ndarray, bp_units: np.ndarray,
            an: Analysis | None = None, lazy: bool = True) -> Prepared:
    """:func:`analyse`, then the units with their alignment strings, each built when first read
    (:class:`_Units`; ``lazy=False``: all of them now). Alignment reads the keys, masses, weights and
    sections of either side from lists and builds only the units it scores or quotes (on the side queried,
    those sharing shingles with the other report: a few of ~150 when nothing was copied)."""
    an = an or analyse(tk, cfg, bp_shingles, bp_units)
    units = _Units(tk, an)
    content_w = 0.0
    for m, w in zip(units.mass, units.wts):
        if m:
            content_w += w * m
    lens = tk.u_len
    return Prepared(units=units if lazy else list(units), n_tokens_weighted=float((an.weights * lens).sum()),
                    bp_tokens_weighted=float((an.weights * an.n_bp).sum()), content_weight=content_w,
                    para_text=tk.para_text, sh_unit=an.sh_unit, sh_hash=an.sh_hash, unit_keys=units.keys,
                    unit_mass=units.mass, unit_weight=units.wts, unit_section=tk.u_sec)
