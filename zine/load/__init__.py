"""Load stage: the zine's files -> the frozen model (``zine.model``), with diagnostics.

``project`` finds the zine root; ``loader`` reads zine.yaml, coops.yaml, each issue.yaml and the
articles, through ``yamlstrict`` (strict YAML), ``schema`` (typed fields), ``sources`` (which
article files, in what order) and ``markdown`` (each body parsed once, with ``autolinks`` and
``filenames``). Nothing here renders or writes."""
