"""Check stage: the model -> diagnostics. ``run`` runs every check (values, references,
bodies through ``body``, images through ``images``, links between articles through ``links``);
none stops early or raises."""
