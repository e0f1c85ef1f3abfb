"""API tokens and conventions live in the public schema."""
