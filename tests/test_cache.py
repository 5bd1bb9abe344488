"""The build cache (``zine.runtime.cache``): a no-op rebuild writes nothing, any change rebuilds.

These use fake editions (``tests.cache_helpers``) so each build is quick; the real editions
are in ``test_incremental.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cache_helpers import copy_content, fake_edition, first_article, snapshot, use_editions
from zine.build import build_project
from zine.runtime import cache

FORMATS = ("epub", "pdf", "html")
# The sample issue has an English (main) and a German edition: EPUB and PDF are made once per
# language, the website once.
EVERY = sorted(["epub", "pdf"] * 2 + ["html"])
# The build record lost or refused while the editions' own records still match: only the
# website is made again (``zine.runtime.editioncache`` hands the other editions back).
AFTER_RECORD_LOST = ["html"]


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Edition calls recorded in this process (cpu_count 1: no worker processes)."""
    made: list[str] = []
    use_editions(monkeypatch, **{name: fake_edition(name, made) for name in FORMATS})
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    monkeypatch.setattr("zine.editions.html.render_site", lambda zine, issues, out: [],
                        raising=False)
    return made


def build(content: Path, out: Path, **options: object) -> list[str]:
    result = build_project([], formats=FORMATS, out_dir=out, root=content, **options)  # type: ignore[arg-type]
    assert not result.failed, [d.format() for d in result.diagnostics]
    return sorted(result.built)


def test_a_no_op_rebuild_renders_nothing_and_leaves_every_file_untouched(
        tmp_path: Path, calls: list[str]) -> None:
    content, out = copy_content(tmp_path / "content"), tmp_path / "out"
    built = build(content, out)
    assert sorted(calls) == sorted(EVERY * len(built))
    before = snapshot(out)
    calls.clear()
    assert build(content, out) == built
    assert calls == []
    assert snapshot(out) == before  # same bytes, same mtimes, cache included


def test_editing_an_article_rebuilds_with_the_new_text(tmp_path: Path,
                                                       calls: list[str]) -> None:
    content, out = copy_content(tmp_path / "content"), tmp_path / "out"
    issue = build(content, out)[0]
    article = first_article(content)
    article.write_text(article.read_text(encoding="utf-8") + "\nA freshly edited line.\n",
                       encoding="utf-8")
    calls.clear()
    build(content, out)
    assert sorted(calls) == EVERY
    assert "A freshly edited line." in (out / issue / f"{issue}.epub").read_text()


def test_no_cache_rebuilds_everything_and_writes_no_cache(tmp_path: Path,
                                                          calls: list[str]) -> None:
    content, out = copy_content(tmp_path / "content"), tmp_path / "fresh"
    build(content, out, use_cache=False)
    assert not (out / cache.CACHE_DIR).exists()
    build(content, out)
    calls.clear()
    build(content, out, use_cache=False)
    assert sorted(calls) == EVERY


def test_a_changed_or_deleted_output_is_rebuilt(tmp_path: Path, calls: list[str]) -> None:
    content, out = copy_content(tmp_path / "content"), tmp_path / "out"
    issue = build(content, out)[0]
    pdf = out / issue / f"{issue}.pdf"
    good = pdf.read_bytes()
    pdf.write_bytes(b"tampered")
    calls.clear()
    build(content, out)
    assert calls and pdf.read_bytes() == good
    pdf.unlink()
    build(content, out)
    assert pdf.read_bytes() == good


@pytest.mark.parametrize("damage", [
    b"", b"{not json", b'{"format": 1, "key": 7, "outputs": "x"}', b"\xff\xfe\x00garbage",
])
def test_a_corrupted_build_record_is_ignored(tmp_path: Path, calls: list[str],
                                             damage: bytes) -> None:
    content, out = copy_content(tmp_path / "content"), tmp_path / "out"
    build(content, out)
    clean = {k: v[0] for k, v in snapshot(out).items()}
    (cache.cache_home(out) / "build.json").write_bytes(damage)
    calls.clear()
    build(content, out)
    assert sorted(calls) == AFTER_RECORD_LOST
    assert {k: v[0] for k, v in snapshot(out).items()} == clean


def test_a_record_pointing_outside_the_output_folder_is_ignored(
        tmp_path: Path, calls: list[str]) -> None:
    content, out = copy_content(tmp_path / "content"), tmp_path / "out"
    build(content, out)
    record = cache.cache_home(out) / "build.json"
    data = json.loads(record.read_text())
    data["outputs"].append({"path": "../../etc/passwd", "sha256": "0" * 64})
    record.write_text(json.dumps(data))
    calls.clear()
    build(content, out)
    assert sorted(calls) == AFTER_RECORD_LOST


def test_a_corrupted_media_entry_is_ignored_and_replaced(tmp_path: Path,
                                                         calls: list[str]) -> None:
    content, out = copy_content(tmp_path / "content"), tmp_path / "out"
    issue = build(content, out)[0]
    good = (out / issue / f"{issue}.epub").read_bytes()
    entries = sorted((cache.cache_home(out) / "media").glob("*.bin"))
    assert entries, "the sample issue has images: they are cached"
    for entry in entries:
        blob = bytearray(entry.read_bytes())
        blob[-1] ^= 0xFF
        entry.write_bytes(bytes(blob))
    (cache.cache_home(out) / "build.json").unlink()
    build(content, out)
    assert (out / issue / f"{issue}.epub").read_bytes() == good
    fresh = tmp_path / "fresh"
    build(content, fresh, use_cache=False)
    assert snapshot(out)[f"{issue}/{issue}.epub"][0] == snapshot(fresh)[f"{issue}/{issue}.epub"][0]


