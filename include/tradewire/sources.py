"""The sources file: which feeds, sitemaps, URL lists and local folders to read.

A malformed file fails fast with a message naming the line and the problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tradewire.fetch.redact import redact_url

KINDS = ("rss", "atom", "sitemap", "urls", "local")
# where a source path may never lead, whatever links or ../ say: the system's configuration, its processes'
# memory and environment (/proc/self/environ holds the secrets), devices. The sources file is trusted; this is a
# guard against a slip or a copied file, not a sandbox.
# (resolved too: on some systems /etc is a link to /private/etc)
SYSTEM_FOLDERS = tuple(
    dict.fromkeys(
        form
        for p in ("/etc", "/proc", "/sys", "/dev", "/boot", "/run", "/var/run")
        for form in (Path(p), Path(p).resolve())
    )
)
_TOP_KEYS = {"mirror", "sources", "defaults"}  # defaults: an anchor to merge into sources with `<<: *name`
_SOURCE_KEYS = {"name", "kind", "url", "path", "language", "country", "tags", "max_items", "enabled"}


class SourcesError(ValueError):
    """The sources file cannot be used; the message names the file, line and problem."""


@dataclass(frozen=True)
class Source:
    name: str
    kind: str
    url: str | None = None
    path: Path | None = None
    language: str | None = None
    country: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
    max_items: int = 500
    enabled: bool = True


@dataclass(frozen=True)
class SourcesConfig:
    sources: tuple[Source, ...]
    mirror: Path | None = None  # offline: http(s) URLs are read from mirror/<host>/<path>
    origin: Path | None = None

    def enabled(self, names: set[str] | None = None) -> list[Source]:
        return [s for s in self.sources if s.enabled and (not names or s.name in names)]


def _fail(origin: Path, node: yaml.Node, problem: str) -> SourcesError:
    return SourcesError(f"{origin}:{node.start_mark.line + 1}: {problem}")


def _mapping(node: yaml.Node) -> dict[str, yaml.Node]:
    assert isinstance(node, yaml.MappingNode)
    return {str(k.value): v for k, v in node.value}


def _at(fields: dict[str, yaml.Node], key: object, fallback: yaml.Node) -> yaml.Node:
    """The node to point at for a key; keys merged in with `<<: *anchor` point at the source itself."""
    return fields.get(str(key), fallback)


def load_sources(path: Path) -> SourcesConfig:
    """Parse and check a sources YAML file; relative paths resolve against its folder."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourcesError(f"{path}: cannot read sources file: {exc.strerror}") from exc
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise SourcesError(f"{path}{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(root, yaml.MappingNode):
        raise SourcesError(f"{path}:1: expected a mapping with a 'sources' list")
    top = _mapping(root)
    unknown_top = sorted(set(top) - _TOP_KEYS)
    if unknown_top:
        key_node = next(k for k, _ in root.value if str(k.value) == unknown_top[0])
        raise _fail(
            path, key_node, f"unknown top-level key {unknown_top[0]!r} (allowed: {', '.join(sorted(_TOP_KEYS))})"
        )
    base = path.resolve().parent
    mirror = None
    if "mirror" in top:
        mirror = (base / str(yaml.safe_load(yaml.serialize(top["mirror"])))).resolve()
        if not mirror.is_dir():
            raise _fail(path, top["mirror"], f"mirror folder {mirror} does not exist")
    sources_node = top.get("sources")
    if not isinstance(sources_node, yaml.SequenceNode):
        raise _fail(path, sources_node or root, "'sources' must be a list of sources")
    seen: set[str] = set()
    sources = [_parse_source(path, base, node, seen) for node in sources_node.value]
    return SourcesConfig(sources=tuple(sources), mirror=mirror, origin=path.resolve())


def _parse_source(origin: Path, base: Path, node: yaml.Node, seen: set[str]) -> Source:
    if not isinstance(node, yaml.MappingNode):
        raise _fail(origin, node, "each source must be a mapping with name and kind")
    fields = _mapping(node)
    raw: dict[str, Any] = yaml.safe_load(yaml.serialize(node))
    unknown = {str(k) for k in raw} - _SOURCE_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise _fail(origin, _at(fields, key, node), f"unknown key {key!r} (allowed: {', '.join(sorted(_SOURCE_KEYS))})")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _fail(origin, node, "source has no name")
    if name in seen:
        raise _fail(origin, _at(fields, "name", node), f"duplicate source name {name!r}")
    seen.add(name)
    kind = raw.get("kind")
    if kind not in KINDS:
        where = _at(fields, "kind", node)
        raise _fail(origin, where, f"source {name!r}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
    url, rel_path = raw.get("url"), raw.get("path")
    if (url is None) == (rel_path is None):
        raise _fail(origin, node, f"source {name!r}: give exactly one of url or path")
    if url is not None and not (isinstance(url, str) and url.startswith(("http://", "https://"))):
        given = redact_url(url) if isinstance(url, str) else url  # an ftp://user:password@ URL is not echoed
        problem = f"source {name!r}: url must be http:// or https://, not {given!r}"
        raise _fail(origin, _at(fields, "url", node), problem)
    if rel_path is not None and not (isinstance(rel_path, str) and rel_path.strip()):
        raise _fail(origin, _at(fields, "path", node), f"source {name!r}: path must be a file or folder name")
    if kind == "local" and rel_path is None:
        raise _fail(origin, node, f"source {name!r}: kind local needs a path")
    path = (base / rel_path).resolve() if rel_path is not None else None
    if path is not None:
        system = next((folder for folder in SYSTEM_FOLDERS if path.is_relative_to(folder)), None)
        if system is not None:
            raise _fail(
                origin, _at(fields, "path", node),
                f"source {name!r}: path {rel_path!r} leads to {path}, inside the system folder {system}: refused",
            )  # fmt: skip
    max_items = raw.get("max_items", 500)
    if isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 1:
        raise _fail(origin, _at(fields, "max_items", node), f"source {name!r}: max_items must be a positive integer")
    tags = raw.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise _fail(origin, _at(fields, "tags", node), f"source {name!r}: tags must be a list of strings")
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise _fail(origin, _at(fields, "enabled", node), f"source {name!r}: enabled must be true or false")
    return Source(
        name=name,
        kind=kind,
        url=url,
        path=path,
        language=raw.get("language"),
        country=raw.get("country"),
        tags=tuple(tags),
        max_items=max_items,
        enabled=enabled,
    )
