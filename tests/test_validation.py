"""helpers.validation: clear errors for bad input."""

import numpy as np
import pytest

from helpers.validation import as_array, check_choice, check_float, check_int, check_same_length


def test_as_array_converts_and_rejects_bad_input():
    assert as_array([[1, 2]], "x", ndim=2).shape == (1, 2)
    assert as_array(np.ones((3, 4)), "x", shape=(None, 4)).shape == (3, 4)
    with pytest.raises(ValueError, match="x must have 2 dimension"):
        as_array([1, 2], "x", ndim=2)
    with pytest.raises(ValueError, match=r"x must have shape \(any, 5\)"):
        as_array(np.ones((3, 4)), "x", shape=(None, 5))
    with pytest.raises(TypeError, match="x must be array-like"):
        as_array("abc", "x")
    with pytest.raises(TypeError, match="x must be array-like"):
        as_array(None, "x")
    with pytest.raises(TypeError, match="inhomogeneous|ragged"):
        as_array([[1, 2], [3]], "x", dtype=None)
    with pytest.raises(ValueError, match="NaN"):
        as_array([1.0, np.nan], "x")
    assert np.isnan(as_array([np.nan], "x", finite=False)).all()


def test_scalars_reject_bad_values():
    assert check_int(3, "n", minimum=1) == 3
    with pytest.raises(TypeError, match="n must be an integer"):
        check_int(2.5, "n")
    with pytest.raises(TypeError):
        check_int(True, "n")
    with pytest.raises(ValueError, match="n must be >= 1"):
        check_int(0, "n", minimum=1)
    with pytest.raises(ValueError, match="<= 3"):
        check_int(4, "n", maximum=3)
    assert check_float(1, "lr") == 1.0
    with pytest.raises(ValueError, match="lr must be > 0"):
        check_float(0, "lr", minimum=0, strict_minimum=True)
    with pytest.raises(ValueError, match="finite"):
        check_float(float("inf"), "lr")
    with pytest.raises(TypeError, match="lr must be a number"):
        check_float("0.1", "lr")


def test_bad_choice_and_length():
    assert check_choice("a", "mode", ["a", "b"]) == "a"
    with pytest.raises(ValueError, match="valid choices are: 'a', 'b'"):
        check_choice("c", "mode", ["a", "b"])
    with pytest.raises(ValueError, match="same length"):
        check_same_length(np.ones(2), np.ones(3), "x", "y")


def test_features_labels_reject_bad_input():
    from helpers.validation import check_features_labels

    x, y = check_features_labels([[0, 1], [1, 0]], np.array([0, 1]))
    assert x.dtype == np.float32 and y.tolist() == [0, 1]
    with pytest.raises(TypeError, match="integer class labels"):
        check_features_labels(np.ones((2, 2)), np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match="same length"):
        check_features_labels(np.ones((2, 2)), np.array([0]))
    with pytest.raises(ValueError, match="x is empty"):
        check_features_labels(np.ones((0, 2)), np.array([], dtype=int))
    with pytest.raises(ValueError, match="dimension"):
        check_features_labels(np.ones(3), np.array([0, 1, 2]))
    # check_same_length, check_choice: above
