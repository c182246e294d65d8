"""A module whose import fails: the startup validation must say so."""

raise RuntimeError("configuration missing: PRICING_URL")
