"""Benchmark: ``zine build`` against Pandoc on the generated corpus, printed as a table.

``python -m bench.run [--articles 30] [--runs 3] [--large 100]`` writes the corpus
(``bench.corpus``) into a temporary folder, then times, alternating one Pandoc figure and one
zine figure (A B A B ...): Pandoc EPUB / zine EPUB cold, Pandoc HTML / zine cold (all three
editions), Pandoc PDF via WeasyPrint / zine no-op rebuild, Pandoc's three in parallel / zine
rebuild after one word edited, then after a paragraph added (the article gains a page), then
``zine serve``'s edit latency (``bench.preview``); then the large corpus (Pandoc's three / zine
cold). First of all the engine floor: the layout CPU of every part of the issue PDF in one
process (``bench.layout``). Every timing runs in a fresh ``bench.child`` process, which also
gives its peak RSS. Prints medians and the ratios of issues 5 and 16. Writes only inside its
temporary folder (and ``--json`` if asked); a failing
``zine build`` has its diagnostics printed and the Pandoc figures are still taken.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

from bench.corpus import generate_corpus, translate_corpus
from bench.pandoc import PandocJobs, pandoc_path, prepare_pandoc
from bench.report import Measurement, build_rows, format_table

REPO = Path(__file__).resolve().parent.parent
SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01, the corpus issue's date
LOG_LINES = 40


@dataclass
class Bench:
    tmp: Path
    env: dict[str, str]
    results: dict[str, list[Measurement]] = field(default_factory=dict)
    count: int = 0

    def measure(self, key: str, commands: Sequence[Sequence[str]], cwd: Path,
                expect: Sequence[Path] = (), clear: bool = False) -> Measurement:
        """Run ``commands`` in parallel in a fresh child; record and print the figure.

        A run counts only if every command exits 0 and every ``expect`` file exists
        (``clear``: deleted first, for tools whose output folder is reused)."""
        for path in expect if clear else ():
            path.unlink(missing_ok=True)
        self.count += 1
        logs = self.tmp / "logs" / f"{self.count:03d}-{key}"
        spec = json.dumps({"commands": [list(c) for c in commands], "cwd": str(cwd),
                           "logs": str(logs)})
        proc = subprocess.run([sys.executable, "-m", "bench.child"], input=spec, text=True,
                              capture_output=True, cwd=REPO, env=self.env, check=False)
        try:
            data = json.loads(proc.stdout.strip().splitlines()[-1])
            result = Measurement(data["seconds"], data["max_rss_kib"],
                                 all(code == 0 for code in data["returncodes"]))
        except (IndexError, KeyError, ValueError):
            print(f"bench: could not run {key}: {proc.stderr.strip()[-2000:]}")
            result = Measurement(0.0, 0, False)
        missing = [str(path) for path in expect if not path.is_file()]
        if missing and result.ok:
            print(f"bench: {key} exited 0 but did not write {', '.join(missing)}")
            result = Measurement(result.seconds, result.max_rss_kib, False)
        self.results.setdefault(key, []).append(result)
        status = "ok" if result.ok else "FAILED"
        print(f"  {key:<20} {result.seconds:8.2f} s {result.max_rss_kib / 1024:7.0f} MiB  "
              f"{status}", flush=True)
        if not result.ok:
            show_logs(logs)
        return result


def show_logs(logs: Path) -> None:
    """The end of each failed command's stderr: zine's diagnostics, Pandoc's errors."""
    for log in sorted(logs.glob("*.stderr")):
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        for line in lines[-LOG_LINES:]:
            print(f"    | {line}")


def zine_command(corpus: Path, issue_id: str, out: Path, formats: str | None = None) -> list[str]:
    script = Path(sys.executable).with_name("zine")
    base = [str(script)] if script.is_file() else [sys.executable, "-m", "zine"]
    command = [*base, "--root", str(corpus), "build", issue_id, "--out", str(out), "--quiet"]
    return command + (["--format", formats] if formats else [])


