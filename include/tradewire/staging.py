"""Stage outputs: Parquet files in the run's staging folder, replaced atomically so a rerun never sees half a file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from tradewire.files import FILE_MODE, make_folders


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def remove_dead_writers_files(path: Path) -> list[Path]:
    """Remove the half-written temporary copies of `path` whose writer process is gone (killed mid-write).

    A live writer's copy (another task writing the same output right now) is left alone.
    """
    removed = []
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        pid = leftover.name.removeprefix(f".{path.name}.").removesuffix(".tmp")
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            leftover.unlink(missing_ok=True)
            removed.append(leftover)
    return removed


def write_stage_output(frame: pl.DataFrame, path: Path) -> Path:
    make_folders(path.parent)
    remove_dead_writers_files(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    frame.write_parquet(tmp, row_group_size=1024)  # later stages read it a row group at a time
    os.chmod(tmp, FILE_MODE)  # raw bodies: never writable by others, whatever the umask
    tmp.replace(path)
    return path


class StageWriter:
    """A stage output written batch by batch (so no stage holds a whole run in memory), swapped in atomically.

    Use as a context manager; on an exception the partial file is removed and the old output stays.
    """

    def __init__(self, path: Path, schema: pl.Schema, row_group_rows: int = 256) -> None:
        import pyarrow.parquet as pq

        self.path, self.schema, self.rows = path, schema, 0
        make_folders(path.parent)
        remove_dead_writers_files(path)
        self._tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        self._arrow_schema = pl.DataFrame(schema=schema).to_arrow().schema
        self._writer = pq.ParquetWriter(self._tmp, self._arrow_schema, compression="zstd")
        self._row_group_rows = row_group_rows

    def write(self, frame: pl.DataFrame) -> None:
        if frame.height:
            table = frame.select(list(self.schema)).cast(self.schema).to_arrow().cast(self._arrow_schema)
            self._writer.write_table(table, row_group_size=self._row_group_rows)
            self.rows += frame.height

    def __enter__(self) -> StageWriter:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        self._writer.close()
        if kind is None:
            os.chmod(self._tmp, FILE_MODE)
            self._tmp.replace(self.path)
        else:
            self._tmp.unlink(missing_ok=True)


def iter_parquet(path: Path, columns: list[str] | None = None, batch_rows: int = 256) -> Iterator[pl.DataFrame]:
    """A Parquet file as frames of at most batch_rows rows, read one row group at a time.

    (pyarrow's iter_batches would merge small row groups into one batch, and hold them all.)
    """
    import pyarrow.parquet as pq

    with pq.ParquetFile(path) as source:
        for group in range(source.num_row_groups):
            table = source.read_row_group(group, columns=columns)
            for start in range(0, table.num_rows, batch_rows):
                frame = pl.from_arrow(table.slice(start, batch_rows))
                assert isinstance(frame, pl.DataFrame)
                yield frame
