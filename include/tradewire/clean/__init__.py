"""Clean stage: turn fetched bytes into articles with text and metadata, and classify page types."""
