"""Benchmark: ``zine serve``'s edit latency, from a file written to the new page served.

``python -m bench.preview CORPUS ISSUE [--edits 5]`` starts ``zine serve --port 0`` on the
corpus, waits for its first build, then ``--edits`` times: changes the first word of the middle
article's body (once the preview is idle: no full rebuild running or due, as it is when a
contributor saves after reading the page; an edit saved during a full rebuild waits for it),
and fetches that article's page until it holds the new word. Prints one JSON line: the latency
of each edit in seconds. The page is fetched as a browser would after the reload (the
preview's own reload script is answered as soon as the page's file changes). Leaves the corpus
edited; writes nothing else.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PAUSE = 0.5  # seconds the preview is left idle before an edit
POLL = 0.01  # seconds between two requests for the page
TIMEOUT = 60.0


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
        data: bytes = response.read()
        return data


def idle(base: str) -> None:
    """Wait until the preview has no full rebuild running or due, then PAUSE more."""
    began = time.perf_counter()
    while json.loads(get(base + "__zine__/status"))["busy"]:
        if time.perf_counter() - began > TIMEOUT:
            raise SystemExit(f"bench.preview: the preview stayed busy for {TIMEOUT} s")
        time.sleep(0.1)
    time.sleep(PAUSE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.preview")
    parser.add_argument("corpus", type=Path)
    parser.add_argument("issue")
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args(argv)
    script = Path(sys.executable).with_name("zine")
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "zine"]
    proc = subprocess.Popen([*command, "--root", str(args.corpus), "serve", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    latencies = []
    try:
        assert proc.stdout is not None
        base = proc.stdout.readline().split()[2]  # "zine serve: http://127.0.0.1:N/ ..."
        folders = sorted(p for p in (args.corpus / "issues" / args.issue / "articles").iterdir()
                         if p.is_dir())
        article = folders[len(folders) // 2] / "index.md"
        url = f"{base}{args.issue}/{article.parent.name}.html"
        get(url)
        for edit in range(args.edits):
            idle(base)
            text = article.read_text(encoding="utf-8")
            start = text.index("\n---\n", 4) + len("\n---\n")
            word = f"Previewed{edit + 1}"
            _, rest = text[start:].split(" ", 1)
            began = time.perf_counter()
            article.write_text(text[:start] + word + " " + rest, encoding="utf-8")
            while word.encode() not in get(url):
                if time.perf_counter() - began > TIMEOUT:
                    raise SystemExit(f"bench.preview: the edit did not show within {TIMEOUT} s")
                time.sleep(POLL)
            latencies.append(time.perf_counter() - began)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(json.dumps({"latencies": latencies}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
