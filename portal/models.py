"""The portal's own data in the public schema (its search index lives here)."""
