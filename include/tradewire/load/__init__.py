"""Load stage: versioned DuckDB schema and idempotent upserts keyed by stable ids."""
