"""Errors that reach the user as one line and exit code 2."""

from __future__ import annotations


class ReportcheckError(Exception):
    """Base class for errors shown to the user as one line (never a traceback)."""

    def __init__(self, vi: str, en: str):
        super().__init__(en)
        self.vi = vi
        self.en = en

    def message(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi


class InputError(ReportcheckError):
    """A file that cannot be read as a report.

    ``reason`` is a stable machine key (``not-found``, ``empty``, ``old-doc``,
    ``encrypted``, ``bad-zip``, ``zip-bomb``, ``xml-entity``, ``bad-xml``,
    ``no-document``, ``unknown-extension``, ``unreadable``, ``too-large``,
    ``not-text``); ``vi``/``en`` say what is wrong and what to do.
    """

    def __init__(self, path: str, reason: str, vi: str, en: str):
        super().__init__(vi, en)
        self.path = path
        self.reason = reason

    def line(self, lang: str = "vi") -> str:
        return f"{self.path}: {self.message(lang)}"


class UsageError(ReportcheckError):
    """Bad command-line or configuration usage."""
