"""YAML reading for the dictionaries and taxonomies: libyaml's C parser when PyYAML has it.

The pure-Python parser took about 3 s of every load task for countries.yaml and actors.yaml
alone (profiled with py-spy, docs/benchmarks.md); the C one reads the same files in a tenth of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # safe either way: no Python object tags


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader, the C build of SafeLoader


def read_yaml(path: Path) -> Any:
    return load_yaml(path.read_text(encoding="utf-8"))