def edit_one_word(corpus: Path, issue_id: str, run: int) -> Path:
    """Change the first word of the body of the middle article; returns the file changed."""
    path = _middle_article(corpus, issue_id)
    text = path.read_text(encoding="utf-8")
    body_start = text.index("\n---\n", 4) + len("\n---\n")
    _, rest = text[body_start:].split(" ", 1)
    path.write_text(text[:body_start] + f"Edited{run + 1} " + rest, encoding="utf-8")
    return path


GAIN_WORDS = 450  # more than an A5 page holds in the body type


def edit_gain_page(corpus: Path, issue_id: str, run: int) -> Path:
    """Add a paragraph of about GAIN_WORDS words (the article's own first paragraph, repeated)
    at the end of the middle article, so its part gains at least a page; returns the file."""
    path = _middle_article(corpus, issue_id)
    text = path.read_text(encoding="utf-8")
    body = text[text.index("\n---\n", 4) + len("\n---\n"):]
    prose = next(block for block in body.split("\n\n") if block[:1].isalpha())
    words = (prose.split() * (GAIN_WORDS // len(prose.split()) + 1))[:GAIN_WORDS]
    path.write_text(text.rstrip("\n") + f"\n\nAdded{run + 1} " + " ".join(words) + "\n",
                    encoding="utf-8")
    return path


def _middle_article(corpus: Path, issue_id: str) -> Path:
    folders = sorted(p for p in (corpus / "issues" / issue_id / "articles").iterdir()
                     if p.is_dir())
    return folders[len(folders) // 2] / "index.md"


def editions(out: Path, issue_id: str, formats: Sequence[str] = ("epub", "pdf", "html")
             ) -> list[Path]:
    """The files DESIGN.md says ``zine build`` writes for ``formats`` of one issue."""
    names = {"epub": f"{issue_id}.epub", "pdf": f"{issue_id}.pdf", "html": "index.html"}
    return [out / issue_id / names[f] for f in formats]


def run_small(bench: Bench, corpus: Path, issue_id: str, jobs: PandocJobs, run: int) -> None:
    outs = bench.tmp / f"zine-out-{run}"
    epub_out, full_out = outs / "epub", outs / "all"
    full = editions(full_out, issue_id)
    bench.measure("pandoc_epub", [jobs.epub], jobs.cwd, jobs.outputs[:1], clear=True)
    bench.measure("zine_epub", [zine_command(corpus, issue_id, epub_out, "epub")], corpus,
                  editions(epub_out, issue_id, ["epub"]))
    bench.measure("pandoc_html", [jobs.html], jobs.cwd, jobs.outputs[1:2], clear=True)
    cold = bench.measure("zine_cold", [zine_command(corpus, issue_id, full_out)], corpus, full)
    bench.measure("pandoc_pdf", [jobs.pdf], jobs.cwd, jobs.outputs[2:], clear=True)
    if cold.ok:
        bench.measure("zine_noop", [zine_command(corpus, issue_id, full_out)], corpus, full)
    bench.measure("pandoc_three", [jobs.epub, jobs.html, jobs.pdf], jobs.cwd, jobs.outputs,
                  clear=True)
    if cold.ok:
        edit_one_word(corpus, issue_id, run)
        bench.measure("zine_edit", [zine_command(corpus, issue_id, full_out)], corpus, full)
        before = pdf_pages(full[1])
        edit_gain_page(corpus, issue_id, run)
        bench.measure("zine_edit_page", [zine_command(corpus, issue_id, full_out)], corpus,
                      full)
        print(f"  {'':<20} (the issue PDF went from {before} to {pdf_pages(full[1])} pages)")
    shutil.rmtree(outs, ignore_errors=True)
    measure_preview(bench, corpus, issue_id)


def pdf_pages(path: Path) -> int:
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            return len(pdf.pages)
    except (OSError, pikepdf.PdfError):
        return 0


def measure_preview(bench: Bench, corpus: Path, issue_id: str, edits: int = 3) -> None:
    """``zine serve``: a file written -> the new page served (``bench.preview``), each edit a
    figure of its own (``zine_serve``)."""
    proc = subprocess.run([sys.executable, "-m", "bench.preview", str(corpus), issue_id,
                           "--edits", str(edits)], capture_output=True, text=True, cwd=REPO,
                          env=bench.env, check=False)
    try:
        latencies = json.loads(proc.stdout.strip().splitlines()[-1])["latencies"]
    except (IndexError, KeyError, ValueError):
        print(f"bench: zine serve could not be timed: {proc.stderr.strip()[-2000:]}")
        bench.results.setdefault("zine_serve", []).append(Measurement(0.0, 0, False))
        return
    for seconds in latencies:
        bench.results.setdefault("zine_serve", []).append(Measurement(seconds, 0, True))
    shown = ", ".join(f"{s:.2f}" for s in latencies)
    print(f"  {'zine_serve':<20} {statistics.median(latencies):8.2f} s  (edits: {shown} s)",
          flush=True)


def measure_floor(bench: Bench, corpus: Path, issue_id: str) -> None:
    """The engine floor (``bench.layout``): WeasyPrint's layout CPU for the issue PDF over the
    CPUs, stored as ``engine_floor`` (seconds) and ``layout_cpu``."""
    proc = subprocess.run([sys.executable, "-m", "bench.layout", str(corpus), issue_id],
                          capture_output=True, text=True, cwd=REPO, env=bench.env, check=False)
    try:
        data = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        print(f"bench: the layout CPU could not be measured: {proc.stderr.strip()[-2000:]}")
        return
    cpu, cpus = float(data["layout_cpu"]), int(data["cpus"])
    bench.results.setdefault("layout_cpu", []).append(Measurement(cpu, 0, True))
    bench.results.setdefault("engine_floor", []).append(Measurement(cpu / cpus, 0, True))
    print(f"  {'layout_cpu':<20} {cpu:8.2f} s  ({data['parts']} parts, {data['pages']} pages; "
          f"/ {cpus} CPUs = {cpu / cpus:.2f} s)", flush=True)


TRANSLATED_INTO = "pt"


def prepare_translated(tmp: Path, corpus: Path, issue_id: str) -> Path:
    """A copy of ``corpus`` with every article translated into one more language."""
    translated = tmp / "corpus-translated"
    shutil.copytree(corpus, translated)
    count = translate_corpus(translated, issue_id, TRANSLATED_INTO)
    print(f"corpus translated: {count} translations into {TRANSLATED_INTO!r}", flush=True)
    return translated


def run_translated(bench: Bench, corpus: Path, issue_id: str, run: int) -> None:
    """``zine_cold_translated``: the cold build of the translated corpus, both language
    editions (issue 12: the second edition costs no more than the first)."""
    out = bench.tmp / f"zine-out-translated-{run}"
    expected = [*editions(out, issue_id), out / issue_id / f"{issue_id}.{TRANSLATED_INTO}.epub",
                out / issue_id / f"{issue_id}.{TRANSLATED_INTO}.pdf"]
    bench.measure("zine_cold_translated", [zine_command(corpus, issue_id, out)], corpus,
                  expected)
    shutil.rmtree(out, ignore_errors=True)


def run_large(bench: Bench, corpus: Path, issue_id: str, jobs: PandocJobs, run: int) -> None:
    out = bench.tmp / f"zine-out-large-{run}"
    bench.measure("pandoc_three_large", [jobs.epub, jobs.html, jobs.pdf], jobs.cwd,
                  jobs.outputs, clear=True)
    bench.measure("zine_cold_large", [zine_command(corpus, issue_id, out)], corpus,
                  editions(out, issue_id))
    shutil.rmtree(out, ignore_errors=True)


def machine() -> str:
    """nproc, RAM, CPU model, load and tool versions, for the README."""
    cpu = "unknown CPU"
    ram = "unknown RAM"
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in
                    Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), cpu)
        kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal:"))
        ram = f"{kib / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    pandoc = subprocess.run([pandoc_path(), "--version"], capture_output=True, text=True,
                            check=False).stdout.split("\n", 1)[0]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{os.cpu_count()} CPUs ({cpu}), {ram}; load average at start {load}; {pandoc}; "
            f"WeasyPrint {metadata.version('weasyprint')}; Python {sys.version.split()[0]}")


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(REPO)
    env["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    return env


def prepare(tmp: Path, articles: int, seed: int, name: str) -> tuple[Path, str, PandocJobs]:
    corpus = tmp / f"corpus-{name}"
    stats = generate_corpus(corpus, articles, seed)
    print(f"corpus {name}: {stats.articles} articles, {stats.words} words, "
          f"{stats.images} images", flush=True)
    jobs = prepare_pandoc(corpus, stats.issue_id, tmp / f"pandoc-{name}",
                          tmp / f"pandoc-out-{name}")
    return corpus, stats.issue_id, jobs


def compile_zine() -> None:
    """Byte-compile zine's modules first, as pip does when it installs the wheel. Python
    writes them itself on the first import too, unless ``PYTHONDONTWRITEBYTECODE`` is set (as
    on the machines these figures come from): then every zine command would compile all of
    zine's modules again, about 0.1 s that no installed zine spends. The libraries in the venv
    were byte-compiled when pip installed them."""
    if not compileall.compile_dir(REPO / "zine", quiet=1):
        raise SystemExit("bench: zine's modules did not byte-compile")


def benchmark(args: argparse.Namespace, tmp: Path) -> Bench:
    compile_zine()
    bench = Bench(tmp, child_env())
    corpus, issue_id, jobs = prepare(tmp, args.articles, args.seed, "small")
    print("engine floor: every part of the issue PDF laid out in one process", flush=True)
    measure_floor(bench, corpus, issue_id)
    translated = prepare_translated(tmp, corpus, issue_id)
    for run in range(args.runs):
        print(f"run {run + 1}/{args.runs}, {args.articles} articles", flush=True)
        run_small(bench, corpus, issue_id, jobs, run)
        run_translated(bench, translated, issue_id, run)
    if args.breakdown:
        print("zine editions one at a time, cold", flush=True)
        for fmt in ("pdf", "html"):
            out = tmp / f"zine-out-{fmt}"
            bench.measure(f"zine_{fmt}", [zine_command(corpus, issue_id, out, fmt)], corpus,
                          editions(out, issue_id, [fmt]))
            shutil.rmtree(out, ignore_errors=True)
    if args.large:
        corpus, issue_id, jobs = prepare(tmp, args.large, args.seed, "large")
        for run in range(args.runs):
            print(f"run {run + 1}/{args.runs}, {args.large} articles", flush=True)
            run_large(bench, corpus, issue_id, jobs, run)
    return bench


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run",
                                     description="Time zine build against Pandoc.")
    parser.add_argument("--articles", type=int, default=30, help="articles in the issue")
    parser.add_argument("--runs", type=int, default=3, help="runs of each figure (median)")
    parser.add_argument("--large", type=int, default=100,
                        help="articles in the large issue for the growth figure (0: skip)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--breakdown", action="store_true",
                        help="also time zine's PDF and HTML editions alone (one run each)")
    parser.add_argument("--json", type=Path, default=None, help="also write every timing here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    if args.articles < 1 or args.runs < 1 or args.large < 0:
        parser.error("--articles and --runs must be at least 1, --large at least 0")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        pandoc_path()
    except (ImportError, OSError) as error:
        print(f"bench: Pandoc not found ({error}); install the extra: pip install -e '.[bench]'")
        return 2
    before = machine()
    tmp = Path(tempfile.mkdtemp(prefix="zine-bench-"))
    try:
        bench = benchmark(args, tmp)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nMachine: {before}\nLoad average at end: "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}; medians of {args.runs} run(s); "
          f"{args.articles} articles, large issue {args.large or 'skipped'}\n")
    print(format_table(build_rows(bench.results)))
    if args.json:
        args.json.write_text(json.dumps({k: [asdict(m) for m in v]
                                         for k, v in bench.results.items()}, indent=2) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
