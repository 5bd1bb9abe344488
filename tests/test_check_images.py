"""Images at check time: inside the article's folder, decodable, sized, of an allowed format."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.check_helpers import article, write_tree
from zine.check.run import check_project

PICS = "issues/01-base/articles/pics/"


def image_bytes(fmt: str, size: tuple[int, int] = (8, 6)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, fmt)
    return buffer.getvalue()


def check(tree: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(tree)
    return sorted(f"{d.code} {d.message}" for d in check_project([], None))


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_allowed_formats_pass_whatever_their_file_name(fmt: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {PICS + "index.md": article(body="![A picture](picture.img)\n"),
                          PICS + "picture.img": image_bytes(fmt)})
    assert check(tmp_path, monkeypatch) == []


def test_a_symlink_out_of_the_article_folder_is_refused(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "outside.png").write_bytes(image_bytes("PNG"))
    write_tree(tmp_path / "zine", {PICS + "index.md": article(body="![Leak](leak.png)\n")})
    (tmp_path / "zine" / PICS / "leak.png").symlink_to(tmp_path / "outside.png")
    assert check(tmp_path / "zine", monkeypatch) == [
        "Z402 image leak.png leads outside the article's folder pics/"]


def test_a_single_file_article_may_use_images_beside_it_but_not_above(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"issues/01-base/articles/solo.md":
                          article(body="![Ok](img/ok.png)\n\n![No](../cover.png)\n"),
                          "issues/01-base/articles/img/ok.png": image_bytes("PNG"),
                          "issues/01-base/cover.png": image_bytes("PNG")})
    assert check(tmp_path, monkeypatch) == [
        "Z402 image ../cover.png leads outside the article's folder articles/"]


def test_a_broken_cover_is_reported_and_an_svg_cover_is_accepted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"issues/01-base/cover.png": image_bytes("PNG")[:40]})
    assert [m.split(":")[0] for m in check(tmp_path, monkeypatch)] == [
        "Z405 image cover.png cannot be read as an image"]
    (tmp_path / "issues/01-base/cover.png").unlink()
    write_tree(tmp_path, {"issues/01-base/cover.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>'})
    assert check(tmp_path, monkeypatch) == []



def test_images_inspected_in_threads_give_the_same_verdicts_even_with_weasyprint_loaded(
        tmp_path: Path) -> None:
    from PIL import ImageFile

    from zine.check import images as imagecheck

    good = tmp_path / "good.png"
    good.write_bytes(image_bytes("PNG", (40, 30)))
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(image_bytes("JPEG", (400, 300))[:-400])
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    paths = [good, truncated, fake] * 3
    alone = [imagecheck.inspect_image(p) for p in paths]
    ImageFile.LOAD_TRUNCATED_IMAGES = True  # what importing WeasyPrint does
    try:
        checks = imagecheck.ImageChecks()
        checks.prefetch(paths)
        together = [checks.inspect(p) for p in paths]
        assert ImageFile.LOAD_TRUNCATED_IMAGES  # restored after the block
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False
    assert together == alone
    assert alone[0] is None and alone[1] is not None and alone[2] is not None
    good.write_bytes(b"now broken")  # a later check reads the files again
    assert imagecheck.inspect_image(good) is not None and checks.inspect(good) is None
