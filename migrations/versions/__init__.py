"""The migration versions, one module each, applied in the order of their four-digit prefix."""