def test_the_cache_holds_no_absolute_path(tmp_path: Path, calls: list[str]) -> None:
    content, out = copy_content(tmp_path / "content"), tmp_path / "out"
    build(content, out)
    record = (cache.cache_home(out) / "build.json").read_text()
    assert str(tmp_path) not in record


def test_a_failed_build_writes_no_cache_record(tmp_path: Path, calls: list[str]) -> None:
    content, out = copy_content(tmp_path / "content"), tmp_path / "out"
    first_article(content).write_text("---\ntitle: [unclosed\n---\nBody.\n", encoding="utf-8")
    result = build_project([], formats=FORMATS, out_dir=out, root=content)
    assert result.failed
    assert not (cache.cache_home(out) / "build.json").exists()


def test_changing_the_options_is_not_a_no_op(tmp_path: Path, calls: list[str]) -> None:
    content, out = copy_content(tmp_path / "content"), tmp_path / "out"
    build(content, out)
    calls.clear()
    build(content, out, strict_mode=True)
    assert sorted(calls) == AFTER_RECORD_LOST


def test_source_date_epoch_is_part_of_the_key(tmp_path: Path, calls: list[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    content, out = copy_content(tmp_path / "content"), tmp_path / "out"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    build(content, out)
    calls.clear()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(content, out)
    assert sorted(calls) == EVERY


def test_the_content_digest_follows_symbolic_links_and_survives_loops(tmp_path: Path) -> None:
    import hashlib

    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "photo.png").write_bytes(b"one")
    issues = tmp_path / "issues"
    (issues / "01-a").mkdir(parents=True)
    (issues / "01-a" / "images").symlink_to(shared, target_is_directory=True)
    (issues / "01-a" / "loop").symlink_to(issues, target_is_directory=True)

    def digest() -> str:
        feed = hashlib.sha256()
        cache.tree_digest(feed, issues)
        return feed.hexdigest()

    before = digest()
    (shared / "photo.png").write_bytes(b"two")
    assert digest() != before


def test_a_rebuild_does_not_decode_again_an_image_the_cache_has_processed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zine.media import images as media

    content, out = copy_content(tmp_path / "c"), tmp_path / "out"
    use_editions(monkeypatch, **{name: fake_edition(name) for name in FORMATS})
    build_project([], formats=FORMATS, out_dir=out, root=content, use_cache=True)
    decoded: list[int] = []
    real = media.open_checked

    def counting(data: bytes) -> object:
        decoded.append(len(data))
        return real(data)

    monkeypatch.setattr(media, "open_checked", counting)
    monkeypatch.setattr("zine.check.images.open_checked", counting)
    article = first_article(content)
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n",
                       encoding="utf-8")
    build_project([], formats=FORMATS, out_dir=out, root=content, use_cache=True)
    assert decoded == []  # the sample's images were checked and processed by the first build
    build_project([], formats=FORMATS, out_dir=tmp_path / "fresh", root=content,
                  use_cache=True)
    assert decoded  # a fresh output folder has no cache: every image is decoded again


def test_nothing_under_the_output_folder_is_a_cache_file(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """What gets published is the output folder: the cache lives beside it, keyed by it."""
    use_editions(monkeypatch, **{name: fake_edition(name) for name in ("epub", "pdf", "html")})
    content = copy_content(tmp_path / "c")
    out = tmp_path / "site" / "build"
    build_project([], formats=("epub", "pdf", "html"), out_dir=out, root=content)
    home = cache.cache_home(out)
    assert home.parent == tmp_path / "site" / cache.CACHE_DIR
    assert (home / "build.json").is_file() and list((home / "media").glob("*.bin"))
    assert not [p for p in out.rglob("*") if ".cache" in p.parts or p.suffix == ".bin"]
    assert cache.cache_home(tmp_path / "site" / "other") != home


@pytest.mark.parametrize("plant", ["symlink", "file"])
def test_a_cache_folder_beside_the_output_that_is_not_ours_is_not_used(
        tmp_path: Path, calls: list[str], plant: str, caplog: pytest.LogCaptureFixture) -> None:
    """``--out /tmp/x`` puts the cache in ``/tmp/.cache/``: where that is a symbolic link
    (anyone can make one in /tmp) or not a folder, the build runs without the cache and
    writes nothing through it."""
    content, shared = copy_content(tmp_path / "content"), tmp_path / "shared"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shared.mkdir()
    if plant == "symlink":
        (shared / cache.CACHE_DIR).symlink_to(elsewhere)
    else:
        (shared / cache.CACHE_DIR).write_text("not a folder")
    out = shared / "out"
    assert cache.cache_refused(out)
    build(content, out)
    calls.clear()
    build(content, out)
    assert sorted(calls) == EVERY  # no record was kept: built again
    assert list(elsewhere.iterdir()) == []
    assert "building without the cache" in caplog.text
    assert cache.cache_refused(tmp_path / "fine" / "out") == ""
