"""What each figure plots: its data is checked against the mathematics, its axes against the data.

Every figure's data is computed once (seed 0). Statistical checks use that fixed seed and
state their false-alarm rate.
"""

import math

import numpy as np
import pytest

from revsgd.figures import FIGURES, load, read_csv, render, save
from revsgd.figures import style
from revsgd.figures._problems import least_squares_2d
from revsgd.models import two_batch_quadratic
from revsgd.theory import stationary_moments
from revsgd.theory.fits import log_log_slope

EPS = np.finfo(float).eps
_CACHE = {}


def data_of(name):
    if name not in _CACHE:
        _CACHE[name] = load(name).compute(0)
    return _CACHE[name]


def figure_of(name):
    return render(load(name), data_of(name))


# ---------------------------------------------------------------- every figure


@pytest.mark.parametrize("name", FIGURES)
def test_csv_holds_exactly_the_data(name, tmp_path):
    """The CSV that save writes next to the figure reads back as exactly the computed columns
    (one figure per test, so the workers share the figures' computations)."""
    data = data_of(name)
    back = read_csv(save(figure_of(name), data, tmp_path, name).csv)
    assert list(back) == list(data)
    for key, col in data.items():
        np.testing.assert_array_equal(back[key], col, err_msg=key)


@pytest.mark.parametrize("name", FIGURES)
def test_size_is_a_paper_width_and_axes_are_labelled(name):
    fig = figure_of(name)
    width, height = fig.get_size_inches()
    assert width in style.COLUMN_WIDTHS.values()
    assert tuple(fig.get_size_inches()) == pytest.approx(load(name).STYLE["figure.figsize"])
    for ax in fig.axes:
        if ax.get_visible() and ax.lines:
            assert ax.get_xlabel(), f"{name}: an axes without x label"


# ---------------------------------------------------------------- 1 trajectories


def test_trajectories_ellipse_is_the_exact_stationary_covariance():
    d = data_of("trajectories")
    model = least_squares_2d()
    family = model.step_family(d["lr"][0])
    m, S = stationary_moments(family)
    np.testing.assert_allclose(d["stationary_cov"].reshape(2, 2), S, rtol=1e-12)
    # naive Stein residual: S = sum_k p_k A_k S A_k^T + Cov(A m + b)
    dev = [family.A[k] @ m + family.b[k] - m for k in range(family.K)]
    rhs = sum(p * (A @ S @ A.T + np.outer(v, v)) for p, A, v in zip(family.probs, family.A, dev))
    np.testing.assert_allclose(rhs, S, atol=1e-13)
    # every ellipse point has Mahalanobis radius 2
    P = np.stack([d["ellipse_w1"], d["ellipse_w2"]], axis=1) - m
    r2 = np.einsum("ni,ij,nj->n", P, np.linalg.inv(S), P)
    np.testing.assert_allclose(r2, 4.0, rtol=1e-10)
    # C6: the stationary mean is the least-squares solution
    np.testing.assert_allclose(d["stationary_mean"], d["solution"], atol=1e-12)
    np.testing.assert_allclose(d["solution"], np.linalg.lstsq(model.X, model.y, rcond=None)[0])


def test_trajectories_paths_follow_the_word_in_their_orders():
    d = data_of("trajectories")
    family = least_squares_2d().step_family(d["lr"][0])
    idx = d["batch"][1:].astype(int)
    x = d["x0"]
    fwd, bwd = [x], [x]
    for n in range(1, len(idx) + 1):
        fwd.append(family.A[idx[n - 1]] @ fwd[-1] + family.b[idx[n - 1]])
        y = x
        for k in idx[:n][::-1]:  # newest first
            y = family.A[k] @ y + family.b[k]
        bwd.append(y)
    np.testing.assert_allclose(np.stack([d["forward_w1"], d["forward_w2"]], 1), fwd, atol=1e-12)
    np.testing.assert_allclose(np.stack([d["backward_w1"], d["backward_w2"]], 1), bwd, atol=1e-12)


