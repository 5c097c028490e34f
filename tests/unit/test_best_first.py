"""Search orders fused candidates exactly as a full sort would, though it sorts only the head."""

from __future__ import annotations

import random

import pytest

from graphmem.search._catalogue import ScopeCatalogue
from graphmem.search._searcher import _best_first


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("count", [1, 3, 12, 5000])
def test_same_order_as_a_full_sort_with_many_ties(seed: int, count: int) -> None:
    rng = random.Random(seed)
    catalogue = ScopeCatalogue()
    ids = [f"f{i:04d}" for i in range(2000)]
    catalogue.upsert({"id": i, "text": rng.choice(["a b", "c d", "e f"])} for i in ids[:1500])
    fused = {i: rng.choice([0.1, 0.2, 0.25, 0.5, 0.9]) for i in ids}  # 500 not in the catalogue
    docs = catalogue.docs
    expected = sorted(fused, key=lambda f: (-fused[f], docs[f].text if f in docs else "", f))
    assert list(_best_first(fused, catalogue, count)) == expected
