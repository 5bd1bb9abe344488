"""The catalogue of diagnostic codes: every code, its severity and its message, in one list.

Z0xx files, encodings and YAML; Z1xx schema (keys, types, values); Z2xx references between
files (coops, contents, slugs, issue numbers); Z3xx Markdown bodies; Z4xx images and other
resources; Z5xx rendering and editions; Z6xx document import (``zine import`` of .docx/.odt:
what cannot be read, and what the conversion would lose). Keep codes stable: tests and users
refer to them. Each code has one golden test in tests/.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Code:
    severity: Severity
    template: str


# The catalogue: code -> (severity, template). Templates use str.format fields.
CATALOGUE: dict[str, Code] = {}


def register(code: str, severity: Severity, template: str) -> str:
    if code in CATALOGUE:
        raise ValueError(f"diagnostic code {code} registered twice")
    CATALOGUE[code] = Code(severity, template)
    return code


E = Severity.ERROR
W = Severity.WARNING

# -- Z5xx: rendering and editions ---------------------------------------------------------
RENDER_FAILED = register("Z501", E, "could not render this article: {reason}")
RESOURCE_DENIED = register("Z502", E, "resource refused by the build: {url} ({reason})")
RENDERER_LOGGED = register("Z503", E, "the {edition} renderer reported: {message}")
IMAGE_PROCESSING = register("Z504", E, "image {src} could not be processed: {reason}")
NOTHING_PUBLISHED = register("Z505", E, "issue {issue} has no published article (all drafts?)")
TABLE_TOO_WIDE_TO_PRINT = register(
    "Z507", W, "this table has {count} columns and {rows} rows: the A5 print edition cannot "
    "show it readably ({how}, at most {limit} columns fit); split it into tables of at most "
    "{limit} columns, repeating the first column in each")
TABLE_RUNS_OFF_PAGE = register(
    "Z508", W, "a table on page {page} of this article is {excess} mm wider than the A5 "
    "page's type area, so its right part is cut off in the PDF: shorten what cannot break in "
    "its cells (long code, URLs, images) or give it fewer columns")
NOTE_DROPPED = register("Z506", W, "footnote [^{label}] {why}: its text is left out of the "
                        "editions")

# -- Z0xx: files, encodings, YAML ---------------------------------------------------------
NOT_UTF8 = register("Z001", E, "not UTF-8: byte 0x{byte:02x} cannot be decoded; save the file "
                    "as UTF-8")
FM_NOT_OPENED = register("Z002", E, "expected front matter opening with '---' on line 1, "
                         "found {found!r}")
FM_NOT_CLOSED = register("Z003", E, "front matter opened on line 1 is not closed: expected a "
                         "line '---' after it")
YAML_SYNTAX = register("Z004", E, "YAML syntax error: {problem}")
YAML_ALIAS = register("Z005", E, "YAML anchors and aliases are not allowed (found {found}); "
                      "write the value out")
YAML_TAG = register("Z006", E, "YAML tags are not allowed (found {tag}); write a plain value")
YAML_DUPLICATE = register("Z007", E, "duplicate key {key!r} (first written on line {line}); "
                          "keep one")
YAML_MERGE = register("Z008", E, "YAML merge keys ('<<') are not allowed; write the keys out")
TOO_LARGE = register("Z009", E, "{what} is {size} bytes; the limit is {limit} bytes")
UNREADABLE = register("Z010", E, "cannot read this file: {reason}")
YAML_KEY = register("Z011", E, "keys must be plain text, found {found}")
MISSING_FILE = register("Z012", E, "missing {name}: {expected}")
DUPLICATE_ARTICLE = register("Z013", E, "article {slug!r} is written twice: as {first} and "
                             "as {second}; keep one")

# -- Z1xx: schema (keys, types, values) -----------------------------------------------------
UNKNOWN_KEY = register("Z101", E, "unknown key {key!r} in {where}{hint}")
MISSING_KEY = register("Z102", E, "missing required key {key!r} in {where}")
WRONG_TYPE = register("Z103", E, "{key}: expected {expected}, found {found}")
BAD_DATE = register("Z104", E, "{key}: expected a real date written YYYY-MM-DD, found {found!r}")
NOT_MAPPING = register("Z105", E, "expected {expected}, found {found}")
BAD_LANGUAGE = register("Z110", E, "{key}: expected a BCP 47 language tag such as 'en' or "
                        "'pt-BR', found {found!r}{hint}")
BAD_LICENSE = register("Z111", E, "{key}: expected an SPDX license id such as 'CC-BY-SA-4.0' "
                       "(or LicenseRef-...), found {found!r}{hint}")
BAD_COUNTRY = register("Z112", E, "country: expected an ISO 3166-1 alpha-2 code such as 'DE', "
                       "found {found!r}")
NOT_NFC = register("Z113", W, "{key}: {char} is printed as {replacement}, the character "
                   "Unicode normalisation (NFC) makes of it; write that instead")
CONTROL_CHAR = register("Z114", E, "{key}: contains {char} ({name}); control and format "
                        "characters are not allowed in metadata (ZWJ U+200D and ZWNJ U+200C "
                        "are, some scripts need them)")
BAD_ID = register("Z115", E, "{what} {found!r} is not allowed: expected lowercase letters, "
                  "digits and hyphens, starting with a letter or digit (^[a-z0-9][a-z0-9-]*$)")
BAD_URL = register("Z116", E, "{key}: expected an http(s) URL, found {found!r}")
LANGUAGES_BAD_TAG = register("Z121", E, "languages: expected BCP 47 language tags such as "
                             "'de' or 'pt-BR', found {found!r}{hint}")
TRANSLATIONS_KEY = register("Z122", E, "translations: expected a BCP 47 language tag as key, "
                            "found {found!r}{hint}")
SECTION_NO_MAIN = register("Z123", E, "section titles are given for {found}, but not for the "
                           "issue's language {language!r}: add '{language}: ...', the title "
                           "the main edition prints")
SECTION_KEY = register("Z124", E, "section: expected a BCP 47 language tag as key, found "
                       "{found!r}{hint}")
TRANSLATED_FROM_FORMAT = register("Z125", E, "translated_from: expected a digest such as "
                                  "'sha256:0123456789abcdef' (written by 'zine translation "
                                  "mark-current'), found {found!r}")
LANGUAGES_TWICE = register("Z126", W, "languages names {found!r} again; name each language "
                           "once")
TRANSLATIONS_UNUSED = register("Z127", W, "translations: {found!r} is not in languages, so no "
                               "edition uses this text; add it to languages or remove it")
TRANSLATORS_NOT_TRANSLATION = register("Z128", W, "translators: this article is not a "
                                       "translation (no translation_of), so they are not "
                                       "credited; add translation_of or remove translators")
TRANSLATED_FROM_ALONE = register("Z129", W, "translated_from: this article is not a "
                                 "translation (no translation_of); remove it")
BAD_FEDIVERSE = register("Z120", E, "fediverse: expected a handle like "
                         "'@account@server.example', found {found!r}{hint}")

# -- Z2xx: references between files -------------------------------------------------------
UNKNOWN_COOP = register("Z201", E, "unknown coop {coop!r}: expected an id from coops.yaml{hint}")
DUPLICATE_NUMBER = register("Z202", E, "issue number {number} is also used by issue {other!r}; "
                            "issue numbers must be unique")
ID_COLLISION = register("Z203", E, "{what} {found!r} collides with {other!r}: ids must differ "
                        "after case folding")
CONTENTS_UNKNOWN = register("Z204", E, "contents names {slug!r}, which is not an article of "
                            "this issue{hint}")
CONTENTS_TWICE = register("Z205", E, "contents names {slug!r} again (first on line {line}); "
                          "name each article once")
NOT_IN_CONTENTS = register("Z206", W, "article {slug!r} is not named in contents; it is placed "
                           "at the end")
OUTSIDE_REPO = register("Z207", W, "not inside a zine repository (no zine.yaml above it): "
                        "checked with an empty coop directory")
LINK_NO_ARTICLE = register("Z208", E, "link to {href!r}: there is no article at {path}; link "
                           "to the other article's .md file, relative to this one{hint}")
LINK_NO_ANCHOR = register("Z209", E, "link to {href!r}: article {slug!r} has no heading with "
                          "the id {anchor!r}{hint}")
LINK_TO_DRAFT = register("Z210", W, "link to {href!r}: article {slug!r} is a draft and will not "
                         "be published; the link is printed as plain text until it is")
LINK_NOT_ARTICLE = register("Z211", E, "link to {href!r} leads to no article ({why}): write a "
                            "full http(s) URL, or the relative path of an article's .md file "
                            "such as other-article.md#a-heading{hint}")
TRANSLATION_UNKNOWN = register("Z212", E, "translation_of names {slug!r}, which is not an "
                               "article of this issue{hint}")
TRANSLATION_SAME_LANGUAGE = register("Z213", E, "this translation is in {language!r}, the "
                                     "language of its original {slug!r}: expected another "
                                     "language; set language: to the one it is translated "
                                     "into")
TRANSLATION_TWICE = register("Z214", E, "{slug!r} already has a translation into "
                             "{language!r} ({other}); keep one translation per language")
TRANSLATION_OF_TRANSLATION = register("Z215", E, "translation_of names {slug!r}, which is a "
                                      "translation itself: name its original {original!r} "
                                      "instead")
TRANSLATION_OF_ITSELF = register("Z216", E, "translation_of names this article itself: "
                                 "expected the slug of the original it is translated from")
TRANSLATION_OF_DRAFT = register("Z217", W, "this translation's original {slug!r} is a draft, "
                                "so the translation is not published either until it is")
CONTENTS_TRANSLATION = register("Z218", E, "contents names {slug!r}, a translation: name its "
                                "original {original!r} instead (each edition shows the "
                                "version in its language)")
TRANSLATION_NO_EDITION = register("Z219", W, "this translation is in {language!r}, which is "
                                  "not in the issue's languages ({languages}): it is "
                                  "published in no edition but the website; add it to "
                                  "languages in issue.yaml")
TRANSLATION_STALE = register("Z220", W, "the original {slug!r} changed since this "
                             "translation was made from it (translated_from {recorded}, now "
                             "{current}): the translation must catch up with it; then run "
                             "'zine translation mark-current {own}' to record that")
TRANSLATION_CYCLE = register("Z221", E, "translation_of makes a cycle ({cycle}): one of them "
                             "must be the original, without translation_of")

# -- Z3xx: Markdown bodies ----------------------------------------------------------------
EMPTY_BODY = register("Z301", E, "the article body is empty: expected the article's text after "
                      "the front matter")
RAW_HTML = register("Z302", W, "raw HTML is escaped, not passed through; write Markdown instead")
DEMOTED_H1 = register("Z303", W, "a '#' heading is demoted to '##': the article title is the "
                      "only top-level heading")
TOO_DEEP = register("Z304", E, "text nested more than {limit} levels deep (quotes or lists) "
                    "cannot be rendered; flatten it")
BAD_ANCHOR = register("Z305", E, "link to '#{anchor}' matches no heading or footnote in this "
                      "article{hint}")
BAD_SCHEME = register("Z306", E, "a '{scheme}:' URL is not allowed in an article (it could run "
                      "code or reach files on the reader's computer); use an http(s) URL")
MARKDOWN_FAILED = register("Z307", E, "the Markdown body could not be parsed: {reason}")
TOO_MANY_BRACKETS = register("Z308", E, "the body has {count} '[' characters; the limit is "
                             "{limit} (more makes the Markdown parser too slow)")
TABLE_TOO_WIDE = register("Z309", E, "this table has {count} columns; the limit is {limit} (a "
                          "wider table does not fit a page); split it or make it a list")
TABLE_TOO_LONG = register("Z310", E, "this table has {count} rows; the limit is {limit} (a "
                          "longer table makes the editions too slow to build); split it")
TOO_MANY_CELLS = register("Z311", E, "with this table, the article's tables have {count} cells; "
                          "the limit is {limit} (more makes the editions too slow to build); "
                          "shorten them")
LINK_TO_HASH = register("Z313", E, "a link to '#' leads nowhere; write instead '#' and the "
                        "id of a heading of this article, an article's .md file or an http(s) "
                        "URL")
EMPTY_LINK = register("Z314", E, "empty link: it leads nowhere; write instead where it "
                      "leads between ( and ) (an http(s) URL or an article's .md file), or "
                      "remove the brackets")
LINK_SPACE = register("Z315", W, "link path {href!r} has a blank, so the link is printed as "
                      "Markdown text: write it as <{href}> or {encoded} instead")
TOO_MUCH_MARKUP = register("Z312", E, "the body has {count} lines and markup characters "
                           "(* _ ` [ ! < ~); the limit is {limit} (each makes work for the "
                           "parser and the page layout); split the article")
LINK_SCHEME = register("Z318", W, "link to {href!r} is printed as text only: {reason}; write a "
                       "full URL such as https://example.org/page instead (or a mailto: "
                       "address)")
NOTE_UNDEFINED = register("Z319", W, "footnote reference [^{label}] has no definition, so it is "
                          "printed as written: add a line '[^{label}]: The note.' after the "
                          "paragraph instead{hint}")
ROW_TOO_LONG = register("Z320", W, "this table row has {cells} cells but the header has "
                        "{columns}: the cells after column {columns} are left out; add header "
                        "cells or move the text into the row's last cell instead")

# -- Z4xx: images and other resources -----------------------------------------------------
REMOTE_IMAGE = register("Z401", E, "remote image {src}: expected a file in the article's folder "
                        "(nothing is downloaded at build time)")
IMAGE_OUTSIDE = register("Z402", E, "image {src} leads outside the article's folder {folder}")
IMAGE_MISSING = register("Z403", E, "image {src} not found: expected a file in {folder}{hint}")
IMAGE_NO_ALT = register("Z404", E, "image {src} has no alt text: describe it between ![ and ]")
IMAGE_BROKEN = register("Z405", E, "image {src} cannot be read as an image: {reason}")
IMAGE_TOO_BIG = register("Z406", E, "image {src} is {width}x{height} pixels ({megapixels} MP); "
                         "the limit is {limit} MP")
IMAGE_FORMAT = register("Z407", E, "image {src} is {found}: expected JPEG, PNG, GIF or WebP")
IMAGE_SVG = register("Z408", E, "image {src} is SVG: SVG from contributors is not accepted (it "
                     "can carry scripts and fetch files); convert it to PNG")
IMAGE_SPACE = register("Z409", E, "image path {src!r} has a blank, so the image is printed as "
                       "Markdown text: write it as <{src}> or {encoded} instead")

# -- Z6xx: document import (zine import FILE.docx|FILE.odt) ------------------------------------
IMPORT_CORRUPT = register("Z601", E, "cannot read this document: {reason}; save it again as "
                          ".docx or .odt and import that")
IMPORT_ENCRYPTED = register("Z602", E, "the document is encrypted or password-protected: "
                            "save a copy without a password and import that")
IMPORT_TOO_BIG = register("Z603", E, "{what} is {size} bytes; the limit is {limit} bytes: split "
                          "the document or make its images smaller")
IMPORT_BOMB = register("Z604", E, "part {name} unpacks to {ratio} times its packed size; the "
                       "limit is {limit} (a zip bomb?): the document is not unpacked")
IMPORT_XML_DTD = register("Z605", E, "part {name} declares a DTD or entities, which are not "
                          "allowed in an imported document (entity bomb?)")
IMPORT_NO_PANDOC = register("Z606", E, "cannot convert: {reason}; install the import extra: "
                            "pip install 'zine[import]'")
IMPORT_EXISTS = register("Z607", E, "{target} already exists: an import never overwrites; choose "
                         "another --slug or remove it")
IMPORT_NO_TITLE = register("Z608", E, "the document has no title (no title in its properties "
                           "and no Heading 1): pass --title")
IMPORT_NO_AUTHOR = register("Z609", E, "the document names no author: pass --author NAME "
                            "(and --coop ID)")
IMPORT_COMMENT = register("Z610", W, "comment by {author} is not imported: {text!r} (on "
                          "{where!r}); act on it, then delete it from the document")
IMPORT_TRACKED = register("Z611", W, "tracked {kind} by {author} not yet accepted or rejected: "
                          "{text!r}; the article has the text with all changes accepted")
IMPORT_TEXT_BOX = register("Z612", W, "text box not imported: {text!r}; move its text into the "
                           "body")
IMPORT_MERGED_TABLE = register("Z613", W, "table {number} ({first!r}...) has {what}, which a "
                               "Markdown table cannot hold: its cells are written one per "
                               "column; check the table or make it a list")
IMPORT_OBJECT = register("Z614", W, "embedded object ({kind}) not imported (near {where!r}): "
                         "export it as an image and add it")
IMPORT_FIELD = register("Z615", W, "field {field!r} is not imported (near {where!r}); only its "
                        "last shown text is kept")
IMPORT_IMAGE_FORMAT = register("Z616", W, "image {name} is {found}, which cannot be converted "
                               "here ({reason}): not imported; export it as PNG and add it")
IMPORT_LOST_MARKUP = register("Z617", W, "{what} cannot be written in the zine's Markdown "
                              "(near {where!r}): kept as plain text")
IMPORT_HEADER_FOOTER = register("Z618", W, "page {where} text not imported: {text!r}; a page "
                                "header or footer is not part of an article: move what "
                                "matters into the body")
