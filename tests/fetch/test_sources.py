"""The sources file: the bundled sample loads; malformed files fail with file, line and problem."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tradewire.sources import KINDS, SourcesConfig, SourcesError, load_sources

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "include" / "sources" / "sample.yaml"


def write(tmp_path: Path, text: str, name: str = "sources.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_error(path: Path) -> str:
    with pytest.raises(SourcesError) as info:
        load_sources(path)
    return str(info.value)


def assert_names(message: str, path: Path, line: int, *fragments: str) -> None:
    """The message starts with '<file>:<line>:' and mentions every fragment (case-insensitive)."""
    match = re.match(r"^(.*):(\d+): ", message)
    assert match, f"no '<file>:<line>:' prefix in {message!r}"
    assert Path(match.group(1)).name == path.name and Path(match.group(1)).resolve() == path.resolve(), message
    assert int(match.group(2)) == line, f"expected line {line}: {message!r}"
    for fragment in fragments:
        assert fragment.lower() in message.lower(), f"{fragment!r} not in {message!r}"


# -- the bundled sample ----------------------------------------------------------------------------------
def test_bundled_sample_loads() -> None:
    config = load_sources(SAMPLE)
    assert isinstance(config, SourcesConfig)
    assert len(config.sources) == 6
    assert config.mirror is not None and config.mirror.is_dir()
    assert config.mirror == (REPO / "include" / "sample" / "site").resolve()
    assert config.origin == SAMPLE.resolve()
    names = [s.name for s in config.sources]
    assert len(set(names)) == 6
    assert {s.kind for s in config.sources} <= set(KINDS)
    assert [s.name for s in config.enabled()] == names
    for source in config.sources:
        assert (source.url is None) != (source.path is None), source
        if source.url:
            assert source.url.startswith("https://")
        else:
            assert source.path is not None and source.path.is_absolute() and source.path.exists(), source


def test_bundled_sample_field_values() -> None:
    by_name = {s.name: s for s in load_sources(SAMPLE).sources}
    meridian = by_name["meridian-post-trade"]
    assert (meridian.kind, meridian.language, meridian.country) == ("rss", "en", "USA")
    assert meridian.tags == ("broadsheet", "trade")
    assert meridian.max_items == 500 and meridian.enabled
    assert by_name["saved-dumps"].kind == "local"
    assert by_name["saved-dumps"].path == (REPO / "include" / "sample" / "dumps").resolve()
    assert by_name["editor-picks"].path == (REPO / "include" / "sample" / "urls" / "editor-picks.txt").resolve()


def test_enabled_filters_by_flag_and_name(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sources:\n"
        "  - name: a\n    kind: rss\n    url: https://a.example/f.xml\n"
        "  - name: b\n    kind: rss\n    url: https://b.example/f.xml\n    enabled: false\n"
        "  - name: c\n    kind: atom\n    url: https://c.example/f.xml\n",
    )
    config = load_sources(path)
    assert [s.name for s in config.enabled()] == ["a", "c"]
    assert [s.name for s in config.enabled({"c", "b"})] == ["c"]
    assert config.mirror is None


def test_relative_paths_resolve_against_the_file_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conf = tmp_path / "conf"
    (conf / "lists").mkdir(parents=True)
    (conf / "site").mkdir()
    (tmp_path / "dumps").mkdir()
    path = write(
        conf,
        "mirror: site\n"
        "sources:\n"
        "  - name: picks\n    kind: urls\n    path: lists/picks.txt\n"
        "  - name: dumps\n    kind: local\n    path: ../dumps\n",
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the working directory must not matter
    config = load_sources(Path("..") / "conf" / "sources.yaml")
    assert config.mirror == (conf / "site").resolve()
    assert config.sources[0].path == (conf / "lists" / "picks.txt").resolve()
    assert config.sources[1].path == (tmp_path / "dumps").resolve()
    assert config.origin == path.resolve()


# -- malformed files: file, line and problem --------------------------------------------------------------
GOOD = "  - name: ok\n    kind: rss\n    url: https://ok.example/feed.xml\n"  # lines 2-4 after 'sources:'


def test_unknown_kind(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n" + GOOD + "  - name: pod\n    kind: podcast\n    url: https://p.example/x\n")
    assert_names(load_error(path), path, 6, "kind", "podcast", "pod")


def test_missing_name(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n" + GOOD + "  - kind: rss\n    url: https://b.example/f.xml\n")
    assert_names(load_error(path), path, 5, "no name")


def test_blank_name(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n" + GOOD + '  - name: "  "\n    kind: rss\n    url: https://b.example/f.xml\n')
    assert_names(load_error(path), path, 5, "no name")


def test_duplicate_name(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n" + GOOD + "\n  - name: ok\n    kind: atom\n    url: https://x.example/a.xml\n")
    assert_names(load_error(path), path, 6, "duplicate", "'ok'")


def test_both_url_and_path(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sources:\n" + GOOD + "  - name: both\n    kind: rss\n    url: https://b.example/f.xml\n    path: f.xml\n",
    )
    assert_names(load_error(path), path, 5, "both", "exactly one of url or path")


def test_neither_url_nor_path(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n" + GOOD + "  - name: none\n    kind: rss\n")
    assert_names(load_error(path), path, 5, "none", "exactly one of url or path")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://files.example/feed.xml", "//cdn.example/x.xml"])
def test_url_must_be_http(tmp_path: Path, url: str) -> None:
    path = write(tmp_path, f"sources:\n{GOOD}  - name: bad\n    kind: rss\n    url: {url}\n")
    assert_names(load_error(path), path, 7, "http:// or https://", url)


def test_unknown_key(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n" + GOOD.replace("    url:", "    lang: en\n    url:"))
    assert_names(load_error(path), path, 4, "unknown key", "'lang'", "language")


@pytest.mark.parametrize("value", ["0", "-3", "lots", "2.5", "[5]"])
def test_bad_max_items(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, f"sources:\n{GOOD}    tags: [x]\n    max_items: {value}\n")
    assert_names(load_error(path), path, 6, "max_items", "positive integer")


def test_boolean_max_items_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, f"sources:\n{GOOD}    max_items: true\n")
    assert_names(load_error(path), path, 5, "max_items", "positive integer")


def test_bad_tags_and_enabled(tmp_path: Path) -> None:
    path = write(tmp_path, f"sources:\n{GOOD}    tags: trade\n")
    assert_names(load_error(path), path, 5, "tags", "list of strings")
    path = write(tmp_path, f"sources:\n{GOOD}    enabled: maybe\n")
    assert_names(load_error(path), path, 5, "enabled", "true or false")


def test_local_needs_path(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n" + GOOD + "  - name: dumps\n    kind: local\n    url: https://d.example/\n")
    assert_names(load_error(path), path, 5, "local needs a path")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("sources:\n  - name: a\n    kind: rss\n    url: https://a.example/f.xml: b\n", 4),  # mapping in a scalar
        ("sources:\n  - name: a\n   kind: rss\n", 3),  # bad indentation
        ("sources:\n  - name: a\n\tkind: rss\n", 3),  # tab
        ('sources:\n  - name: "a\n    kind: rss\n', 4),  # unterminated quote, found at end of stream
    ],
)
def test_invalid_yaml_syntax(tmp_path: Path, text: str, line: int) -> None:
    path = write(tmp_path, text)
    assert_names(load_error(path), path, line, "not valid YAML")


@pytest.mark.parametrize("text", ["- name: a\n  kind: rss\n", "just a sentence\n", "", "# only a comment\n"])
def test_top_level_not_a_mapping(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    assert_names(load_error(path), path, 1, "expected a mapping", "sources")


@pytest.mark.parametrize(
    ("text", "line"),
    [("mirror: .\n", 1), ("sources:\n  name: a\n  kind: rss\n", 2), ("sources:\n", 1), ("sources: 3\n", 1)],
)
def test_sources_must_be_a_list(tmp_path: Path, text: str, line: int) -> None:
    path = write(tmp_path, text)
    assert_names(load_error(path), path, line, "'sources' must be a list")


def test_source_entry_not_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n" + GOOD + "  - just-a-name\n")
    assert_names(load_error(path), path, 5, "must be a mapping")


def test_missing_mirror_folder(tmp_path: Path) -> None:
    path = write(tmp_path, "# offline copy\nmirror: no-such-folder\nsources:\n" + GOOD)
    assert_names(load_error(path), path, 2, "mirror folder", "does not exist")


def test_unreadable_file_is_a_sources_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    message = load_error(missing)
    assert str(missing) in message and "cannot read" in message


# -- malformed input must surface as SourcesError, never as another exception ------------------------------
@pytest.mark.parametrize(
    ("defaults", "entry", "fragment"),
    [
        ("  kind: rss\n  url: ftp://a.example/f.xml\n", "    name: a\n", "http:// or https://"),
        ("  kind: rss\n  colour: red\n", "    name: a\n    url: https://a.example/f.xml\n", "unknown key"),
        ("  kind: rss\n  enabled: maybe\n", "    name: a\n    url: https://a.example/f.xml\n", "enabled"),
    ],
    ids=["merged-url", "merged-unknown-key", "merged-enabled"],
)
def test_merge_key_errors_are_sources_errors(tmp_path: Path, defaults: str, entry: str, fragment: str) -> None:
    path = write(tmp_path, "defaults: &d\n" + defaults + "sources:\n  - <<: *d\n" + entry)
    message = load_error(path)
    assert str(path) in message and fragment in message


def test_non_string_path_is_a_sources_error(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n  - name: a\n    kind: urls\n    path: 5\n")
    assert_names(load_error(path), path, 4, "path")


def test_non_string_key_is_a_sources_error(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n" + GOOD + "    1: x\n")
    assert_names(load_error(path), path, 5, "unknown key")


def test_unknown_top_level_key(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    path = write(tmp_path, "mirrors: site\nsources:\n" + GOOD)
    assert_names(load_error(path), path, 1, "unknown", "mirrors")
