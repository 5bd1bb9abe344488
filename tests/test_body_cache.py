"""Parsed article bodies kept between builds (``zine.runtime.bodycache``).

A body read back from the cache is the body ``parse_body`` makes of the same text, on every
CommonMark and GFM spec example and on the sample issue; a rebuild after one edit parses that
article only; what the body reads from the file system (which file an image names) is looked
up again, and an entry that does not decode is a miss, never an error.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.cache_helpers import copy_content, fake_edition, first_article, use_editions
from tests.spec_harness import examples
from zine.build import build_project
from zine.load.loader import load_project
from zine.load.markdown import parse_body
from zine.model import Body
from zine.runtime import bodycache
from zine.runtime.cache import cache_home

FORMATS = ("epub", "pdf", "html")


def round_trip(text: str, path: Path, folder: Path) -> tuple[object, object]:
    body = parse_body(text, language="en", path=path, first_line=5, folder=folder)
    return body, bodycache.decode(bodycache.encode(body, path), path, folder)


def test_every_spec_example_reads_back_as_the_body_it_was_parsed_into(tmp_path: Path) -> None:
    path = tmp_path / "index.md"
    found = examples()
    assert len(found) > 600
    for example in found:
        body, back = round_trip(example.markdown, path, tmp_path)
        assert back == body, example.name


def test_the_sample_issue_loads_the_same_through_the_cache(tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    plain, plain_diags = load_project(content)
    cache = bodycache.BodyCache(tmp_path / "out")
    first = load_project(content, parse=cache.parse)
    assert not (cache_home(tmp_path / "out") / "bodies").exists()  # nothing before save()
    cache.save()
    second = load_project(content, parse=cache.parse)  # every body from the cache
    assert first == second == (plain, plain_diags)
    entries = list((cache_home(tmp_path / "out") / "bodies").iterdir())
    assert len(entries) == sum(len(issue.articles) for issue in plain.issues)
    assert all(str(tmp_path).encode() not in entry.read_bytes() for entry in entries)


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files whose bodies are parsed (not read back from the cache), in one process with
    fake editions."""
    files: list[Path] = []

    def counting(text: str, **where: object) -> object:
        files.append(Path(str(where["path"])))
        return parse_body(text, **where)  # type: ignore[arg-type]

    monkeypatch.setattr(bodycache, "parse_body", counting)
    use_editions(monkeypatch, **{name: fake_edition(name) for name in FORMATS})
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    monkeypatch.setattr("zine.editions.html.render_site", lambda zine, issues, out: [],
                        raising=False)
    return files


def build(content: Path, out: Path) -> list[str]:
    result = build_project([], formats=FORMATS, out_dir=out, root=content)
    return [d.format() for d in result.diagnostics if d.is_error]


def test_a_rebuild_after_one_edit_parses_that_article_only(tmp_path: Path,
                                                          parsed: list[Path]) -> None:
    content, out = copy_content(tmp_path / "content"), tmp_path / "out"
    assert build(content, out) == []
    assert len(parsed) > 3
    article = first_article(content)
    article.write_text(article.read_text(encoding="utf-8") + "\nA sentence added.\n",
                       encoding="utf-8")
    parsed.clear()
    assert build(content, out) == []
    assert parsed == [article]
    fake_epub = next(out.rglob("*.epub"))
    assert "A sentence added." in fake_epub.read_text(encoding="utf-8")


def test_no_cache_parses_every_article_and_keeps_no_body(tmp_path: Path,
                                                         parsed: list[Path]) -> None:
    content, out = copy_content(tmp_path / "content"), tmp_path / "out"
    build_project([], formats=FORMATS, out_dir=out, root=content, use_cache=False)
    first = len(parsed)
    build_project([], formats=FORMATS, out_dir=out, root=content, use_cache=False)
    assert len(parsed) == 2 * first
    assert not (cache_home(out) / "bodies").exists()


def test_an_image_added_beside_an_unchanged_text_is_found_on_the_next_build(
        tmp_path: Path, parsed: list[Path]) -> None:
    content, out = copy_content(tmp_path / "content"), tmp_path / "out"
    article = first_article(content)
    picture = article.parent / "added-later.png"
    article.write_text(article.read_text(encoding="utf-8")
                       + "\n![A picture added later](added-later.png)\n", encoding="utf-8")
    errors = build(content, out)
    assert any("added-later.png" in e for e in errors), errors
    image = next(p for p in content.rglob("*.png") if p != picture)
    picture.write_bytes(image.read_bytes())
    parsed.clear()
    assert build(content, out) == []
    assert article not in parsed  # its body came from the cache, the image was looked up again
    picture.unlink()
    assert any("added-later.png" in e for e in build(content, out))


def test_a_damaged_entry_is_parsed_again(tmp_path: Path, parsed: list[Path]) -> None:
    content, out = copy_content(tmp_path / "content"), tmp_path / "out"
    assert build(content, out) == []
    for entry in (cache_home(out) / "bodies").iterdir():  # a valid checksum of wrong data
        data = b'{"tokens": [["not a token"]]}'
        entry.write_bytes(hashlib.sha256(data).hexdigest().encode() + b"\n" + data)
    article = first_article(content)
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n",
                       encoding="utf-8")  # not a no-op
    parsed.clear()
    assert build(content, out) == []
    assert len(parsed) > 3


def test_a_body_an_entry_cannot_hold_exactly_is_not_kept(tmp_path: Path) -> None:
    path = tmp_path / "index.md"

    def body() -> Body:
        return parse_body("# Title\n\nText[^1].\n\n[^1]: A note.\n", language="en", path=path,
                          first_line=1, folder=tmp_path)

    odd = body()
    odd.tokens[1].meta["not-json"] = (1, 2)  # JSON would give back a list
    with pytest.raises(bodycache.NotCacheable):
        bodycache.encode(odd, path)
    with pytest.raises(bodycache.NotCacheable):  # its positions point into another file
        bodycache.encode(body(), tmp_path / "other.md")
    assert bodycache.decode(bodycache.encode(body(), path), path, tmp_path) == body()
