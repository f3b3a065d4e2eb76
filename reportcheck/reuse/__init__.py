"""Copy detection: reports taken back from an earlier year, or copied from colleagues.

>>> index = CorpusIndex().fit(prior_and_peer_docs, boilerplate=form_lines)
>>> for m in index.query(doc):
...     m.other_id, m.similarity, m.flagged, [p.kind for p in m.passages]

See :mod:`reportcheck.reuse.index` (candidate search, boilerplate) and
:mod:`reportcheck.reuse.align` (alignment, scores); thresholds and section
weights are in ``reportcheck/data/reuse.toml``.
"""

from .align import Match, Passage
from .config import ReuseConfig, load_config
from .index import Boilerplate, CorpusIndex, DocFreq, IndexDoc, QueryStats

__all__ = ["CorpusIndex", "IndexDoc", "Match", "Passage", "Boilerplate", "DocFreq", "QueryStats",
           "ReuseConfig", "load_config"]
