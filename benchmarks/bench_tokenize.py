"""Sentence splitting and tokens: our syllable splitter against spaCy (syllable mode) and pyvi.

Prints import time and per-report time for each, and how many sentences each finds on
the bundled corpus. spaCy and pyvi are optional (`pip install spacy pyvi`): when absent
their rows say so.

    python benchmarks/bench_tokenize.py
"""

from __future__ import annotations

import importlib
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from reportcheck.annotate import split_sentences, tokens  # noqa: E402
from reportcheck.io import read_document  # noqa: E402


def corpus_texts() -> list[str]:
    paths = sorted(p for p in (REPO / "corpora" / "reports").iterdir() if p.suffix in (".docx", ".txt"))
    return ["\n".join(p.text for p in read_document(str(path)).paragraphs) for path in paths]


def import_seconds(module: str) -> float | None:
    if importlib.util.find_spec(module) is None:
        return None
    code = f"import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return float(out.stdout.strip()) if out.returncode == 0 else None


def ours(texts: list[str]) -> tuple[list[float], int]:
    times, sentences = [], 0
    for text in texts:
        t = time.perf_counter()
        for para in text.split("\n"):
            spans = split_sentences(para)
            sentences += len(spans)
            for a, b in spans:
                tokens(para[a:b])
        times.append(time.perf_counter() - t)
    return times, sentences


def spacy_blank(texts: list[str], use_pyvi: bool) -> tuple[list[float], int] | None:
    try:
        import spacy
    except ImportError:
        return None
    try:
        nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": use_pyvi}}})
    except Exception:  # noqa: BLE001 — pyvi missing or its model unavailable
        return None
    nlp.add_pipe("sentencizer")
    times, sentences = [], 0
    for text in texts:
        t = time.perf_counter()
        for para in text.split("\n"):
            sentences += len(list(nlp(para).sents))
        times.append(time.perf_counter() - t)
    return times, sentences


def main() -> None:
    texts = corpus_texts()
    print(f"corpus: {len(texts)} reports, {sum(len(t.split()) for t in texts)} syllables")
    print(f"{'method':<28} {'import s':>9} {'ms/report':>10} {'sentences':>10}")
    rows = [("reportcheck (syllables)", None, ours(texts))]
    spacy_import = import_seconds("spacy")
    rows.append(("spaCy blank vi, syllables", spacy_import, spacy_blank(texts, False)))
    rows.append(("spaCy blank vi + pyvi", spacy_import, spacy_blank(texts, True)))
    for name, imp, res in rows:
        if res is None:
            print(f"{name:<28} {'-':>9} {'not installed':>10}")
            continue
        times, n = res
        imp_s = f"{imp:.2f}" if imp is not None else "0"
        print(f"{name:<28} {imp_s:>9} {1000 * statistics.mean(times):>10.2f} {n:>10}")


if __name__ == "__main__":
    main()
