"""Fuzzing set-up: a fixed Hypothesis profile for CI, the clean worker pool, and the count of inputs tried.

TRADEWIRE_FUZZ_EXAMPLES raises the number of examples per property (and of mutants) for longer local runs:
    TRADEWIRE_FUZZ_EXAMPLES=2000 .venv/bin/pytest tests/fuzz
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, configuration, settings

from tests.fuzz.checks import EXAMPLES, PAGE_TIMEOUT
from tradewire.clean.run import failed_record
from tradewire.clean.workers import WorkerPool

# Hypothesis keeps caches under ./.hypothesis by default: never in the repository
configuration.set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "tradewire-hypothesis"))
settings.register_profile(
    "tradewire-fuzz",
    derandomize=True,  # the same inputs on every run: a CI failure reproduces locally
    database=None,  # nothing written into the repository
    deadline=None,  # time limits are asserted per input instead, against the pipeline's own limit
    max_examples=EXAMPLES,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
settings.load_profile("tradewire-fuzz")


@pytest.fixture(scope="session")
def clean_pool() -> Iterator[WorkerPool]:
    """The clean stage's killable workers, with a short per-page limit, shared by every clean property."""
    with WorkerPool(PAGE_TIMEOUT, 2, failed_record) as pool:
        yield pool
