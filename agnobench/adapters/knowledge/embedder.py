"""An offline, deterministic agno ``Embedder``: a signed hashed bag of words.

Real embedders download a model or call an API; a benchmark can do neither.
This one maps each lower-cased word to one of ``dimensions`` coordinates and a
sign by a stable hash (stop words skipped) (blake2b, so the same text gives the same vector in every
process and on every machine, unlike Python's salted ``hash``), counts, and
L2-normalises. Texts that share words are near in cosine distance, so
retrieval is meaningful and its right answers are known in advance.

Words seen before are cached (the corpus repeats its filler vocabulary), which
keeps embedding a small share of a query next to the store's own work.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from agno.knowledge.embedder.base import Embedder

DIMENSIONS = 384
_WORD = re.compile(r"[a-z0-9]+")
# Words that carry no meaning of their own. Dropping them, as bag-of-words retrieval does, keeps a
# question's wording from pulling in documents that merely share "the" or "about".
STOP_WORDS = frozenset("""
a about an and are as at be by can do does for from has have how i in is it me of on or say says tell
that the this to was what when where which who why with you your
""".split())


def tokens(text: str) -> List[str]:
    """Runs of lower-case letters and digits (stop words included; the embedder skips them)."""
    return _WORD.findall(text.lower())


@dataclass
class HashEmbedder(Embedder):
    """``HashEmbedder(dimensions=384)``: deterministic, offline, no model."""

    dimensions: Optional[int] = DIMENSIONS
    _slots: Dict[str, Tuple[int, float]] = field(default_factory=dict, init=False, repr=False, compare=False)
    # dimensions once checked: agno's Embedder declares it Optional, the cached slots fix it for good
    _size: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.dimensions, int) or self.dimensions < 1:
            raise ValueError(f"HashEmbedder needs a positive number of dimensions, got {self.dimensions!r}")
        self._size = self.dimensions

    def _slot(self, word: str) -> Tuple[int, float]:
        slot = self._slots.get(word)
        if slot is None:
            digest = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
            slot = (digest >> 1) % self._size, (1.0 if digest & 1 else -1.0)
            self._slots[word] = slot
        return slot

    def get_embedding(self, text: str) -> List[float]:
        counts: Dict[int, float] = {}
        for word in tokens(text):
            if word in STOP_WORDS:
                continue
            index, sign = self._slot(word)
            counts[index] = counts.get(index, 0.0) + sign
        vector = [0.0] * self._size
        norm = math.sqrt(sum(v * v for v in counts.values()))
        if norm:
            for index, value in counts.items():
                vector[index] = value / norm
        return vector

    def get_embedding_and_usage(self, text: str) -> Tuple[List[float], Optional[Dict]]:
        return self.get_embedding(text), None  # nothing is billed

    async def async_get_embedding(self, text: str) -> List[float]:
        return self.get_embedding(text)

    async def async_get_embedding_and_usage(self, text: str) -> Tuple[List[float], Optional[Dict]]:
        return self.get_embedding_and_usage(text)
