"""A stand-in extraction worker for tests: hangs, crashes or answers, as each job asks."""

from __future__ import annotations

import os
import time
from typing import Any

from tradewire.clean.workers import serve


def handle(job: dict[str, Any]) -> dict[str, Any]:
    if job["item_id"] == "hang":
        time.sleep(3600)
    if job["item_id"] == "crash":
        os._exit(3)
    return {"item_id": job["item_id"], "pid": os.getpid()}


if __name__ == "__main__":
    serve(handle)
