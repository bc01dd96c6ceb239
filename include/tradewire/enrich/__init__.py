"""Enrich stage: countries, trade topics and, in later versions, people, places, events and tone."""
