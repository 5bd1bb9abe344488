"""Inspectors of a build folder for the hostile corpus, and tests proving they catch leaks.

Read-only over ``--out``: every file, EPUB members unzipped, PDFs read three ways (raw and
inflated streams, embedded files and images via pypdf, text via pdftotext). The tests at the
bottom plant real leaks (a WeasyPrint attachment made with its default fetcher, a GPS JPEG, a
script element) and assert each inspector reports them, so a green corpus means something.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from PIL import Image

from tests.hostile_helpers import canary_png, make

ACTIVE_TAGS = {"script", "iframe", "object", "embed", "base", "frame", "frameset", "applet"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "file:", "data:image/svg")
URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "data", "poster")
XMP_GPS_MARKERS = (b"GPSLatitude", b"GPSLongitude", b"exif:GPS")
IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF")


@dataclass(frozen=True)
class Published:
    name: str  # relative to --out; EPUB members as "x.epub!EPUB/..."
    data: bytes


def published_files(out: Path) -> Iterator[Published]:
    for path in sorted(out.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        name = str(path.relative_to(out))
        data = path.read_bytes()
        yield Published(name, data)
        if path.suffix == ".epub":
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    for member in archive.namelist():
                        yield Published(f"{name}!{member}", archive.read(member))
            except zipfile.BadZipFile:
                continue


def symlinks_in(out: Path) -> list[str]:
    return [str(p) for p in out.rglob("*") if p.is_symlink()]


def pdf_streams(data: bytes) -> Iterator[bytes]:
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            yield zlib.decompress(match.group(1))
        except zlib.error:
            yield match.group(1)


def pdf_views(name: str, data: bytes) -> Iterator[tuple[str, bytes]]:
    """The PDF's inflated streams, embedded files, decoded images and pdftotext text."""
    from pypdf import PdfReader

    for stream in pdf_streams(data):
        yield f"{name} (a stream)", stream
    try:
        reader = PdfReader(io.BytesIO(data))
        for attached, contents in reader.attachments.items():
            yield f"{name} (attachment {attached})", b"".join(contents)
        for number, page in enumerate(reader.pages, 1):
            for annot in page.get("/Annots") or []:
                spec = annot.get_object().get("/FS")
                if spec is not None:
                    embedded = spec.get_object().get("/EF", {}).get("/F")
                    data_of = embedded.get_object().get_data() if embedded else b""
                    yield f"{name} (attachment annotation p{number})", data_of
            for image in page.images:
                if image.image is not None:
                    yield f"{name} (image p{number})", image.image.convert("RGB").tobytes()
    except Exception as error:  # a broken PDF is reported by the caller's other checks
        yield f"{name} (unreadable by pypdf: {error})", b""
    if shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True,
                              timeout=120, check=False)
        yield f"{name} (pdftotext)", done.stdout


