"""Benchmark: runs command lines in parallel in a fresh process and reports time and peak RSS.

``python -m bench.child`` reads ``{"commands": [[...], ...], "cwd": "...", "logs": "..."}`` as
JSON on stdin, starts every command at once, waits for all, and prints one JSON line: wall
seconds, exit codes, and ``ru_maxrss`` of RUSAGE_CHILDREN, which on Linux is the peak RSS of
the largest single process among all the descendants it reaped (Pandoc's WeasyPrint, zine's
pool workers). Being a fresh process is what makes that figure per run. Each command's stderr
goes to ``logs/<n>.stderr`` (pipes could fill up and stall a parallel run).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path


def main() -> int:
    spec = json.load(sys.stdin)
    logs = Path(spec["logs"])
    logs.mkdir(parents=True, exist_ok=True)
    handles = [(logs / f"{n}.stderr").open("wb") for n in range(len(spec["commands"]))]
    start = time.perf_counter()
    procs = [subprocess.Popen(command, cwd=spec["cwd"], stdout=subprocess.DEVNULL,
                              stderr=handle, stdin=subprocess.DEVNULL)
             for command, handle in zip(spec["commands"], handles, strict=True)]
    codes = [proc.wait() for proc in procs]
    seconds = time.perf_counter() - start
    for handle in handles:
        handle.close()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    print(json.dumps({"seconds": seconds, "max_rss_kib": peak, "returncodes": codes}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
