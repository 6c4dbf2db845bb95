"""A generated corpus in which every query has one known right answer.

Document ``i`` is named ``doc-000042`` and carries a key phrase of
``KEY_WORDS`` invented words that occur in no other document, then a sentence
of common filler words that many documents share. The query for document
``i`` asks about its key phrase only, so with :class:`HashEmbedder` the right
document is the nearest one by a wide margin and recall can be checked
exactly: a store that returns other documents is wrong, not merely worse.

Everything is a pure function of the index and the seed (no state, no
randomness from the process), so any process can rebuild any document or
query, and the stores of two runs hold byte-identical content.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterator, List

KEY_WORDS = 6
FILLER_WORDS = 8
_CONSONANTS = "bdfgklmnprstvz"  # 14 × 5 vowels = 70 syllables
_VOWELS = "aeiou"
SYLLABLES = [c + v for c in _CONSONANTS for v in _VOWELS]
_SPACE = len(SYLLABLES) ** 4  # distinct four-syllable key words
_MULTIPLIER = 48271  # coprime with _SPACE (it is prime and not 2, 5 or 7): n -> n*M+C is a bijection
_OFFSET = 1_234_567
MAX_DOCUMENTS = _SPACE // KEY_WORDS

# Filler words: common English, none of the consonant-vowel shape of a key word.
FILLER = """
alpha amber anchor archive atlas autumn badge ballot basket beacon border bottle bridge bucket cabin
camera candle canvas carbon castle cellar chapter circle cluster cobalt column copper corner cotton
crystal custom debit delta desert dialog digest dinner docket domain driver engine export fabric
factor falcon filter forest format fossil frame galaxy garden gather ginger glacier grammar granite
harbor harvest helmet hollow horizon indoor insight island jacket jigsaw journal kernel kettle ladder
lantern laptop ledger lemon lesson letter lights linen lobster locker magnet mango marble market meadow
mirror module mortar motion napkin needle nickel notice number object office orange orchard outlet
oxygen packet paddle pencil pepper pillow planet pocket portal powder prism pulse puzzle quartz quiver
rabbit radar ribbon rocket rubber saddle salmon sample sandal schema signal silver socket spirit spring
squash stable statue string summer switch symbol tablet temple thread ticket timber tower trophy tunnel
turtle valley velvet vessel violin walnut window winter wizard yellow zipper
""".split()


def key_word(n: int) -> str:
    """The ``n``-th key word: four syllables, a bijective scramble of ``n`` (so no two collide)."""
    code = (n * _MULTIPLIER + _OFFSET) % _SPACE
    parts = []
    for _ in range(4):
        code, syllable = divmod(code, len(SYLLABLES))
        parts.append(SYLLABLES[syllable])
    return "".join(parts)


@dataclass(frozen=True)
class CorpusDocument:
    index: int
    name: str
    key_phrase: str
    content: str


@dataclass(frozen=True)
class Corpus:
    """``size`` documents; ``document(i)`` and ``query(i)`` for ``0 <= i < size``."""

    size: int
    seed: int = 0

    def __post_init__(self) -> None:
        if not 0 < self.size <= MAX_DOCUMENTS:
            raise ValueError(f"corpus size must be between 1 and {MAX_DOCUMENTS:,}, got {self.size!r}")

    @staticmethod
    def name(index: int) -> str:
        return f"doc-{index:06d}"

    def key_phrase(self, index: int) -> str:
        # the seed shifts the key space by a million documents: two seeds give different phrases
        first = (index + self.seed * 1_000_003) % MAX_DOCUMENTS * KEY_WORDS
        return " ".join(key_word(first + j) for j in range(KEY_WORDS))

    def filler(self, index: int) -> List[str]:
        """``FILLER_WORDS`` filler words for document ``index``, drawn from a stable hash (repeats allowed)."""
        digest = hashlib.blake2b(f"agnobench-corpus:{self.seed}:{index}".encode(), digest_size=2 * FILLER_WORDS).digest()
        return [FILLER[int.from_bytes(digest[2 * k:2 * k + 2], "little") % len(FILLER)] for k in range(FILLER_WORDS)]

    def document(self, index: int) -> CorpusDocument:
        self._check(index)
        phrase = self.key_phrase(index)
        filler = self.filler(index)
        name = self.name(index)
        content = f"{name}: the key phrase of this record is {phrase}. Notes: {' '.join(filler)}."
        return CorpusDocument(index=index, name=name, key_phrase=phrase, content=content)

    def documents(self, start: int = 0, stop: int | None = None) -> Iterator[CorpusDocument]:
        for index in range(start, self.size if stop is None else stop):
            yield self.document(index)

    def query(self, index: int) -> str:
        """The question whose one right answer is document ``index``."""
        self._check(index)
        return f"What does the record say about {self.key_phrase(index)}?"

    def probes(self, count: int) -> List[int]:
        """``count`` document indices spread evenly over the corpus (first and last included)."""
        count = max(1, min(count, self.size))
        if count == 1:
            return [0]
        return sorted({round(k * (self.size - 1) / (count - 1)) for k in range(count)})

    def _check(self, index: int) -> None:
        if not 0 <= index < self.size:
            raise IndexError(f"document {index} is outside a corpus of {self.size}")
