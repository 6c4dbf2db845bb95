"""One module per command; :mod:`agnobench.cli` assembles them."""
