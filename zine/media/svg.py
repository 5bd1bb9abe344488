"""Render stage, SVG covers: an issue's ``cover.svg`` -> a sanitised SVG, then a PNG.

Called by ``zine.media.images.process_image(path, allow_svg=True)`` for issue covers only (checks
reject SVG inside articles). Reads the bytes it is given and writes only temporary files
in a private temporary folder; no network.

Untrusted SVG is first cut down to an allow-list (shapes, paths, text, gradients; no
script, no style sheets, no foreign objects, no external references, no entities), then
drawn by WeasyPrint through ``RestrictedFetcher`` into a one-page PDF, which poppler's
``pdftoppm`` turns into a PNG, so every edition gets a raster cover with known pixels.
Without ``pdftoppm`` the sanitised SVG itself is returned (an EPUB core media type).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from lxml import etree

from zine.model.rendered import MediaItem
from zine.safety.fetcher import BASE_URL, RestrictedFetcher

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
COVER_WIDTH = 1200
MAX_SVG_BYTES = 2 * 1024 * 1024

ELEMENTS = frozenset({
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text",
    "tspan", "defs", "linearGradient", "radialGradient", "stop", "title", "desc", "clipPath",
    "use", "symbol",
})
ATTRIBUTES = frozenset({
    "id", "class", "width", "height", "viewBox", "preserveAspectRatio", "x", "y", "x1", "y1",
    "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "d", "points", "transform", "fill",
    "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
    "stroke-linejoin", "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "opacity",
    "font-family", "font-size", "font-weight", "font-style", "text-anchor", "letter-spacing",
    "dominant-baseline", "dx", "dy", "offset", "stop-color", "stop-opacity",
    "gradientUnits", "gradientTransform", "spreadMethod", "clip-path", "clip-rule",
    "clipPathUnits", "href", "version", "direction", "writing-mode", "lang",
})
_URL_VALUE = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)


class SvgError(ValueError):
    """An SVG that cannot be made safe; the message is the reason."""


def sanitise_svg(data: bytes) -> tuple[bytes, int, int]:
    """(safe SVG bytes, width, height in px) or ``SvgError`` saying why not."""
    if len(data) > MAX_SVG_BYTES:
        raise SvgError(f"SVG is larger than {MAX_SVG_BYTES // (1024 * 1024)} MB")
    if re.search(rb"<!(ENTITY|DOCTYPE)", data, re.IGNORECASE):
        raise SvgError("SVG with a DOCTYPE or entities is not accepted")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise SvgError(f"not well-formed XML ({error})") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise SvgError("the root element is not <svg> in the SVG namespace")
    _clean(root)
    width, height = _size(root)
    root.set("width", str(width))
    root.set("height", str(height))
    return etree.tostring(root, encoding="utf-8", xml_declaration=True), width, height


def _clean(element: etree._Element) -> None:
    """Drop every element and attribute not on the allow-lists, recursively, in place."""
    for child in list(element):
        tag = child.tag if isinstance(child.tag, str) else ""
        if not tag.startswith(f"{{{SVG_NS}}}") or tag.split("}")[1] not in ELEMENTS:
            element.remove(child)
            continue
        _clean(child)
    for name in list(element.attrib):
        local = name.split("}")[-1]
        value = element.attrib[name]
        namespace = name[1:].split("}")[0] if name.startswith("{") else ""
        allowed = local in ATTRIBUTES and namespace in ("", XLINK_NS)
        if allowed and local == "href":
            allowed = value.startswith("#")
        if not allowed or _URL_VALUE.search(value):
            del element.attrib[name]


def _number(value: str | None) -> float | None:
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*(px)?\s*", value or "")
    return float(match.group(1)) if match else None


def _size(root: etree._Element) -> tuple[int, int]:
    """Pixel size from width/height, else from the viewBox, else a portrait default."""
    width, height = _number(root.get("width")), _number(root.get("height"))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if (width is None or height is None) and len(box) == 4:
        try:
            box_w, box_h = float(box[2]), float(box[3])
        except ValueError:
            box_w = box_h = 0.0
        if box_w > 0 and box_h > 0:
            width, height = box_w, box_h
            if not root.get("viewBox"):
                root.set("viewBox", f"0 0 {box_w} {box_h}")
    if not width or not height:
        width, height = 1200.0, 1700.0
    scale = COVER_WIDTH / width
    return COVER_WIDTH, max(1, min(4 * COVER_WIDTH, round(height * scale)))


def svg_cover(data: bytes) -> tuple[str, bytes, int, int]:
    """The cover drawn from the sanitised SVG: ``("png", png, width, height)``, or the sanitised
    SVG itself (``"svg"``) when poppler is missing; ``zine.media.images`` makes the item."""
    svg, width, height = sanitise_svg(data)
    png = _rasterise(svg, width, height)
    if png is not None:
        return "png", png, width, height
    return "svg", svg, width, height


def _rasterise(svg: bytes, width: int, height: int) -> bytes | None:
    """WeasyPrint -> one-page PDF -> pdftoppm -> PNG bytes; None when poppler is missing."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        return None
    from weasyprint import HTML

    item = MediaItem("media/cover.svg", "image/svg+xml", svg, width, height)
    fetcher = RestrictedFetcher({item.name: item})
    page = (f"<html><head><style>@page {{ size: {width}px {height}px; margin: 0 }} "
            "html, body { margin: 0 } img { display: block; width: 100%; height: 100% }"
            f'</style></head><body><img src="{item.name}" alt=""/></body></html>')
    with tempfile.TemporaryDirectory(prefix="zine-cover-") as folder:
        pdf = Path(folder) / "cover.pdf"
        HTML(string=page, base_url=BASE_URL, url_fetcher=fetcher).write_pdf(pdf)
        if fetcher.denied:
            raise SvgError(f"SVG refers to a resource: {fetcher.denied[0][0]}")
        out = Path(folder) / "cover"
        subprocess.run([pdftoppm, "-png", "-singlefile", "-scale-to-x", str(width),
                        "-scale-to-y", str(height), str(pdf), str(out)],
                       check=True, capture_output=True, timeout=60)
        return out.with_suffix(".png").read_bytes()
