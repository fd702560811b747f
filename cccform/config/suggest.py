"""Bounded "did you mean" suggestions, whatever the size of a configuration.

`closest` compares a word with at most `MAX_CANDIDATES` candidates: when there are more, those whose
length is near the word's, the ones sharing the longest prefix with it first. So a file of thousands
of misspelt names costs a fixed amount of work per name, not one comparison per pair.
"""

from __future__ import annotations

import difflib
import heapq
from collections.abc import Iterable

MAX_CANDIDATES = 32


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to `word` when one is close enough, else None."""
    near = list(candidates)
    if len(near) > MAX_CANDIDATES:
        slack = max(2, len(word) // 3)
        near = [c for c in near if abs(len(c) - len(word)) <= slack]
    if len(near) > MAX_CANDIDATES:
        near = heapq.nlargest(MAX_CANDIDATES, near, key=lambda c: _shared_prefix(word, c))
    found = difflib.get_close_matches(word, near, n=1)
    return found[0] if found else None


def _shared_prefix(a: str, b: str) -> int:
    """How many leading characters `a` and `b` have in common."""
    for index, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return index
    return min(len(a), len(b))
