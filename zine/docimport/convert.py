"""Load stage, ``zine import``: one Word/LibreOffice document becomes one article folder.

The document (untrusted: opened through ``zine.docimport.archive``'s caps) is read by Pandoc (the
``pypandoc-binary`` wheel, the ``zine[import]`` extra) into its JSON AST; this module rewrites
that AST into the zine's Markdown dialect (title out of the body, headings from ``##``,
captioned figures as ``![alt](src "caption")``, code paragraphs as fenced code, no raw HTML,
spans and attributes dropped) and lets Pandoc write CommonMark with pipe tables and footnotes.
It reads only the document (and runs Pandoc sandboxed on it) and writes nothing: the result
is a ``Converted`` that ``zine.commands.importdoc`` stages, checks and puts in place.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zine.check.images import MAX_PIXELS
from zine.diagnostics import Diagnostic, codes, make
from zine.docimport.archive import Archive, context, fail, open_archive
from zine.docimport.losses import (
    CAPTION_WORDS,
    document_metadata,
    find_losses,
    odt_alt_texts,
    odt_paragraph_roles,
)
from zine.model import Position

PANDOC_TIMEOUT = 120
PANDOC_MEMORY = "1g"  # Pandoc's own heap cap (GHC runtime option): it stops, it does not swap
MAX_IMAGES = 500
WRITER = ("commonmark_x-raw_html-raw_attribute-attributes-bracketed_spans-fenced_divs"
          "-implicit_figures-smart-emoji-subscript-superscript-tex_math_dollars-alerts"
          "-definition_lists-fancy_lists-task_lists-yaml_metadata_block")
KEPT = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}
CODE_STYLES = ("code", "preformatted", "verbatim", "source")


@dataclass(frozen=True)
class ImportOptions:
    slug: str | None = None
    title: str | None = None
    authors: tuple[str, ...] = ()
    coops: tuple[str, ...] = ()
    language: str | None = None


@dataclass
class Converted:
    """The result of the conversion before anything is written."""

    title: str
    markdown: str
    images: dict[str, bytes] = field(default_factory=dict)  # file name -> bytes
    diags: list[Diagnostic] = field(default_factory=list)


def convert_document(path: Path) -> tuple[Archive, Converted, dict[str, str]]:
    """Archive, converted body (title taken out) and the document's own metadata."""
    archive = open_archive(path)
    for name in sorted(archive.names):  # Pandoc parses them too: no DTD may reach it
        if name.endswith((".xml", ".rels")):
            archive.xml(name)
    diags = find_losses(archive)
    meta = document_metadata(archive)
    ast = _run_pandoc(path, ["-f", "docx+styles" if archive.kind == "docx" else "odt",
                             "--track-changes=accept", "-t", "json", str(path)], b"")
    try:
        tree = json.loads(ast)
    except ValueError as error:
        raise fail(codes.IMPORT_CORRUPT, path, reason=f"Pandoc gave no AST ({error})") from None
    roles = odt_paragraph_roles(archive)
    rewriter = Rewriter(archive, diags, odt_alt_texts(archive), roles)
    blocks = rewriter.blocks(tree.get("blocks", []))
    for text, role in roles.items():
        if role in ("title", "author") and role not in meta:
            meta[role] = text
    blocks, title = _take_title(blocks, meta.get("title", ""))
    tree["blocks"] = _shift_headings(blocks)
    tree["meta"] = {}
    markdown = _run_pandoc(path, ["-f", "json", "-t", WRITER, "--wrap=none"],
                           json.dumps(tree).encode()).decode("utf-8")
    return archive, Converted(title, markdown, rewriter.images, diags), meta


