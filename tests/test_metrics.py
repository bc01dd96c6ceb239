"""Stage metrics: every measured stage call leaves one line with its wall time, CPU and peak memory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tradewire.metrics import measured, read_metrics


def test_a_measured_stage_records_its_cost_even_when_it_fails(tmp_path: Path) -> None:
    @measured("busy", lambda args: tmp_path / args["run_id"])
    def busy(run_id: str, size: int) -> int:
        block = bytearray(size)  # memory the sampler should see
        return sum(range(200_000)) + len(block)

    @measured("broken", lambda args: tmp_path / args["run_id"])
    def broken(run_id: str) -> None:
        raise ValueError("stage failed")

    assert busy("run-1", size=64 * 2**20) > 0
    with pytest.raises(ValueError, match="stage failed"):
        broken("run-1")
    lines = read_metrics(tmp_path / "run-1")
    assert [line["stage"] for line in lines] == ["busy", "broken"]
    first = lines[0]
    assert first["wall_seconds"] >= 0 and first["cpu_seconds"] >= 0
    assert first["peak_rss_bytes"] >= first["start_rss_bytes"] > 0


def test_measuring_never_breaks_the_stage(tmp_path: Path) -> None:
    def nowhere(arguments: dict[str, Any]) -> Path:
        raise OSError("metrics folder unwritable")

    @measured("stage", nowhere)
    def stage(run_id: str) -> str:
        return "done"

    assert stage("run-1") == "done"
    assert read_metrics(tmp_path / "run-1") == []
