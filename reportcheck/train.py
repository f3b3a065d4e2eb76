"""``reportcheck train``: rebuild the sentence-role classifier from corpora/sentences/.

Reproducible: fixed solver, fixed random_state, features sorted, floats
rounded; the output is JSON (vocabulary, idf, coefficients), never a pickle.
scikit-learn is needed only here (``pip install .[train]``), not to check reports.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from .annotate import ROLES, features

DIGITS = 6


def read_tsv(path: Path) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            role, sentence = (row.get("role") or "").strip(), (row.get("sentence") or "").strip()
            if role in ROLES and sentence:
                texts.append(sentence)
                labels.append(role)
    return texts, labels


def fit(texts: list[str], labels: list[str], *, c: float = 4.0, min_df: int = 2):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=min_df, norm="l2", smooth_idf=True)
    x = vec.fit_transform(texts)
    clf = LogisticRegression(C=c, max_iter=5000, random_state=0)
    clf.fit(x, labels)
    return vec, clf


def export(vec, clf) -> dict:
    vocab = vec.get_feature_names_out().tolist()
    order = sorted(range(len(vocab)), key=lambda i: vocab[i])
    classes = [str(c) for c in clf.classes_]
    return {
        "format": "reportcheck-roles/1",
        "classes": classes,
        "vocabulary": [vocab[i] for i in order],
        "idf": [round(float(vec.idf_[i]), DIGITS) for i in order],
        "coef": [[round(float(clf.coef_[k][i]), DIGITS) for i in order] for k in range(len(classes))],
        "intercept": [round(float(v), DIGITS) for v in clf.intercept_],
    }


def evaluate(model_path: Path, test_path: Path) -> dict:
    from .annotate import RoleModel

    model = RoleModel.load(model_path)
    texts, labels = read_tsv(test_path)
    predicted = []
    for text in texts:
        scores = model.scores(text)
        predicted.append(max(model.classes, key=scores.__getitem__))
    report = {}
    for role in model.classes:
        tp = sum(1 for p, g in zip(predicted, labels) if p == role and g == role)
        fp = sum(1 for p, g in zip(predicted, labels) if p == role and g != role)
        fn = sum(1 for p, g in zip(predicted, labels) if p != role and g == role)
        report[role] = {
            "precision": tp / (tp + fp) if tp + fp else 0.0,
            "recall": tp / (tp + fn) if tp + fn else 0.0,
            "support": tp + fn,
        }
    report["accuracy"] = sum(1 for p, g in zip(predicted, labels) if p == g) / max(1, len(labels))
    return report


def train(sentences_dir: Path, out: Path) -> dict:
    texts, labels = read_tsv(sentences_dir / "train.tsv")
    if len(set(labels)) < len(ROLES):
        raise ValueError(f"{sentences_dir / 'train.tsv'}: every role needs examples ({', '.join(ROLES)})")
    vec, clf = fit(texts, labels)
    model = export(vec, clf)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    tmp.replace(out)
    result = {"train_sentences": len(texts), "features": len(model["vocabulary"])}
    test = sentences_dir / "test.tsv"
    if test.is_file():
        result["test"] = evaluate(out, test)
    return result
