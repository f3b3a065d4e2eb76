"""Output emitters: one module per format, all fed by the same results (ruff's Emitter idea)."""