def image_pixels(data: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.convert("RGB").tobytes()
    except Exception:
        return b""


def token_leaks(out: Path, token: str) -> list[str]:
    """Every place under ``out`` where ``token`` shows up, in any form we can decode."""
    needle = token.encode("ascii")
    found = []
    for item in published_files(out):
        views: list[tuple[str, bytes]] = [(item.name, item.data)]
        if item.name.lower().endswith(".pdf"):
            views += list(pdf_views(item.name, item.data))
        if item.data.startswith(IMAGE_MAGIC):
            views.append((f"{item.name} (pixels)", image_pixels(item.data)))
        found += [where for where, data in views if needle in data]
    return found


def pdf_actions(out: Path) -> list[str]:
    """Attachments, JavaScript, Launch actions and non-http(s)/mailto links in PDFs."""
    from pypdf import PdfReader

    problems = []
    for item in published_files(out):
        if not item.name.lower().endswith(".pdf") or "!" in item.name:
            continue
        reader = PdfReader(io.BytesIO(item.data))
        if reader.attachments:
            problems.append(f"{item.name}: attachments {sorted(reader.attachments)}")
        root: Any = reader.trailer["/Root"]
        if "/OpenAction" in root or "/JavaScript" in (root.get("/Names") or {}):
            problems.append(f"{item.name}: document-level action or JavaScript")
        for page in reader.pages:
            for annot in page.get("/Annots") or []:
                if annot.get_object().get("/Subtype") == "/FileAttachment":
                    problems.append(f"{item.name}: file attachment annotation")
                action = annot.get_object().get("/A") or {}
                kind = str(action.get("/S", ""))
                uri = str(action.get("/URI", ""))
                if kind in ("/Launch", "/JavaScript", "/ImportData", "/SubmitForm"):
                    problems.append(f"{item.name}: {kind} action")
                if uri and not re.match(r"(?i)^(https?|mailto):", uri):
                    problems.append(f"{item.name}: link to {uri[:80]}")
    return problems


def _is_markup(name: str) -> bool:
    return name.lower().endswith((".html", ".xhtml", ".htm", ".svg"))


def parse_markup(data: bytes) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.document_fromstring(data)
    except Exception:
        return None


def _clean_url(value: str) -> str:
    return re.sub(r"[\x00-\x20]", "", value).lower()


def active_content(out: Path) -> list[str]:
    """Elements and attributes that run code, embed files or fetch things, found by parsing."""
    problems = []
    for item in published_files(out):
        if not _is_markup(item.name):
            continue
        tree = parse_markup(item.data)
        if tree is None:
            problems.append(f"{item.name}: cannot be parsed")
            continue
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            tag = element.tag.rsplit("}", 1)[-1].lower()
            if tag in ACTIVE_TAGS and not _own_script(item.name, tag, element):
                problems.append(f"{item.name}: <{tag}> element")
            for attr, value in element.attrib.items():
                problems += _attribute_problems(item.name, tag, attr.lower(), value)
    return problems


# The one page with scripts: the site's search page, our own template with no contributor text,
# loading Pagefind's UI and our search.js, both by src and with no inline code.
OWN_SCRIPTS = {"search.html": {"pagefind/pagefind-ui.js", "search.js"}}


def _own_script(name: str, tag: str, element: Any) -> bool:
    return (tag == "script" and element.get("src") in OWN_SCRIPTS.get(name, set())
            and not (element.text or "").strip())


def _attribute_problems(name: str, tag: str, attr: str, value: str) -> list[str]:
    local = attr.rsplit("}", 1)[-1]
    problems = []
    if local.startswith("on"):
        problems.append(f"{name}: <{tag} {local}=...>")
    if local == "rel" and "attachment" in value.lower():
        problems.append(f"{name}: <{tag} rel={value!r}>")
    if local in URL_ATTRS or attr in URL_ATTRS:
        url = _clean_url(value)
        if url.startswith(BAD_SCHEMES):
            problems.append(f"{name}: <{tag} {local}={value[:60]!r}>")
        if tag in ("img", "image", "source", "video", "audio") and url.startswith(
                ("http:", "https:", "//")):
            problems.append(f"{name}: remote <{tag} {local}={value[:60]!r}>")
    if local == "style" and "url(" in value.lower():
        problems.append(f"{name}: <{tag} style={value[:60]!r}>")
    return problems


def epub_scripted(out: Path) -> list[str]:
    """OPF manifest items declaring scripted or remote-resources."""
    problems = []
    for item in published_files(out):
        if item.name.endswith(".opf") and re.search(rb"properties=\"[^\"]*(scripted|remote-"
                                                    rb"resources)", item.data):
            problems.append(f"{item.name}: scripted or remote-resources item")
    return problems


def exif_problems(out: Path) -> list[str]:
    """Published raster images that still carry EXIF (GPS above all)."""
    problems = []
    for item in published_files(out):
        if not item.data.startswith(IMAGE_MAGIC):
            continue
        if any(marker in item.data for marker in XMP_GPS_MARKERS):
            problems.append(f"{item.name}: GPS in XMP")
        try:
            with Image.open(io.BytesIO(item.data)) as image:
                image.load()  # a PNG's eXIf chunk may follow the pixel data
                exif = image.getexif()
                if exif.get_ifd(0x8825) or 0x8825 in exif:
                    problems.append(f"{item.name}: GPS EXIF")
                elif len(exif):
                    problems.append(f"{item.name}: EXIF tags {sorted(exif)[:8]}")
        except Exception:
            continue
    return problems


def markup_texts(out: Path) -> Iterator[tuple[str, bytes, str]]:
    """(name, raw bytes, text content) of every HTML/XHTML page, EPUB members included."""
    for item in published_files(out):
        if _is_markup(item.name) and not item.name.endswith(".svg"):
            tree = parse_markup(item.data)
            yield item.name, item.data, tree.text_content() if tree is not None else ""


def rtl_holders(out: Path, marker: str) -> tuple[list[str], list[str]]:
    """Pages holding ``marker`` with and without an element dir=rtl around it."""
    good: list[str] = []
    bad: list[str] = []
    for item in published_files(out):
        if not _is_markup(item.name) or marker.encode() not in item.data:
            continue
        tree = parse_markup(item.data)
        holders = [] if tree is None else [
            e for e in tree.iter() if isinstance(e.tag, str) and e.get("dir") == "rtl"
            and marker in e.text_content()]
        (good if holders else bad).append(item.name)
    return good, bad


def duplicate_ids(out: Path) -> list[str]:
    """id attributes used twice in one published page."""
    problems = []
    for item in published_files(out):
        if not _is_markup(item.name):
            continue
        tree = parse_markup(item.data)
        ids = [] if tree is None else [e.get("id") for e in tree.iter()
                                       if isinstance(e.tag, str) and e.get("id")]
        problems += [f"{item.name}: id {i!r} twice" for i in sorted(set(ids))
                     if ids.count(i) > 1]
    return problems


def epub_images(out: Path) -> list[str]:
    return [i.name for i in published_files(out)
            if ".epub!" in i.name and i.data.startswith(IMAGE_MAGIC)]


# ------------------------------------------------------------------ the inspectors catch leaks


def test_the_leak_detector_sees_a_weasyprint_attachment_and_a_canary_image(
        tmp_path: Path) -> None:
    from weasyprint import HTML

    token = "CANARYSELFTEST0123456789"
    (tmp_path / "secret.txt").write_text(token)
    (tmp_path / "c.png").write_bytes(canary_png(token))
    html = (f'<a rel="attachment" href="{tmp_path}/secret.txt">x</a>'
            f'<img src="{tmp_path}/c.png" style="width:3cm">')
    out = tmp_path / "out"
    out.mkdir()
    HTML(string=html, base_url=str(tmp_path)).write_pdf(out / "leak.pdf")
    leaks = token_leaks(out, token)
    assert any("attachment" in where for where in leaks), leaks
    assert any("image" in where for where in leaks), leaks
    assert pdf_actions(out)


def test_the_markup_inspector_sees_script_handlers_and_bad_links(tmp_path: Path) -> None:
    page = (b"<html><body><p onclick='x()'>a</p><script>x()</script>"
            b"<a href=' jav\tascript:alert(1)'>b</a><a rel=attachment href=x>c</a></body></html>")
    (tmp_path / "a.xhtml").write_bytes(page)
    problems = active_content(tmp_path)
    assert len(problems) == 4, problems


@pytest.mark.parametrize("recipe", ["jpeg_gps", "webp_gps", "png_gps", "jpeg_xmp_gps"])
def test_the_exif_inspector_sees_gps_in_an_epub_member(tmp_path: Path, recipe: str) -> None:
    make(tmp_path / "src", {recipe: {"path": "a.img"}})
    with zipfile.ZipFile(tmp_path / "x.epub", "w") as archive:
        archive.writestr("EPUB/images/a.img", (tmp_path / "src" / "a.img").read_bytes())
    problems = exif_problems(tmp_path)
    assert problems and all("GPS" in p for p in problems), problems


@pytest.mark.parametrize("leak", ["raw", "zip"])
def test_the_leak_detector_sees_a_copied_canary_png(tmp_path: Path, leak: str) -> None:
    data = canary_png("CANARYCOPIED")
    if leak == "raw":
        (tmp_path / "x.png").write_bytes(data)
    else:
        with zipfile.ZipFile(tmp_path / "x.epub", "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("EPUB/a.png", data)
    assert token_leaks(tmp_path, "CANARYCOPIED")