def _run_pandoc(path: Path, args: list[str], data: bytes) -> bytes:
    try:
        import pypandoc

        pandoc = pypandoc.get_pandoc_path()
    except (ImportError, OSError) as error:
        raise fail(codes.IMPORT_NO_PANDOC, path, reason=str(error) or "no Pandoc") from None
    try:
        done = subprocess.run([pandoc, "+RTS", f"-M{PANDOC_MEMORY}", "-RTS", *args,
                               "--sandbox"], input=data, capture_output=True,
                              timeout=PANDOC_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise fail(codes.IMPORT_CORRUPT, path, reason=f"Pandoc: {error}") from None
    if done.returncode:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise fail(codes.IMPORT_CORRUPT, path,
                   reason=f"Pandoc: {message[-1] if message else done.returncode}")
    return done.stdout


def _take_title(blocks: list[Any], title: str) -> tuple[list[Any], str]:
    """The title (the document's, else its first Heading 1) and the body without it: the
    first Heading 1 leaves the body when it is the title."""
    for index, block in enumerate(blocks):
        if block["t"] == "Header" and block["c"][0] == 1:
            text = stringify(block["c"][2])
            if not title or text == title:
                return blocks[:index] + blocks[index + 1:], text
            break
    return blocks, title


def _shift_headings(blocks: list[Any]) -> list[Any]:
    levels = [b["c"][0] for b in blocks if b["t"] == "Header"]
    shift = 2 - min(levels) if levels else 0
    for block in blocks:
        if block["t"] == "Header":
            block["c"][0] = min(block["c"][0] + shift, 6)
            block["c"][1] = ["", [], []]
    return blocks


def stringify(inlines: Any) -> str:
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            kind = node.get("t")
            if kind == "Str":
                parts.append(node["c"])
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                parts.append(" ")
            elif kind in ("Code", "Math"):
                parts.append(node["c"][1])
            else:
                walk(node.get("c"))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(inlines)
    return " ".join("".join(parts).split())


class Rewriter:
    """Pandoc AST -> the subset our Markdown holds; images collected with their new names."""

    def __init__(self, archive: Archive, diags: list[Diagnostic],
                 alt_texts: dict[str, tuple[str, str]], roles: dict[str, str]) -> None:
        self.archive, self.diags, self.alt_texts, self.roles = archive, diags, alt_texts, roles
        self.images: dict[str, bytes] = {}
        self.names: dict[str, str] = {}  # archive member -> file name
        self.table_number = 0
        self.quote_depth = 0  # inside a BlockQuote Pandoc found

    def blocks(self, blocks: list[Any]) -> list[Any]:
        out: list[Any] = []
        for block in blocks:
            for new in self.block(block):
                if new["t"] == "CodeBlock" and out and out[-1]["t"] == "CodeBlock" \
                        and new.get("_merge") and out[-1].get("_merge"):
                    out[-1]["c"][1] += "\n" + new["c"][1]
                elif new["t"] == "BlockQuote" and out and out[-1]["t"] == "BlockQuote" \
                        and new.get("_merge") and out[-1].get("_merge"):
                    out[-1]["c"] += new["c"]  # consecutive quote-styled paragraphs: one quote
                else:
                    out.append(new)
        for block in out:
            block.pop("_merge", None)
        return _drop_repeated_captions(out)

    def block(self, block: Any) -> list[Any]:
        kind, content = block["t"], block.get("c")
        if kind == "Div":
            style = dict(content[0][2]).get("custom-style", "")
            if any(word in style.lower() for word in CODE_STYLES) and \
                    not any(b["t"] == "CodeBlock" for b in content[1]):
                return [{"t": "CodeBlock", "c": [["", ["text"], []], stringify(content[1])],
                         "_merge": True}]
            if any(word in style.lower() for word in CAPTION_WORDS):
                return self.blocks([_captioned(b) for b in content[1]])
            return self.blocks(content[1])
        if kind == "Figure":
            return self.figure(content)
        if kind in ("Para", "Plain"):
            role = self.roles.get(stringify(content)) if self.roles else None
            if role == "code":
                return [{"t": "CodeBlock", "c": [["", ["text"], []], stringify(content)],
                         "_merge": True}]
            if role in ("title", "subtitle", "author"):  # the title block: front matter
                return []
            if role == "quote" and not self.quote_depth:  # Quotations/Quote, ignored by Pandoc
                return [{"t": "BlockQuote", "c": [{"t": "Para", "c": _trim(
                    self.inlines(content))}], "_merge": True}]
            return [{"t": kind, "c": _trim(self.inlines(content))}]
        if kind == "Header":
            return [{"t": "Header", "c": [content[0], content[1], self.inlines(content[2])]}]
        if kind == "BlockQuote":  # a quote-styled paragraph inside is not quoted twice
            self.quote_depth += 1
            try:
                return [{"t": kind, "c": self.blocks(content)}]
            finally:
                self.quote_depth -= 1
        if kind == "BulletList":
            return [{"t": kind, "c": _tight([self.blocks(item) for item in content])}]
        if kind == "OrderedList":
            return [{"t": kind, "c": [content[0], _tight([self.blocks(i) for i in content[1]])]}]
        if kind == "CodeBlock":
            # a class makes Pandoc write a fenced block (our dialect), not an indented one
            classes = content[0][1][:1] or ["text"]
            return [{"t": kind, "c": [["", classes, []], content[1]], "_merge": True}]
        if kind == "Table":
            return [self.table(block)]
        if kind in ("RawBlock",):
            return []
        if kind == "DefinitionList":
            self.lost("a definition list", stringify(content))
            return [{"t": "Para", "c": self.inlines(term)} for term, _ in content] + \
                [b for _, defs in content for d in defs for b in self.blocks(d)]
        if kind == "LineBlock":
            return [{"t": "Para", "c": [i for line in content
                                        for i in [*self.inlines(line), {"t": "LineBreak"}]]}]
        return [block]

    def table(self, block: Any) -> Any:
        self.table_number += 1
        for node in _walk(block["c"][3:]):
            if isinstance(node, list) and len(node) == 5 and isinstance(node[2], int) \
                    and (node[2] > 1 or node[3] > 1):
                node[2] = node[3] = 1
        flattened = False
        texts = []
        for node in _walk(block["c"][3:]):
            if isinstance(node, list) and len(node) == 5 and isinstance(node[2], int):
                texts.append(stringify(node[4]))
                cell = self.blocks(node[4])
                if len(cell) > 1 or any(b["t"] not in ("Plain", "Para") for b in cell):
                    flattened = True
                    cell = [{"t": "Plain", "c": _joined(cell)}]
                node[4] = [{"t": "Plain", "c": b["c"]} for b in cell]
        if flattened:
            self.diags.append(make(codes.IMPORT_MERGED_TABLE, Position(self.archive.path, 0, 0),
                                   number=self.table_number,
                                   first=context(" ".join(texts))[:20],
                                   what="paragraphs, lists or tables inside a cell"))
        block["c"][0] = ["", [], []]
        block["c"][1] = [None, []]
        head, bodies = block["c"][3], block["c"][4]
        if not head[1] and bodies and len(bodies[0][3]) > 1:
            # No header row (LibreOffice's .odt has none unless "Repeat heading" is set): a
            # Markdown table needs one, and an empty one would be an empty row of headers, so
            # the first row is the header, as Word's "Header Row" table look makes it.
            head[1] = [bodies[0][3].pop(0)]
        return block

    def figure(self, content: Any) -> list[Any]:
        caption = stringify(content[1][1])
        images = [n for n in _walk(content[2]) if isinstance(n, dict) and n.get("t") == "Image"]
        if not images:
            return self.blocks(content[2])
        return [{"t": "Para", "c": self.image(images[0]["c"], caption)}]

    def inlines(self, inlines: list[Any]) -> list[Any]:
        out: list[Any] = []
        for node in inlines:
            kind, content = node["t"], node.get("c")
            if kind == "Span":
                out += self.inlines(content[1])
            elif kind == "Image":
                out += self.image(content, "")
            elif kind == "Link":
                out.append({"t": "Link", "c": [["", [], []], self.inlines(content[1]),
                                               content[2]]})
            elif kind in ("Emph", "Strong", "Strikeout"):
                out.append({"t": kind, "c": self.inlines(content)})
            elif kind in ("Underline", "SmallCaps", "Superscript", "Subscript"):
                self.lost(kind.lower(), stringify(content))
                out += self.inlines(content)
            elif kind == "Note":
                out.append({"t": "Note", "c": self.blocks(content)})
            elif kind == "Code":
                out.append({"t": "Code", "c": [["", [], []], content[1]]})
            elif kind == "RawInline":
                continue
            elif kind == "Quoted":
                out.append({"t": kind, "c": [content[0], self.inlines(content[1])]})
            else:
                out.append(node)
        return out

    def lost(self, what: str, where: str) -> None:
        self.diags.append(make(codes.IMPORT_LOST_MARKUP, Position(self.archive.path, 0, 0),
                               what=what, where=context(where)))

    def image(self, content: Any, caption: str) -> list[Any]:
        _attr, alt, (src, title) = content
        member = self._member(src)
        described = self.alt_texts.get(src, ("", ""))
        name = self._store(member) if member else None
        if name is None:
            return []
        if self.archive.kind == "odt":  # Pandoc's odt reader makes the caption the alt text
            alt = [{"t": "Str", "c": described[0]}] if described[0] else []
        alt_inlines = self.inlines(alt) if stringify(alt) else \
            [{"t": "Str", "c": described[0]}] if described[0] else []
        if len(self.images) > MAX_IMAGES:
            raise fail(codes.IMPORT_TOO_BIG, self.archive.path, what="the number of images",
                       size=len(self.images), limit=MAX_IMAGES)
        return [{"t": "Image", "c": [["", [], []], alt_inlines,
                                     [name, caption or title or described[1]]]}]

    def _member(self, src: str) -> str | None:
        for candidate in (src, f"word/{src}", src.lstrip("./")):
            if candidate in self.archive.names:
                return candidate
        return None

    def _store(self, member: str) -> str | None:
        if member in self.names:
            return self.names[member]
        data = self.archive.read(member)
        converted = convert_image(data)
        if isinstance(converted, str):
            self.diags.append(make(codes.IMPORT_IMAGE_FORMAT, Position(self.archive.path, 0, 0),
                                   name=member, found=converted.split(":")[0],
                                   reason=converted.partition(": ")[2]))
            return None
        body, extension = converted
        name = f"image-{len(self.names) + 1:02d}-{hashlib.sha256(body).hexdigest()[:10]}." \
            f"{extension}"
        self.names[member] = name
        self.images[name] = body
        return name


def convert_image(data: bytes) -> tuple[bytes, str] | str:
    """(bytes, extension) ready for the article, or 'FORMAT: why not' when it cannot be."""
    from PIL import Image, UnidentifiedImageError

    kind = "unknown"
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or "unknown"
            if kind in KEPT:
                return data, KEPT[kind]
            if image.width * image.height > MAX_PIXELS:
                return f"{kind}: {image.width}x{image.height} pixels is too large"
            image.load()
            out = io.BytesIO()
            image.convert("RGBA").save(out, "PNG")
            return out.getvalue(), "png"
    except UnidentifiedImageError:
        return "an unknown format: Pillow cannot read it"
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        return f"{kind}: {error}"


def _captioned(block: Any) -> Any:
    """A caption-styled paragraph that is a picture, a line break and text (LibreOffice's
    caption frame as Pandoc reads it from a .docx): the text is the picture's caption."""
    inlines = block.get("c") if block["t"] in ("Para", "Plain") else None
    if not inlines or inlines[0]["t"] != "Image" or inlines[0]["c"][2][1]:
        return block
    rest = inlines[1:]
    if not rest or rest[0]["t"] != "LineBreak" or any(i["t"] == "Image" for i in rest):
        return block
    image = {"t": "Image", "c": [inlines[0]["c"][0], inlines[0]["c"][1],
                                 [inlines[0]["c"][2][0], stringify(rest)]]}
    return {"t": "Para", "c": [image]}


def _drop_repeated_captions(blocks: list[Any]) -> list[Any]:
    """An image's caption taken from the .odt XML is in its title: its paragraph goes (the
    caption written beside the image or in the paragraph right after it)."""
    out: list[Any] = []
    for block in blocks:
        previous = out[-1] if out else None
        if previous is not None and previous["t"] == "Para" and block["t"] == "Para":
            images = [i for i in previous["c"] if i["t"] == "Image"]
            if len(images) == 1 and images[0]["c"][2][1] and \
                    stringify(block["c"]) == images[0]["c"][2][1]:
                continue
        if block["t"] == "Para":
            images = [i for i in block["c"] if i["t"] == "Image"]
            rest = [i for i in block["c"] if i["t"] != "Image"]
            if len(images) == 1 and rest and stringify(rest) == images[0]["c"][2][1]:
                block = {"t": "Para", "c": images}
        out.append(block)
    return out


def _joined(blocks: list[Any]) -> list[Any]:
    """The blocks of a table cell as one line of inlines, ' / ' between them."""
    out: list[Any] = []
    for block in blocks:
        if out:
            out += [{"t": "Space"}, {"t": "Str", "c": "/"}, {"t": "Space"}]
        if block["t"] in ("Plain", "Para"):
            out += block["c"]
        else:
            out.append({"t": "Str", "c": stringify(block.get("c"))})
    return out


def _trim(inlines: list[Any]) -> list[Any]:
    """No space at the start or end of a paragraph, none twice in a row (LibreOffice writes a
    footnote's leading spaces as ``text:s``)."""
    out: list[Any] = []
    for node in inlines:
        if node["t"] == "Space" and (not out or out[-1]["t"] == "Space"):
            continue
        out.append(node)
    while out and out[-1]["t"] == "Space":
        out.pop()
    return out


def _tight(items: list[list[Any]]) -> list[list[Any]]:
    """Word writes each list item as its own paragraph: one-paragraph items make a tight list."""
    if all(len(item) == 1 and item[0]["t"] == "Para" for item in items):
        return [[{"t": "Plain", "c": item[0]["c"]}] for item in items]
    return items


def _walk(node: Any) -> Any:
    yield node
    if isinstance(node, dict):
        yield from _walk(node.get("c"))
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)
