"""The security rules, in one place: what a renderer may load (``fetcher``) and where a writer
may write (``writer``). Every edition loads and writes only through these two modules."""
