"""Benchmark: turns the timings of ``bench.run`` into the table of issue 16's targets.

Pure: medians, ratios and text; reads and writes no files. A figure whose runs failed is
shown as "failed" and its target as "n/a", so a broken ``zine build`` still gives Pandoc's
figures.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Measurement:
    seconds: float
    max_rss_kib: int
    ok: bool


@dataclass(frozen=True)
class Row:
    figure: str
    zine: str
    pandoc: str
    ratio: str
    target: str
    verdict: str


Results = Mapping[str, Sequence[Measurement]]
ZINE_KEYS = ("zine_cold", "zine_epub", "zine_noop", "zine_edit", "zine_edit_page",
             "zine_cold_translated")


def median_seconds(results: Results, key: str) -> float | None:
    runs = [m.seconds for m in results.get(key, ()) if m.ok]
    return statistics.median(runs) if runs else None


def peak_mib(results: Results, keys: Sequence[str]) -> float | None:
    peaks = [m.max_rss_kib / 1024 for key in keys for m in results.get(key, ()) if m.ok]
    return max(peaks) if peaks else None


def _fmt(value: float | None, unit: str, shown: bool = True) -> str:
    if not shown:
        return "-"
    if value is None:
        return "failed"
    return f"{value:.0f} {unit}" if unit == "MiB" else f"{value:.2f} {unit}"


def compare(figure: str, zine: float | None, pandoc: float | None, limit: float | None, *,
            unit: str = "s", base: float | None = None, zine_shown: bool = True,
            pandoc_shown: bool = True) -> Row:
    """A row. The ratio is zine (or, with no zine figure, pandoc) over ``base``, else over
    pandoc; ``limit`` None makes it information only."""
    numerator = zine if zine_shown else (pandoc if base is not None else None)
    divisor = base if base is not None else pandoc
    ratio = numerator / divisor if numerator is not None and divisor else None
    if limit is None:
        verdict, target = "info", "-"
    else:
        target = f"<= {limit:g}x"
        verdict = "n/a" if ratio is None else ("OK" if ratio <= limit else "NOT YET")
    return Row(figure, _fmt(zine, unit, zine_shown), _fmt(pandoc, unit, pandoc_shown),
               "-" if ratio is None else f"{ratio:.3f}x", target, verdict)


def absolute(figure: str, seconds: float | None, limit: float) -> Row:
    """A row whose target is a time, not a ratio."""
    verdict = "n/a" if seconds is None else ("OK" if seconds <= limit else "NOT YET")
    return Row(figure, _fmt(seconds, "s"), "-", "-", f"<= {limit:g} s", verdict)


def build_rows(results: Results) -> list[Row]:
    """The table rows: the targets of issue 16 (issue 5's, tightened, and the edit path's),
    then Pandoc's other figures."""

    def med(key: str) -> float | None:
        return median_seconds(results, key)

    cold = med("zine_cold")
    rows = [
        compare("cold build, EPUB + PDF + HTML (vs Pandoc's three in parallel)", cold,
                med("pandoc_three"), 0.5),
        compare("cold build wall (vs engine floor: layout CPU / cores)", cold, None, 1.15,
                base=med("engine_floor"), pandoc_shown=False),
        compare("cold build, EPUB alone (vs Pandoc EPUB)", med("zine_epub"),
                med("pandoc_epub"), 0.4),
        compare("no-op rebuild (vs zine cold build)", med("zine_noop"), None, 0.02, base=cold,
                pandoc_shown=False),
        compare("one article edited, same page count (vs zine cold build)", med("zine_edit"),
                None, 0.12, base=cold, pandoc_shown=False),
        compare("one article edited, gains a page (vs zine cold build)",
                med("zine_edit_page"), None, 0.2, base=cold, pandoc_shown=False),
        compare("every article translated: both language editions, cold (vs one language)",
                med("zine_cold_translated"), None, 2.0, base=cold, pandoc_shown=False),
        absolute("zine serve: article file written -> new page served", med("zine_serve"),
                 0.5),
        compare("peak RSS of the largest process (vs Pandoc->WeasyPrint)",
                peak_mib(results, ZINE_KEYS), peak_mib(results, ["pandoc_pdf"]), 1.0,
                unit="MiB"),
    ]
    if "zine_cold_large" in results:
        rows.append(compare("large issue, cold build, three editions (growth vs small)",
                            med("zine_cold_large"), med("pandoc_three_large"), 3.5, base=cold))
        rows.append(compare("Pandoc's three, large issue (growth vs small)", None,
                            med("pandoc_three_large"), None, base=med("pandoc_three"),
                            zine_shown=False))
    if "layout_cpu" in results:
        rows.append(compare("layout CPU of the issue PDF, all parts in one process",
                            med("layout_cpu"), None, None, pandoc_shown=False))
    for fmt in ("pdf", "html"):
        if f"zine_{fmt}" in results:
            rows.append(compare(f"zine {fmt.upper()} edition alone, cold (share of cold build)",
                                med(f"zine_{fmt}"), None, None, base=cold,
                                pandoc_shown=False))
    rows.append(compare("Pandoc standalone HTML alone", None, med("pandoc_html"), None,
                        zine_shown=False))
    rows.append(compare("Pandoc PDF alone (--pdf-engine=weasyprint)", None, med("pandoc_pdf"),
                        None, zine_shown=False))
    return rows


def format_table(rows: Sequence[Row]) -> str:
    """A Markdown table (it goes into bench/README.md as printed)."""
    header = Row("figure", "zine", "pandoc", "ratio", "target", "verdict")
    cells = [[r.figure, r.zine, r.pandoc, r.ratio, r.target, r.verdict] for r in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(6)]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
             for row in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)
