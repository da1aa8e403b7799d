"""How story groups merge over candidate pairs (see grouping.py): complete link, and average link with a floor.

A node pair that is not a candidate counts as 0 in both, so a group is a set of nodes that are all candidates of
one another: one shared topic word cannot chain stories, and a group spans no more than the candidates' day limit,
even through undated articles.
"""

from __future__ import annotations

import heapq
from typing import Any


def complete_link(count: int, similar: tuple[Any, Any, Any], threshold: float, rank: Any) -> list[list[int]]:
    """The two groups whose least similar pair of nodes is the most similar merge while that is at least
    `threshold`. Pairs are taken from the most similar down: two groups merge when the pair that completes every
    pair between them arrives (it is their least similar, and every other group pair's least is lower), so only
    the number of pairs seen between groups is held, never a matrix."""
    import numpy as np

    rows, cols, scores = similar
    keep = scores >= threshold
    rows, cols, scores = rows[keep], cols[keep], scores[keep]
    low, high = np.minimum(rank[rows], rank[cols]), np.maximum(rank[rows], rank[cols])
    order = np.lexsort((high, low, -scores))  # ties: the pair of lower ranks first
    parent = list(range(count))
    members: dict[int, list[int]] = {i: [i] for i in range(count)}
    seen: dict[int, dict[int, int]] = {}  # pairs seen between two groups (by their root), both ways

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for i, j in zip(rows[order].tolist(), cols[order].tolist(), strict=True):
        a, b = root(i), root(j)
        if a == b:
            continue
        pairs = seen.setdefault(a, {}).get(b, 0) + 1
        if pairs < len(members[a]) * len(members[b]):
            seen[a][b] = seen.setdefault(b, {})[a] = pairs
            continue
        if len(seen.get(a, {})) < len(seen.get(b, {})):
            a, b = b, a  # the group with more partners stays: fewer entries move
        parent[b] = a
        members[a] += members.pop(b)
        mine = seen.setdefault(a, {})
        mine.pop(b, None)
        for other, total in seen.pop(b, {}).items():
            if other != a:
                theirs = seen[other]
                del theirs[b]
                mine[other] = theirs[a] = mine.get(other, 0) + total
    return sorted(sorted(group) for group in members.values())


def floored_average_link(count: int, similar: tuple[Any, Any, Any], threshold: float, floor: float,
                         rank: Any) -> list[list[int]]:
    """The two groups with the highest average similarity merge while it is at least `threshold`, and only when
    every pair of their nodes is a candidate at least `floor` alike: the average lets a story hold a weak pair,
    the floor keeps a topic from joining two stories."""
    rows, cols, scores = _within_reach(count, similar, threshold, floor)
    members: dict[int, list[int]] = {i: [i] for i in range(count)}
    # Per pair of groups with candidate pairs between them: the sum of their cosines and how many there are.
    links: dict[int, dict[int, tuple[float, int]]] = {}
    for i, j, score in zip(rows.tolist(), cols.tolist(), scores.tolist(), strict=True):
        links.setdefault(i, {})[j] = links.setdefault(j, {})[i] = (score, 1)

    rank_of = rank.tolist()  # Python ints: indexing a numpy array is slow in this loop

    def entry(a: int, b: int) -> tuple[float, int, int, int, int] | None:  # ties go to the pair of lower ranks
        total, pairs = links[a][b]
        if pairs < len(members[a]) * len(members[b]):
            return None  # a pair between them is no candidate, or under the floor
        ra, rb = rank_of[a], rank_of[b]
        # Rounded: sums made in another order may differ in the last bits; ties then go by rank, never by order.
        return (round(-total / pairs, 9), ra, rb, a, b) if ra < rb else (round(-total / pairs, 9), rb, ra, b, a)

    # An entry under the threshold is never merged (the loop would stop at it): it is not queued. Every group is one
    # node yet, so only a pair reaching the threshold has such an entry.
    strong = (scores >= threshold - 1e-9) & (rows != cols)
    heap = [e for a, b in zip(rows[strong].tolist(), cols[strong].tolist(), strict=True)
            if (e := entry(a, b)) is not None and e[0] <= -threshold]
    heapq.heapify(heap)
    while heap:
        current = heapq.heappop(heap)
        _, _, _, a, b = current
        if a not in members or b not in members or b not in links[a] or entry(a, b) != current:
            continue  # a stale entry: one side has merged since
        members[a] += members.pop(b)
        for other, (total, pairs) in links.pop(b).items():
            if other == a:
                continue
            del links[other][b]
            mine = links[a].get(other, (0.0, 0))
            links[a][other] = links[other][a] = (mine[0] + total, mine[1] + pairs)
        links[a].pop(b, None)
        for other in links[a]:
            if (e := entry(a, other)) is not None and e[0] <= -threshold:
                heapq.heappush(heap, e)
    return sorted(sorted(group) for group in members.values())


def _within_reach(count: int, similar: tuple[Any, Any, Any], threshold: float, floor: float) -> tuple[Any, Any, Any]:
    """The pairs of at least `floor` that can take part in a merge: two groups merge only when some pair between
    them reaches `threshold` (their average does), so every group lies within one connected component of the
    pairs reaching it. Pairs across components, or of a node alone in its component, never count (most nodes of a
    store have no story partner): dropped, the merging holds only the rest, with the same result."""
    import numpy as np
    from scipy.sparse import coo_matrix  # type: ignore[import-untyped]
    from scipy.sparse.csgraph import connected_components  # type: ignore[import-untyped]

    rows, cols, scores = similar
    keep = scores >= floor
    rows, cols, scores = rows[keep], cols[keep], scores[keep]
    strong = scores >= threshold - 1e-9  # an average rounded to 9 places (see entry) may reach it from below
    graph = coo_matrix((np.ones(int(strong.sum()), dtype=np.int8), (rows[strong], cols[strong])), shape=(count, count))
    _, label = connected_components(graph, directed=False)
    sizes = np.bincount(label)
    keep = (label[rows] == label[cols]) & (sizes[label[rows]] > 1)
    return rows[keep], cols[keep], scores[keep]