def test_trajectories_cloud_has_the_stationary_law_moments():
    """Projected means and variances, 6 z-scores at |z| < 4.5 (false alarm < 5e-5)."""
    d = data_of("trajectories")
    X = np.stack([d["cloud_w1"], d["cloud_w2"]], axis=1)
    m, S = d["stationary_mean"], d["stationary_cov"].reshape(2, 2)
    for u in (np.array([1.0, 0.0]), np.array([0.0, 1.0]), np.array([1.0, 1.0]) / 2**0.5):
        p = (X - m) @ u
        var = u @ S @ u
        assert abs(p.mean()) / math.sqrt(var / p.size) < 4.5
        assert abs((p**2).mean() - var) / ((p**2).std() / math.sqrt(p.size)) < 4.5


def test_trajectories_figure():
    fig = figure_of("trajectories")
    (ax,) = fig.axes
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$w_1$", "$w_2$")
    labels = [line.get_label() for line in ax.lines]
    assert "forward $x_n$" in labels and "backward $y_n$" in labels
    assert len(ax.lines) == 5 and len(ax.collections) == 1


# ---------------------------------------------------------------- 2 increments


def test_increments_backward_below_bound_forward_not():
    d = data_of("increments")
    rho, C = d["rho"][0], d["C"][0]
    model = least_squares_2d()
    lr = load("increments").LR_FRACTION * model.contractive_lr_range().high
    assert rho == pytest.approx(model.contraction_factor(lr), rel=1e-12)
    np.testing.assert_allclose(d["bound"], rho ** d["n"] * C, rtol=1e-12)
    scale = 2.0 + C / (1.0 - rho)  # |x0| <= 2 here; rounding of a difference of iterates
    slack = 4 * EPS * scale
    assert np.all(d["backward_increment"] <= d["bound"] + slack)
    assert np.all(d["backward_increment"] > 0)  # visible on the log axis
    half = len(d["n"]) // 2
    # C3: forward iterates keep moving while backward ones settle
    assert d["forward_increment"][half:].mean() > 100 * d["backward_increment"][half:].max()


def test_increments_figure():
    (ax,) = figure_of("increments").axes
    assert ax.get_yscale() == "log" and len(ax.lines) == 3
    np.testing.assert_array_equal(ax.lines[2].get_ydata(), data_of("increments")["bound"])


# ---------------------------------------------------------------- 3 same law


def test_cantor_cdf_against_the_level_12_staircase():
    from revsgd.theory import cantor_cdf

    level = 12
    left = np.zeros(1)
    for _ in range(level):
        left = np.concatenate([left / 3, left / 3 + 2 / 3])
    left.sort()
    x = np.random.default_rng(1).uniform(-0.1, 1.1, 2000)
    staircase = np.searchsorted(left, x, side="right") / left.size
    np.testing.assert_array_less(np.abs(cantor_cdf(x) - staircase), 2.0**-level + 1e-12)
    np.testing.assert_allclose(cantor_cdf(np.array([0.25, 1 / 3, 0.5, 0.75, 1.0])),
                               [1 / 3, 1 / 2, 1 / 2, 2 / 3, 1.0], atol=1e-12)
    u = np.random.default_rng(2).uniform(0, 1, 500)
    np.testing.assert_allclose(cantor_cdf(u / 3), cantor_cdf(u) / 2, atol=1e-10)


@pytest.mark.parametrize("panel", [0, 1, 2])
def test_same_law_forward_and_backward_match_the_exact_cdf(panel):
    """DKW with alpha = 1e-6 per curve (6 curves: false alarm < 6e-6)."""
    d = data_of("same_law")
    eps = math.sqrt(math.log(2 / 1e-6) / (2 * d["chains"][0]))
    for order in ("forward", "backward"):
        gap = np.max(np.abs(d[f"{order}_cdf_{panel}"] - d[f"exact_cdf_{panel}"]))
        assert gap <= eps, (order, panel, gap, eps)


def test_same_law_small_n_is_not_yet_stationary():
    d = data_of("same_law")
    from revsgd.theory import cantor_cdf

    cantor = cantor_cdf((d["x"] + 1) / 2)
    assert np.max(np.abs(d["exact_cdf_0"] - cantor)) > 0.05
    assert set(np.unique(d["exact_cdf_0"] * 8)) <= set(range(9))  # 2^3 equally likely atoms


