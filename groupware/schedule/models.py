"""Models (institution schema)."""
