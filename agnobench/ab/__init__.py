"""``agnobench ab`` and ``agnobench bisect``: two versions side by side, measured interleaved (docs/ab.md)."""
