"""Stage outputs: Parquet files in the run's staging folder, replaced atomically so a rerun never sees half a file."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl


def write_stage_output(frame: pl.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    frame.write_parquet(tmp)
    tmp.replace(path)
    return path