def test_same_law_figure():
    fig = figure_of("same_law")
    assert len(fig.axes) == 3
    assert [ax.get_title() for ax in fig.axes] == ["h = 2/3, n = 3", "h = 1/2, n = 60",
                                                   "h = 2/3, n = 60"]
    assert all(len(ax.lines) == 3 for ax in fig.axes)


# ---------------------------------------------------------------- 4 gallery


def test_gallery_variances_and_gaps():
    d = data_of("gallery")
    m = d["draws"][0]
    edges = d["bin_edges"]
    width = np.diff(edges)
    for i, h in enumerate(d["lr"]):
        var = h / (2 - h)
        assert d["stationary_variance"][i] == pytest.approx(var, rel=1e-12)
        # |x| <= 1 and mean 0: Var(x^2) <= E x^4 <= E x^2, so 5 s.e. <= 5 sqrt(var / m)
        assert abs(d["sample_variance"][i] - var) <= 5 * math.sqrt(var / m) + d["sample_mean"][i] ** 2
        density = d[f"density_{i}"]
        assert density @ width == pytest.approx(1.0)
        if h > 0.5:
            inside = (edges[:-1] > 1 - 2 * h) & (edges[1:] < 2 * h - 1)
            assert inside.any() and np.all(density[inside] == 0)
        rho, C = 1 - h, h
        assert rho ** d["depth"][i] * C / (1 - rho) <= load("gallery").TOL


def test_gallery_uniform_at_one_half():
    """Bin counts Binomial(m, 1/120): all within 5.5 s.d. (false alarm < 120 * 4e-8)."""
    d = data_of("gallery")
    i = int(np.flatnonzero(d["lr"] == 0.5)[0])
    m, p = d["draws"][0], 1 / (len(d["bin_edges"]) - 1)
    counts = d[f"density_{i}"] * np.diff(d["bin_edges"]) * m
    assert np.max(np.abs(counts - m * p)) <= 5.5 * math.sqrt(m * p * (1 - p))


def test_gallery_includes_the_named_rates():
    lrs = data_of("gallery")["lr"]
    golden = (1 + 5**0.5) / 2
    for h in (0.5, 2 / 3, 1 - 1 / golden):
        assert np.any(np.abs(lrs - h) < 1e-15)
    fig = figure_of("gallery")
    assert sum(ax.get_visible() for ax in fig.axes) == len(lrs)


# ---------------------------------------------------------------- 5 lr sweep


def test_lr_sweep_one_dimensional_closed_forms():
    mod = load("lr_sweep")
    model = two_batch_quadratic()  # k = 1, s^2 = 1
    for h in (0.01, 0.3, 1.2):
        assert mod.lyapunov_covariance(model, h)[0, 0] == pytest.approx(h / 2, rel=1e-12)
        assert stationary_moments(model.step_family(h))[1][0, 0] == pytest.approx(h / (2 - h))


def test_lr_sweep_first_order_agrees_to_first_order():
    d = data_of("lr_sweep")
    excess = d["exact_trace"] / d["lyapunov_trace"] - 1
    assert np.all(excess[:8] > 0)
    slope = log_log_slope(d["lr"][:8], excess[:8]).slope
    assert slope == pytest.approx(1.0, abs=0.1)  # S / P - 1 = O(h)


def test_lr_sweep_lyapunov_solves_its_equation():
    model = least_squares_2d()
    P = load("lr_sweep").lyapunov_covariance(model, 0.2)
    H, Cg = model.mean_hessian(), load("lr_sweep").gradient_noise(model)
    np.testing.assert_allclose(H @ P + P @ H, 0.2 * Cg, atol=1e-14)


def test_lr_sweep_monte_carlo_within_error_bars():
    """6 points at |z| < 4.5 (normal approximation: false alarm < 5e-5)."""
    d = data_of("lr_sweep")
    z = (d["mc_trace"] - d["mc_exact_trace"]) / d["mc_stderr"]
    assert np.all(np.abs(z) < 4.5), z


