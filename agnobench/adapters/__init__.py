"""Framework adapters: the code agnobench's own scenarios point at (agno first)."""
