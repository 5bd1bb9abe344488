"""The resource fetcher: the one place that decides what a renderer may load."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.render_helpers import make_article, make_issue, make_zine, png_bytes, write_png
from zine.model.rendered import MediaItem
from zine.render.issue import render_issue
from zine.safety.fetcher import (
    BASE_URL,
    MAX_RESOURCE_BYTES,
    ResourceDenied,
    RestrictedFetcher,
    Styles,
    packaged_styles,
)

MEDIA = MediaItem("media/0123456789abcdef.png", "image/png", png_bytes(), 40, 30)


@pytest.fixture
def fetcher(tmp_path: Path) -> RestrictedFetcher:
    article_dir = tmp_path / "articles" / "one"
    article_dir.mkdir(parents=True)
    (article_dir / "ok.png").write_bytes(png_bytes())
    return RestrictedFetcher({MEDIA.name: MEDIA}, [article_dir])


def refused(fetcher: RestrictedFetcher, url: str) -> str:
    with pytest.raises(ResourceDenied) as caught:
        fetcher.fetch(url)
    assert fetcher.denied[-1] == (url, caught.value.reason)
    return caught.value.reason


# -- served ----------------------------------------------------------------------------------

def test_serves_generated_media_from_the_map(fetcher: RestrictedFetcher) -> None:
    response = fetcher.fetch(BASE_URL + MEDIA.name)
    assert response.read() == MEDIA.data
    assert response.content_type == "image/png"
    assert fetcher.denied == []


def test_serves_styles_and_fonts(fetcher: RestrictedFetcher) -> None:
    css = fetcher.fetch(BASE_URL + "styles/base.css")
    assert css.content_type == "text/css" and b"@import" in css.read()
    font = fetcher.fetch(BASE_URL + "styles/fonts/NotoSerif-Regular.ttf")
    assert font.content_type == "font/ttf" and font.read()[:4] == b"\x00\x01\x00\x00"


def test_serves_regular_files_inside_an_allowed_root(fetcher: RestrictedFetcher) -> None:
    path = fetcher.roots[1] / "ok.png"
    assert fetcher.fetch(path.as_uri()).read() == path.read_bytes()


def test_serves_data_urls_of_raster_images(fetcher: RestrictedFetcher) -> None:
    import base64

    url = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    assert fetcher.fetch(url).read() == png_bytes()


def test_the_packaged_styles_serve_every_shared_file() -> None:
    packaged = packaged_styles()
    fonts = [f"fonts/{p.name}" for p in (packaged / "fonts").iterdir()
             if p.suffix in (".ttf", ".otf")]
    names = ["base.css", "fonts.css", "code.css", "code-dark.css", "screen.css", "pdf.css",
             "epub.css", "html.css", "fonts/OFL.txt", *fonts]
    assert len(fonts) >= 6
    for name in names:
        assert Styles.of_root(None).read(name) == (packaged / name).read_bytes()


def test_the_defaults_live_in_the_package_and_the_repository_root_only_overrides() -> None:
    import zine

    assert packaged_styles() == Path(zine.__file__).resolve().parent / "styles"
    repo = Path(__file__).resolve().parents[1]
    assert not (repo / "styles").exists()  # the sample root uses the defaults as shipped
    assert Styles.of_root(repo).folders == (packaged_styles(),)


# -- a zine root's own styles/ ---------------------------------------------------------------

def a_root(tmp_path: Path, files: dict[str, bytes] | None = None) -> Path:
    """A zine root whose styles/ holds ``files`` (relative name -> bytes)."""
    root = tmp_path / "root"
    (root / "styles").mkdir(parents=True)
    (root / "zine.yaml").write_text("title: T\n", encoding="utf-8")
    for name, data in (files or {}).items():
        path = root / "styles" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def test_a_root_overrides_the_defaults_file_by_file(tmp_path: Path) -> None:
    root = a_root(tmp_path, {"epub.css": b"p { color: red }", "fonts/NotoSerif-Regular.ttf": b""})
    styles = Styles.of_root(root)
    assert styles.read("epub.css") == b"p { color: red }"
    assert styles.read("fonts/NotoSerif-Regular.ttf") == b""
    assert styles.read("base.css") == (packaged_styles() / "base.css").read_bytes()
    assert styles.read("fonts/NotoSans-Bold.ttf") == (
        packaged_styles() / "fonts" / "NotoSans-Bold.ttf").read_bytes()
    fetcher = RestrictedFetcher({}, styles=styles)
    assert fetcher.fetch(BASE_URL + "styles/epub.css").read() == b"p { color: red }"
    assert fetcher.fetch(BASE_URL + "styles/pdf.css").read() == (
        packaged_styles() / "pdf.css").read_bytes()
    assert "epub.css" in styles.names() and "pdf.css" in styles.names()


def test_styles_come_from_the_root_never_from_the_working_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "cwd"
    (elsewhere / "styles").mkdir(parents=True)
    (elsewhere / "styles" / "base.css").write_text("evil", encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    assert Styles.of_root(None).read("base.css") != b"evil"
    root = a_root(tmp_path)
    assert Styles.of_root(root).read("base.css") != b"evil"
    refused(RestrictedFetcher({}, styles=Styles.of_root(root)),
            (elsewhere / "styles" / "base.css").as_uri())


def test_a_refused_override_is_an_error_not_the_default(tmp_path: Path) -> None:
    root = a_root(tmp_path)
    (root / "styles" / "epub.css").symlink_to("/etc/passwd")
    os.mkfifo(root / "styles" / "pdf.css")
    styles = Styles.of_root(root)
    with pytest.raises(ResourceDenied, match="outside"):
        styles.read("epub.css")
    with pytest.raises(ResourceDenied, match="regular"):
        styles.read("pdf.css")
    fetcher = RestrictedFetcher({}, styles=styles)
    refused(fetcher, BASE_URL + "styles/epub.css")
    refused(fetcher, BASE_URL + "styles/pdf.css")


def test_file_urls_reach_both_style_folders_and_nothing_beside_them(tmp_path: Path) -> None:
    root = a_root(tmp_path, {"extra.css": b"x"})
    (root / "secret.css").write_text("zine.yaml is beside styles/", encoding="utf-8")
    fetcher = RestrictedFetcher({}, styles=Styles.of_root(root))
    assert fetcher.fetch((root / "styles" / "extra.css").as_uri()).read() == b"x"
    assert fetcher.fetch((packaged_styles() / "base.css").as_uri()).read()
    refused(fetcher, (root / "secret.css").as_uri())
    refused(fetcher, (packaged_styles().parent / "fetcher.py").as_uri())


def test_the_digest_changes_with_an_override_and_only_then(tmp_path: Path) -> None:
    root = a_root(tmp_path)
    before = Styles.of_root(root).digest
    assert Styles.of_root(root).digest == before == Styles.of_root(None).digest
    (root / "styles" / "epub.css").write_text("p { color: red }", encoding="utf-8")
    added = Styles.of_root(root).digest
    (root / "styles" / "epub.css").write_text("p { color: blue }", encoding="utf-8")
    edited = Styles.of_root(root).digest
    (root / "styles" / "fonts").mkdir()
    (root / "styles" / "fonts" / "NotoSerif-Regular.ttf").write_bytes(b"font")
    font = Styles.of_root(root).digest
    assert len({before, added, edited, font}) == 4


# -- refused ---------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "/etc/passwd",
    BASE_URL + "etc/passwd",
    BASE_URL + "styles/../../../../etc/passwd",
    BASE_URL + "styles/%2e%2e/%2e%2e/etc/passwd",
    BASE_URL + "styles/%252e%252e/zine/fetcher.py",
    BASE_URL + "styles/..%2f..%2fetc/passwd",
    BASE_URL + "media/../styles/base.css",
    BASE_URL + "media/unknown.png",
    "http://127.0.0.1/",
    "https://example.org/font.ttf",
    "ftp://example.org/x",
    "file:///proc/self/environ",
    "file:///dev/zero",
    "file://remotehost/etc/passwd",
    "data:text/html,<script>alert(1)</script>",
    "data:image/svg+xml,<svg/>",
    "javascript:alert(1)",
])
def test_refuses_everything_else(fetcher: RestrictedFetcher, url: str) -> None:
    refused(fetcher, url)


def test_refuses_dotdot_out_of_an_allowed_root(fetcher: RestrictedFetcher) -> None:
    root = fetcher.roots[1]
    (root.parent / "secret.png").write_bytes(png_bytes())
    assert "'..'" in refused(fetcher, f"file://{root}/../secret.png")


def test_refuses_symlinks_that_escape(fetcher: RestrictedFetcher, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("token")
    link = fetcher.roots[1] / "innocent.png"
    link.symlink_to(secret)
    assert "outside" in refused(fetcher, link.as_uri())
    (fetcher.roots[1] / "passwd.css").symlink_to("/etc/passwd")
    refused(fetcher, (fetcher.roots[1] / "passwd.css").as_uri())


def test_refuses_symlinks_in_styles_that_escape(tmp_path: Path) -> None:
    root = a_root(tmp_path)
    (root / "styles" / "evil.css").symlink_to("/etc/passwd")
    styles = Styles.of_root(root)
    with pytest.raises(ResourceDenied):
        styles.read("evil.css")
    for climbing in ("../zine.yaml", "%2e%2e/zine.yaml", "fonts/../../zine.yaml", "/etc/passwd"):
        with pytest.raises(ResourceDenied):
            styles.read(climbing)
    fetcher = RestrictedFetcher({}, styles=styles)
    refused(fetcher, BASE_URL + "styles/evil.css")
    refused(fetcher, BASE_URL + "styles/%2e%2e/zine.yaml")


def test_refuses_fifos_devices_and_directories(fetcher: RestrictedFetcher) -> None:
    root = fetcher.roots[1]
    os.mkfifo(root / "pipe.png")
    assert "regular" in refused(fetcher, (root / "pipe.png").as_uri())  # and does not hang
    (root / "zero.png").symlink_to("/dev/zero")
    refused(fetcher, (root / "zero.png").as_uri())
    (root / "folder").mkdir()
    refused(fetcher, (root / "folder").as_uri())


def test_refuses_files_above_the_size_cap(fetcher: RestrictedFetcher) -> None:
    big = fetcher.roots[1] / "big.png"
    with big.open("wb") as handle:
        handle.truncate(MAX_RESOURCE_BYTES + 1)  # sparse: no real disk use
    assert "larger" in refused(fetcher, big.as_uri())


# -- with WeasyPrint ---------------------------------------------------------------------------

@pytest.mark.slow
def test_weasyprint_loads_only_what_the_fetcher_serves(tmp_path: Path) -> None:
    import pypdf
    from weasyprint import HTML

    write_png(tmp_path / "cat.png", (64, 48), "blue")
    article = make_article('![cat](cat.png "Cap")\n', tmp_path)
    rendered, _ = render_issue(make_zine(tmp_path), make_issue(tmp_path, (article,)))
    fetcher = RestrictedFetcher.for_issue(rendered)
    html = ('<html><head><link rel="stylesheet" href="styles/base.css"/>'
            '<link rel="stylesheet" href="http://127.0.0.1:9/x.css"/></head><body>'
            f'{rendered.fragments["art"].html}'
            '<img src="/etc/passwd" alt=""/><a rel="attachment" href="file:///etc/passwd">x</a>'
            '</body></html>')
    out = tmp_path / "out.pdf"
    HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf(out)
    denied = {url for url, _ in fetcher.denied}
    assert {"http://127.0.0.1:9/x.css", BASE_URL + "etc/passwd", "file:///etc/passwd"} <= denied
    reader = pypdf.PdfReader(out)
    images = [image for page in reader.pages for image in page.images]
    assert [(i.image.width, i.image.height) for i in images] == [(64, 48)]
    assert not reader.attachments
    assert str(tmp_path) not in out.read_bytes().decode("latin-1")
