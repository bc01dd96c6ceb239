"""Fetch stage: discover items from sources and get their bytes, one fetch_log row per item."""
