"""The Monte Carlo where numpy's index type is int32, as in Pyodide (xlwings Lite).

There ``np.intp`` is int32 and ``np.bincount`` refuses an int64 array ("Cannot cast
array data from dtype('int64') to dtype('int32') according to the rule 'safe'"). This
process's numpy is 64-bit, so the module under test is handed a numpy whose ``intp`` is
int32 and whose ``bincount`` applies that rule; everything else is the real numpy. The
same calls run in Pyodide itself in tests/pyodide.
"""

from __future__ import annotations

import numpy as np
import pytest

from talentneeds import udfs
from talentneeds.model import uncertainty


class Numpy32:
    """numpy as a 32-bit build shows it to bincount: intp is int32."""

    intp = np.int32

    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def bincount(x, weights=None, minlength=0):
        x = np.asarray(x)
        if not np.can_cast(x.dtype, np.int32, "safe"):
            raise TypeError(f"Cannot cast array data from {x.dtype!r} to dtype('int32') "
                            "according to the rule 'safe'")
        return np.bincount(x, weights, minlength)


@pytest.fixture
def numpy_32(monkeypatch):
    monkeypatch.setattr(uncertainty, "np", Numpy32())


def test_the_stand_in_refuses_what_a_32_bit_numpy_refuses():
    with pytest.raises(TypeError, match="int64"):
        Numpy32.bincount(np.array([1, 2], dtype=np.int64))
    assert list(Numpy32.bincount(np.array([1, 2], dtype=np.int32))) == [0, 1, 1]


def test_needs_distribution_works_where_intp_is_int32(numpy_32):
    # one team: 1 or 2 Amplifiers, 5 to 10 Iterators, no Connectors (the seed's ranges)
    assert udfs.NEEDS_DISTRIBUTION(1, [[0, 100]]) == [
        ["Archetype", "P0", "P100"], ["Amplifier", 1.0, 2.0], ["Iterator", 5.0, 10.0], ["Connector", 0.0, 0.0]]


def test_seeded_percentiles_are_the_same_as_with_a_64_bit_index(monkeypatch):
    calls = [lambda: udfs.NEEDS_DISTRIBUTION(7, [[5, 50, 95]], 2000, 11),
             lambda: udfs.PLAN_DISTRIBUTION([[2], [1], [0], [3]], [[10, 50, 90]], 300, 5)]
    wide = [call() for call in calls]
    monkeypatch.setattr(uncertainty, "np", Numpy32())
    narrow = [call() for call in calls]
    assert narrow == wide
    assert not any(isinstance(result, str) for result in narrow), narrow  # no error strings