def test_lr_sweep_figure():
    (ax,) = figure_of("lr_sweep").axes
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert len(ax.containers) == 1  # the Monte Carlo error bars


# ---------------------------------------------------------------- 6 brackets


def test_brackets_slope_two_and_exact_for_quadratics():
    d = data_of("brackets")
    h = d["lr"]
    small = slice(0, len(h) // 2)
    for key in ("bracket", "gap"):
        slope = log_log_slope(h[small], d[key][small]).slope
        assert slope == pytest.approx(2.0, abs=0.1), key
    np.testing.assert_allclose(d["bracket"], d["predicted_bracket"], rtol=1e-6, atol=1e-14)


def test_brackets_gap_vector_matches_the_commutator_sum():
    from revsgd.theory import backward, forward

    d = data_of("brackets")
    model = least_squares_2d()
    idx = d["word"].astype(int)
    assert sorted(idx[:4]) == sorted(idx[4:]) == [0, 1, 2, 3]
    x0 = model.minimizer() + np.array([0.6, 0.45])
    coef = load("brackets").predicted_gap(model, idx, x0)
    for h in (1e-3, 1e-2):
        fam = model.step_family(h)
        diff = (backward(fam, idx, x0)[-1] - forward(fam, idx, x0)[-1]) / h**2
        assert np.linalg.norm(diff - coef) <= 50 * h * np.linalg.norm(coef)  # O(h^3) / h^2


def test_brackets_figure():
    (ax,) = figure_of("brackets").axes
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert len(ax.lines) == 4
    ref = ax.lines[3].get_ydata()
    assert log_log_slope(data_of("brackets")["lr"], ref).slope == pytest.approx(2.0)


# ---------------------------------------------------------------- 7 loss curves


def test_loss_curves_vectorised_loss_matches_model():
    model = least_squares_2d()
    W = np.random.default_rng(3).normal(size=(20, 2))
    np.testing.assert_allclose(load("loss_curves").mean_losses(model, W),
                               [model.mean_loss(w) for w in W], rtol=1e-12, atol=1e-14)


def test_loss_curves_settle_where_theory_says():
    d = data_of("loss_curves")
    for key in ("forward_excess", "backward_excess", "ensemble_excess"):
        assert np.all(d[key] >= -1e-12), key
    assert np.max(np.abs(np.diff(d["backward_excess"][-20:]))) < 1e-10  # C1: y_n converges
    z = (d["ensemble_excess"][-1] - d["stationary_excess"][0]) / d["ensemble_stderr"][-1]
    assert abs(z) < 4.5  # false alarm < 1e-5
    model = least_squares_2d()
    S = stationary_moments(model.step_family(0.3 * model.contractive_lr_range().high))[1]
    assert d["stationary_excess"][0] == pytest.approx(0.5 * np.trace(model.mean_hessian() @ S))


def test_loss_curves_figure():
    (ax,) = figure_of("loss_curves").axes
    assert ax.get_yscale() == "log" and len(ax.lines) == 4


# ---------------------------------------------------------------- 8 contraction region


def test_contraction_region_matches_operator_norms():
    d = data_of("contraction_region")
    model = least_squares_2d()
    naive = [max(np.linalg.norm(np.eye(2) - h * H, 2) for H in model.H) for h in d["lr"][::37]]
    np.testing.assert_allclose(d["contraction_factor"][::37], naive, rtol=1e-12)
    lo, hi = d["contractive_range"]
    inside = (d["lr"] > lo) & (d["lr"] < hi)
    assert inside.any() and (~inside).any()
    np.testing.assert_array_equal(d["contraction_factor"] < 1, inside)
    assert np.all(d["mean_square_rate"] <= d["contraction_factor"] * (1 + 1e-12))


def test_contraction_region_figure():
    (ax,) = figure_of("contraction_region").axes
    lo, hi = data_of("contraction_region")["contractive_range"]
    (span,) = ax.patches
    box = span.get_bbox()  # x in data coordinates
    assert (box.x0, box.x1) == pytest.approx((lo, hi))
    assert len(ax.lines) == 3
