"""helpers.exercises: the feedback primitives."""

import numpy as np

from helpers.exercises import Feedback, check_array, check_scalar, combine


def test_scalar_feedback_says_how_far_off():
    assert check_scalar(10, expected=10, name="n", exact=True)
    bad = check_scalar(9, expected=10, name="n", exact=True, hint="count the bias")
    assert not bad and "off by -1" in str(bad) and "-10.0%" in str(bad) and "count the bias" in str(bad)
    assert "single number" in str(check_scalar("10", expected=10, name="n"))
    assert "finite" in str(check_scalar(float("nan"), expected=1, name="n"))
    assert check_scalar(np.array([1.0]), expected=1.0, name="n")


def test_array_feedback_names_shape_and_location():
    assert check_array([1, 2], expected=[1, 2], name="a")
    shape = check_array(np.ones((2, 3)), expected=np.ones((3, 2)), name="a")
    assert not shape and "shape (2, 3), expected (3, 2)" in str(shape) and "transpose" in str(shape)
    value = check_array([1, 2, 5], expected=[1, 2, 3], name="a")
    assert not value and "index (2,)" in str(value) and "1 of 3 values differ" in str(value)
    assert "NaN" in str(check_array([np.nan], expected=[1.0], name="a"))
    assert "array of numbers" in str(check_array(["x"], expected=[1.0], name="a"))


def test_garbage_answers_get_feedback_not_tracebacks():
    """check_scalar and check_array answer garbage with a message; combine refuses what is not Feedback."""
    import pytest

    for garbage in (None, "0.5", [1, [2]], {"a": 1}, np.array([[np.nan]])):
        for result in (check_scalar(garbage, expected=0.5, name="x"), check_array(garbage, expected=[[0.5]], name="x")):
            assert not result and result.messages and "x" in result.messages[0]
    with pytest.raises(TypeError, match="Feedback"):
        combine(Feedback(True), True)


def test_combine_and_printing():
    both = combine(Feedback(True, ["a"]), Feedback(False, ["b"]))
    assert not both and both.messages == ["a", "b"]
    assert str(Feedback(True, ["ok"])).startswith("✅") and repr(Feedback(False)).startswith("❌")
