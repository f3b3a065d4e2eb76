"""Rule modules; importing this package registers every rule (see reportcheck.registry)."""

from . import balance, content, reuse, structure  # noqa: F401
from . import unit  # noqa: F401
