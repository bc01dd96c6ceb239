"""Serve stage: read-only snapshots for SQL users and BI tools, published atomically."""
