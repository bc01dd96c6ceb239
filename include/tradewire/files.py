"""Files and folders Tradewire writes on a shared server: modes that hold whatever the umask.

Published files (snapshot, exports, report) and raw material (warehouse, staging, archive) are
readable by all and writable by the pipeline's user only; folders likewise.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FILE_MODE = 0o644  # published files: readable by all, writable by the pipeline's user only
FOLDER_MODE = 0o755


def make_folders(path: Path, mode: int = FOLDER_MODE) -> None:
    """mkdir -p whose new folders get `mode` whatever the umask (Path.mkdir gives parents the umask's default)."""
    missing = []
    while not path.exists() and path != path.parent:
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=mode)
        except FileExistsError:  # made meanwhile by another publisher: theirs
            continue
        os.chmod(folder, mode)


@contextmanager
def private_files() -> Iterator[None]:
    """New files private to this user while the block runs (a umask of 077), for files other programs create.

    A snapshot copy being written must not be open to others even for a moment under a permissive umask: a
    process that opened it for writing would keep that handle after the chmod. The umask is process-wide, but
    this only ever tightens it.
    """
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)
