"""Models of this app (institution schema)."""
