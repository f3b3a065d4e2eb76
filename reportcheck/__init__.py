"""reportcheck: checks Vietnamese Party members' annual self-criticism reports."""

__version__ = "0.1.0"
