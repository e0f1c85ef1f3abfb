"""The staff dashboard: a fixed number of queries, sections contributed by each app."""
