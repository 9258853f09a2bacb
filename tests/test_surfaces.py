"""helpers.surfaces: the 2-D loss surfaces chapters 3 and 4c share."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import core_algorithm, optimizers, surfaces


@pytest.mark.parametrize("name", list(surfaces.SURFACES))
def test_gradients_match_finite_differences_and_vanish_at_the_minima(name):
    s = surfaces.SURFACES[name]
    for w in (np.array([0.3, -0.7]), np.array(s.start)):
        h = 1e-6
        numeric = [(s.f(w + h * e) - s.f(w - h * e)) / (2 * h) for e in np.eye(2)]
        np.testing.assert_allclose(s.grad(w), numeric, rtol=1e-5, atol=1e-6)
    for m in s.minima:
        np.testing.assert_allclose(s.grad(np.array(m)), 0.0, atol=1e-9)
    # f and grad also take a whole grid, points in the last axis
    grid = np.zeros((4, 5, 2))
    assert s.f(grid).shape == (4, 5) and s.grad(grid).shape == (4, 5, 2)
    assert s.title.startswith(s.label) and s.formula in s.title


def test_the_tilted_valley_is_the_valley_turned_by_45_degrees():
    valley, tilted = surfaces.SURFACES["valley"], surfaces.SURFACES["tilted"]
    turn = np.array([[1.0, -1.0], [1.0, 1.0]]) / np.sqrt(2)
    rng = np.random.default_rng(0)
    points = rng.normal(size=(20, 2))
    np.testing.assert_allclose(tilted.f(points @ turn.T), valley.f(points))
    np.testing.assert_allclose(tilted.start, turn @ np.array(valley.start))
    hessian = np.stack([tilted.grad(e) for e in np.eye(2)])            # the gradient is linear: its rows
    np.testing.assert_allclose(np.linalg.eigvalsh(hessian), [1.0, 20.0])


def test_each_chapter_takes_its_surfaces_from_the_one_table():
    for table in (core_algorithm.SURFACES, optimizers.SURFACES):
        assert all(table[name] is surfaces.SURFACES[name] for name in table)
    assert {"valley", "rosenbrock"} <= set(core_algorithm.SURFACES) & set(optimizers.SURFACES)


def test_saddle_minima_and_the_saddle_point():
    s = surfaces.SURFACES["saddle"]
    assert s.min_value == pytest.approx(-0.25)
    np.testing.assert_allclose(s.grad(np.zeros(2)), 0.0)            # the saddle point: zero gradient
    assert s.f(np.zeros(2)) > s.min_value


def test_plot_contours_draws_and_rejects_bad_input():
    fig, ax = plt.subplots()
    surfaces.plot_contours(ax, surfaces.SURFACES["bumps"])
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_xlim() == (-2, 2)
    assert len(ax.lines) == 4                                          # a star per minimum
    plt.close(fig)
    with pytest.raises(TypeError, match="surface must be a Surface"):
        surfaces.plot_contours(ax, "valley")


def test_get_rejects_a_wrong_name_and_narrows_to_a_chapters_table():
    assert surfaces.get("saddle") is surfaces.SURFACES["saddle"]
    with pytest.raises(ValueError, match="unknown surface"):
        surfaces.get("banana")
    with pytest.raises(ValueError, match="unknown surface"):
        surfaces.get("saddle", core_algorithm.SURFACES)
