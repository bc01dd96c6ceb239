"""Validate stage: Great Expectations suites as the pipeline's data contracts, with quarantine."""
