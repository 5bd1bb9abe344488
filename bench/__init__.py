"""Benchmark of the zine pipeline against Pandoc (issue "Fast builds"); not part of the package.

``bench.corpus`` writes a deterministic benchmark zine; ``bench.run`` times ``zine build`` and
Pandoc on it. Nothing here is imported by ``zine``; nothing in ``zine`` depends on it.
"""
