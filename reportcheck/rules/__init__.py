"""Rule modules; importing this package registers every rule (see reportcheck.registry)."""

from . import balance, content, structure  # noqa: F401
