"""Bounded "did you mean" suggestions, whatever the size of a configuration.

A `Suggester` belongs to one file (`Document.suggester`). It computes at most
`MAX_SUGGESTIONS` suggestions; past that the hints fall back to what they say without one,
so a file full of misspelt names costs a bounded amount of suggestion work. Each
suggestion compares the word with at most `MAX_CANDIDATES` candidates: all of them when
they are few, else, from an index of the candidate set built once, those of a length near
the word's, the ones next to it in sorted order (sharing the longest prefix with it) first.
"""

from __future__ import annotations

import bisect
import difflib
import heapq
from collections.abc import Iterable

MAX_CANDIDATES = 32
MAX_SUGGESTIONS = 100


class Suggester:
    """The suggestions of one file, counted against `MAX_SUGGESTIONS`."""

    def __init__(self, limit: int = MAX_SUGGESTIONS) -> None:
        self.remaining = limit
        self._indexes: dict[tuple[str, ...], _Index] = {}

    def closest(self, word: str, candidates: Iterable[str]) -> str | None:
        """The candidate closest to `word` if close enough; None too once the budget is spent."""
        if self.remaining <= 0:
            return None
        self.remaining -= 1
        key = tuple(candidates)
        index = self._indexes.get(key)
        if index is None:
            index = self._indexes[key] = _Index(key)
        return _best(word, index.near(word))


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to `word` when one is close enough, else None (one-off, unbudgeted)."""
    return _best(word, _Index(tuple(candidates)).near(word))


class _Index:
    """Candidates by length, each length sorted, so neighbours by prefix are found by bisection."""

    def __init__(self, candidates: tuple[str, ...]) -> None:
        self.few = sorted(set(candidates)) if len(candidates) <= MAX_CANDIDATES else None
        self.by_length: dict[int, list[str]] = {}
        for candidate in set(candidates):
            self.by_length.setdefault(len(candidate), []).append(candidate)
        for names in self.by_length.values():
            names.sort()

    def near(self, word: str) -> list[str]:
        """At most `MAX_CANDIDATES` candidates worth comparing with `word`."""
        if self.few is not None:
            return self.few
        slack = max(2, len(word) // 3)
        found: list[str] = []
        for length in range(len(word) - slack, len(word) + slack + 1):
            names = self.by_length.get(length, [])
            at = bisect.bisect_left(names, word)
            found += names[max(0, at - MAX_CANDIDATES) : at + MAX_CANDIDATES]
        if len(found) > MAX_CANDIDATES:
            found = heapq.nlargest(MAX_CANDIDATES, found, key=lambda c: _shared_prefix(word, c))
        return found


def _best(word: str, near: list[str]) -> str | None:
    found = difflib.get_close_matches(word, near, n=1)
    return found[0] if found else None


def _shared_prefix(a: str, b: str) -> int:
    """How many leading characters `a` and `b` have in common."""
    for index, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return index
    return min(len(a), len(b))
