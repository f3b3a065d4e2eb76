"""``reportcheck serve``: a web page and a JSON API for members and reviewers.

``create_app(settings)`` (FastAPI) is in :mod:`reportcheck.server.app`; the
guards (tokens, headers, private temp folders, upload caps, bounded workers)
are in :mod:`reportcheck.server.security`.
"""

from __future__ import annotations

from .app import Settings, create_app

__all__ = ["Settings", "create_app"]
