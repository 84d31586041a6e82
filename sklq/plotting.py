"""Figures of a fitted model: latent traversals, metric heatmaps, reconstructions, codebook
usage and training curves.

Every function returns a :class:`matplotlib.figure.Figure` made with ``matplotlib.pyplot``
(so ``plt.show()`` and notebooks display it); save it with ``fig.savefig("name.png")`` and
close it with ``plt.close(fig)`` when making many. matplotlib is imported only when a
function is called (``pip install sklq[plot]``).

The functions work for every sklq model and, where they only need ``transform`` and
``inverse_transform``, for any fitted scikit-learn transformer that has both.
"""

import numpy as np

from ._docstrings import fill_doc
from ._out_of_core import is_out_of_core, take_rows

__all__ = [
    "plot_codebook_usage",
    "plot_history",
    "plot_importance",
    "plot_latent_traversals",
    "plot_nmi",
    "plot_reconstructions",
]

#: Colour of everything that belongs to an inactive latent.
INACTIVE_COLOR = "0.6"
#: A continuous latent is active when its range exceeds this fraction of the largest range
#: (InfoMEC's rule).
_CONTINUOUS_ACTIVE_FRACTION = 1 / 20


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - matplotlib is in the test extra
        raise ImportError(
            "sklq.plotting needs matplotlib: pip install 'sklq[plot]' (or matplotlib)."
        ) from exc
    return plt


# --------------------------------------------------------------------------- helpers
def _check_fitted_transformer(estimator, function):
    from sklearn.utils.validation import check_is_fitted

    for method in ("transform", "inverse_transform"):
        if not callable(getattr(estimator, method, None)):
            raise TypeError(
                f"{function} needs an estimator with transform and inverse_transform; "
                f"{type(estimator).__name__} has no {method}."
            )
    check_is_fitted(estimator)


def _as_array(X):
    """``X`` as an ndarray; memory maps and on-disk datasets stay as they are."""
    if is_out_of_core(X):
        return X
    return X.to_numpy() if hasattr(X, "to_numpy") else np.asarray(X)


def _image_shape(estimator, data, image_shape):
    """``(C, H, W)`` of one sample, or None for tabular data."""
    if image_shape is not None:
        shape = tuple(int(s) for s in image_shape)
        shape = (1, *shape) if len(shape) == 2 else shape
        if len(shape) != 3 or int(np.prod(shape)) != int(np.prod(data.shape[1:])):
            raise ValueError(
                f"image_shape={tuple(image_shape)} does not match samples of shape "
                f"{data.shape[1:]}."
            )
        return shape
    if data.ndim == 3:
        return (1, *data.shape[1:])
    if data.ndim == 4:
        return tuple(data.shape[1:])
    fitted_shape = getattr(estimator, "input_shape_", None)
    if fitted_shape is not None and len(fitted_shape) == 3:
        return tuple(fitted_shape)
    return None


def _display_scale(*arrays):
    """``(low, high)`` mapping data to [0, 1] for display: [0, 1] data and uint8 keep their
    natural range, anything else is scaled by the joint min and max."""
    if all(a.dtype == np.uint8 for a in arrays):
        return 0.0, 255.0
    low = min(float(np.min(a)) for a in arrays)
    high = max(float(np.max(a)) for a in arrays)
    if low >= 0.0 and high <= 1.0:
        return 0.0, 1.0
    return low, (high if high > low else low + 1.0)


def _to_images(data, shape, scale):
    """``data`` as displayable images: ``(n, H, W)`` grey or ``(n, H, W, 3)`` RGB in [0, 1]."""
    low, high = scale
    images = (np.asarray(data, dtype=np.float64).reshape(len(data), *shape) - low) / (
        high - low
    )
    images = np.clip(images, 0.0, 1.0)
    if shape[0] == 3:
        return images.transpose(0, 2, 3, 1)
    return images.mean(axis=1)  # one channel, or an average over an unusual channel count


def _strip(images, gap=1):
    """Images side by side with a grey gap: ``(H, n*W + gaps[, 3])``."""
    pad = [(0, 0)] * images.ndim
    pad[2] = (0, gap)
    padded = np.pad(images, pad, constant_values=0.5)
    return np.concatenate(list(padded), axis=1)[:, : -gap or None]


def _show_image(ax, image):
    if image.ndim == 2:
        ax.imshow(image, cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
    else:
        ax.imshow(image, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])


def _active_latents(Z, codebook):
    """Latents whose value varies over ``Z`` (InfoMEC's rule)."""
    ranges = Z.max(axis=0) - Z.min(axis=0)
    if codebook is not None:
        return ranges > 0
    if ranges.max() <= 0:
        return np.zeros(Z.shape[1], dtype=bool)
    return ranges > ranges.max() * _CONTINUOUS_ACTIVE_FRACTION


def _sample_indices(n_total, n_samples):
    if n_samples < 1:
        raise ValueError(f"n_samples={n_samples} must be at least 1.")
    return np.unique(np.linspace(0, n_total - 1, min(n_samples, n_total)).round().astype(int))


def _result_matrix(result, attribute, transpose):
    """(matrix, row names, column names, active mask or None) from a result or a matrix."""
    import pandas as pd

    active = None
    if hasattr(result, attribute):
        active = getattr(result, "active_latents", None)
        result = getattr(result, attribute)
    rows = columns = None
    if isinstance(result, pd.DataFrame):
        rows, columns = [str(r) for r in result.index], [str(c) for c in result.columns]
        result = result.to_numpy()
    matrix = np.asarray(result, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError(f"Expected a 2-D matrix, got an array of shape {matrix.shape}.")
    if transpose:
        matrix, rows, columns = matrix.T, columns, rows
    return matrix, rows, columns, active


def _first(value, default):
    return default if value is None else value


def _grid(ax, n_rows, n_columns, figsize):
    """``(fig, axes of shape (n_rows, n_columns), owned)``: a new figure, or the caller's
    Axes (``ax``: one Axes, or an array of ``n_rows * n_columns`` of them)."""
    if ax is None:
        plt = _pyplot()
        fig, axes = plt.subplots(n_rows, n_columns, squeeze=False, figsize=figsize,
                                 layout="constrained")
        return fig, axes, True
    axes = np.asarray(ax, dtype=object)
    if axes.size != n_rows * n_columns:
        raise ValueError(
            f"ax must hold {n_rows * n_columns} Axes for this plot ({n_rows} x {n_columns}), "
            f"got {axes.size}."
        )
    axes = axes.reshape(n_rows, n_columns)
    return axes.flat[0].figure, axes, False


def _panels(ax, n_panels, n_columns, figsize):
    """``(fig, list of n_panels axes, owned)``: a new grid of ``n_columns`` columns (unused
    cells removed), or the caller's Axes array with at least ``n_panels`` Axes."""
    if ax is None:
        n_rows = int(np.ceil(n_panels / n_columns))
        fig, axes, _ = _grid(None, n_rows, n_columns, figsize)
        for extra in axes.flat[n_panels:]:
            fig.delaxes(extra)
        return fig, list(axes.flat[:n_panels]), True
    axes = np.asarray(ax, dtype=object).reshape(-1)
    if axes.size < n_panels:
        raise ValueError(f"ax must hold at least {n_panels} Axes for this plot, got "
                         f"{axes.size}.")
    return axes[0].figure, list(axes[:n_panels]), False


def _names(names, n, prefix, what):
    if names is None:
        return [f"{prefix}{i}" for i in range(n)]
    names = [str(name) for name in names]
    if len(names) != n:
        raise ValueError(f"{what} has {len(names)} names, but the matrix has {n}.")
    return names


def _heatmap(matrix, factor_names, latent_names, inactive, *, title, cmap, colorbar_label,
             ax=None):
    n_factors, n_latents = matrix.shape
    fig, axes, _ = _grid(ax, 1, 1, (1.0 + 0.55 * n_latents + 1.2, 0.9 + 0.45 * n_factors))
    ax = axes[0, 0]
    vmax = max(1.0, float(np.nanmax(matrix))) if matrix.size else 1.0
    image = ax.imshow(matrix, cmap=cmap, vmin=0.0, vmax=vmax, aspect="auto")
    for j in np.flatnonzero(inactive):
        ax.axvspan(j - 0.5, j + 0.5, color=INACTIVE_COLOR, alpha=0.85, zorder=2, lw=0)
    for i in range(n_factors):
        for j in range(n_latents):
            value = matrix[i, j]
            dark = value > 0.55 * vmax and not inactive[j]
            ax.text(
                j, i, f"{value:.2f}", ha="center", va="center", fontsize=7, zorder=3,
                color="white" if dark else ("0.35" if inactive[j] else "black"),
            )
    ax.set_xticks(range(n_latents), latent_names, rotation=90 if n_latents > 12 else 0)
    ax.set_yticks(range(n_factors), factor_names)
    for j, label in enumerate(ax.get_xticklabels()):
        if inactive[j]:
            label.set_color(INACTIVE_COLOR)
    ax.set_xlabel("latent" + (" (grey: inactive)" if inactive.any() else ""))
    ax.set_ylabel("factor")
    ax.set_title(title)
    fig.colorbar(image, ax=ax, label=colorbar_label, shrink=0.9)
    return fig


# --------------------------------------------------------------------------- heatmaps
@fill_doc(factor_labels="index", latent_labels="the DataFrame's columns or ",
          active_default="the result's ``active_latents`` (all latents for a plain matrix)",
          title="Normalised mutual information", title_scores="InfoM, InfoC and InfoE",
          metric="infomec", other_plot="plot_importance", other_matrix="DCI's importance matrix")
def plot_nmi(result_or_matrix, factor_names=None, *, latent_names=None, active_latents=None,
             title=None, ax=None):
    """Heatmap of the normalised mutual information between factors and latents.

    Parameters
    ----------
    result_or_matrix : InfoMECResult, DataFrame or array-like of shape (n_factors, n_latents)
        The result of :func:`sklq.metrics.infomec` (its ``nmi`` and ``active_latents``), or
        an NMI matrix.
    {heatmap_parameters}

    Examples
    --------
    >>> import numpy as np
    >>> from sklq.plotting import plot_nmi
    >>> fig = plot_nmi(np.array([[0.9, 0.1, 0.0], [0.0, 0.2, 0.0]]),
    ...                factor_names=["x", "y"], active_latents=[True, True, False])
    >>> fig.axes[0].get_xlabel()
    'latent (grey: inactive)'
    """
    matrix, rows, columns, active = _result_matrix(result_or_matrix, "nmi", transpose=False)
    if title is None:
        title = "Normalised mutual information"
        if hasattr(result_or_matrix, "infom"):
            r = result_or_matrix
            title += f"\nInfoM {r.infom:.2f}, InfoC {r.infoc:.2f}, InfoE {r.infoe:.2f}"
            if getattr(r, "adjusted_for_chance", False):
                title += " (adjusted for chance)"
    return _plot_factor_latent_matrix(
        matrix, _first(factor_names, rows), _first(latent_names, columns),
        active_latents if active_latents is not None else active,
        title=title, cmap="viridis", colorbar_label="NMI", ax=ax,
    )


@fill_doc(factor_labels="columns", latent_labels="", title="DCI importance",
          active_default="those with a non-zero importance for some factor",
          title_scores="D, C and I", metric="dci", other_plot="plot_nmi",
          other_matrix="InfoMEC's NMI matrix")
def plot_importance(result_or_matrix, factor_names=None, *, latent_names=None,
                    active_latents=None, title=None, ax=None):
    """Heatmap of DCI's importance matrix, factors x latents.

    Parameters
    ----------
    result_or_matrix : DCIResult, DataFrame or array-like of shape (n_latents, n_factors)
        The result of :func:`sklq.metrics.dci` or its ``importance_matrix`` (latents x
        factors, as DCI returns it; it is drawn transposed, factors as rows).
    {heatmap_parameters}

    Examples
    --------
    >>> import numpy as np
    >>> from sklq.plotting import plot_importance
    >>> importance = np.array([[0.8, 0.0], [0.2, 1.0], [0.0, 0.0]])  # 3 latents, 2 factors
    >>> fig = plot_importance(importance, factor_names=["x", "y"])
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['x', 'y']
    """
    matrix, rows, columns, _ = _result_matrix(
        result_or_matrix, "importance_matrix", transpose=True
    )
    if active_latents is None:
        active_latents = matrix.sum(axis=0) > 0
    if title is None:
        title = "DCI importance"
        if hasattr(result_or_matrix, "disentanglement"):
            r = result_or_matrix
            title += (
                f" ({r.importance})\nD {r.disentanglement:.2f}, C {r.completeness:.2f}, "
                f"I {r.informativeness:.2f}"
            )
    return _plot_factor_latent_matrix(
        matrix, _first(factor_names, rows), _first(latent_names, columns), active_latents,
        title=title, cmap="magma_r", colorbar_label="importance", ax=ax,
    )


def _plot_factor_latent_matrix(matrix, factor_names, latent_names, active_latents, **kwargs):
    n_factors, n_latents = matrix.shape
    factor_names = _names(factor_names, n_factors, "factor ", "factor_names")
    latent_names = _names(latent_names, n_latents, "z", "latent_names")
    if active_latents is None:
        active = np.ones(n_latents, dtype=bool)
    else:
        active = np.asarray(active_latents, dtype=bool).reshape(-1)
        if len(active) != n_latents:
            raise ValueError(
                f"active_latents has {len(active)} entries, but the matrix has {n_latents} "
                "latents."
            )
    return _heatmap(matrix, factor_names, latent_names, ~active, **kwargs)


# --------------------------------------------------------------------------- traversals
def _traversal_values(Z, codebook, n_values):
    """Values each latent is swept over: its sorted codebook, or quantiles of ``Z``."""
    if codebook is not None:
        return [np.sort(np.asarray(values, dtype=np.float32)) for values in codebook]
    quantiles = np.linspace(0.02, 0.98, n_values)
    return [np.quantile(Z[:, j], quantiles).astype(np.float32) for j in range(Z.shape[1])]


@fill_doc
def plot_latent_traversals(estimator, X, *, n_samples=3, n_values=8, factors=None,
                           factor_names=None, nmi=None, max_latents=None, image_shape=None,
                           ax=None):
    """Decode each latent swept over its values, for a few inputs.

    For each of ``n_samples`` inputs (spread over ``X``), each latent in turn is set to each
    of its codebook values (sorted), or, for continuous latents, to ``n_values`` quantiles
    of its values over ``X``, the others keep the input's code, and the codes are decoded.
    One row per latent, ordered by how much it matters: by its largest NMI with a factor
    when ``factors`` or ``nmi`` are given (the row is labelled with that factor), otherwise
    by how much the decoded output changes along the sweep. Inactive latents (constant over
    ``X``) come last, greyed out.

    Parameters
    ----------
    estimator : fitted estimator with ``transform`` and ``inverse_transform``
        An sklq model, or any transformer whose ``inverse_transform`` decodes latents.
    X : array-like of shape (n, [C,] H, W) or (n, n_features)
        Data whose codes set the traversal's range, activity and starting points.
    n_samples : int, default=3
        Number of inputs traversed (one block of columns each).
    n_values : int, default=8
        Values per continuous latent (codebook models use their whole codebook).
    factors : array-like of shape (n, n_factors), default=None
        Ground-truth factors of ``X``; orders and labels the rows through InfoMEC's NMI.
    factor_names : list of str, default=None
        Names of the factors for the row labels.
    nmi : InfoMECResult or array-like of shape (n_factors, n_latents), default=None
        A precomputed NMI (instead of ``factors``).
    max_latents : int, default=None
        Show only this many rows (the most important first).
    image_shape : tuple, default=None
        ``(C, H, W)`` or ``(H, W)`` of one sample when ``X`` holds flat rows and the
        estimator does not know it; tabular data is drawn as heatmaps (values x features).
    ax : array of matplotlib.axes.Axes, default=None
        Draw into these Axes, one per (latent row, input): ``n_rows * n_samples`` of them,
        ``n_rows`` being the number of latents shown (``max_latents`` or all); by default a
        new figure.

    Returns
    -------
    fig : matplotlib.figure.Figure
        One axes per (latent, input); the row label on the left names the latent.

    Examples
    --------
    {squares_qlae_example}
    >>> from sklq.plotting import plot_latent_traversals
    >>> fig = plot_latent_traversals(qlae, X[:200], n_samples=2)
    >>> len(fig.axes)
    6
    """
    _check_fitted_transformer(estimator, "plot_latent_traversals")
    X = _as_array(X)
    Z = np.asarray(estimator.transform(X), dtype=np.float32)
    n_latents = Z.shape[1]
    codebook = getattr(estimator, "codebook_", None)
    values = _traversal_values(Z, codebook, n_values)
    active = _active_latents(Z, codebook)
    starts = _sample_indices(len(X), n_samples)

    decoded = []  # per latent: (n_inputs, n_values, ...) decoded outputs
    for j in range(n_latents):
        codes = np.repeat(Z[starts][:, None, :], len(values[j]), axis=1)
        codes[:, :, j] = values[j][None, :]
        out = _as_array(estimator.inverse_transform(codes.reshape(-1, n_latents)))
        decoded.append(out.reshape(len(starts), len(values[j]), *out.shape[1:]))
    change = np.array(
        [d.reshape(*d.shape[:2], -1).astype(np.float64).var(axis=1).mean() for d in decoded]
    )

    if nmi is None and factors is not None:
        from .metrics import infomec

        nmi = infomec(factors, Z)
    labels = [f"z{j}" for j in range(n_latents)]
    if nmi is not None:
        matrix, rows, _, _ = _result_matrix(nmi, "nmi", transpose=False)
        names = _names(_first(factor_names, rows), matrix.shape[0], "factor ", "factor_names")
        best = matrix.argmax(axis=0)
        strength = matrix.max(axis=0)
        labels = [
            f"z{j}\n{names[best[j]]}\nNMI {strength[j]:.2f}" if active[j] else f"z{j}"
            for j in range(n_latents)
        ]
    else:
        strength = change
    order = sorted(range(n_latents), key=lambda j: (not active[j], -strength[j]))
    if max_latents is not None:
        order = order[: max(1, int(max_latents))]

    shape = _image_shape(estimator, X, image_shape)
    scale = _display_scale(take_rows(X, starts), *decoded)
    n_columns = len(starts)
    width = max(len(v) for v in values)
    fig, axes, owned = _grid(ax, len(order), n_columns,
                             (0.55 * width * n_columns + 1.2, 0.62 * len(order) + 0.8))
    for row, j in enumerate(order):
        for column in range(n_columns):
            ax = axes[row, column]
            block = decoded[j][column]
            if shape is not None:
                _show_image(ax, _strip(_to_images(block, shape, scale)))
            else:
                ax.imshow(block.reshape(len(block), -1), cmap="coolwarm", aspect="auto",
                          interpolation="nearest")
                ax.set_xticks([])
                ax.set_yticks([])
            if not active[j]:
                for image in ax.get_images():
                    image.set_alpha(0.3)
            if column == 0:
                label = labels[j] + ("" if active[j] else "\n(inactive)")
                ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8,
                              color="black" if active[j] else INACTIVE_COLOR)
            if row == 0:
                ax.set_title(f"input {starts[column]}", fontsize=9)
    kind = "codebook values" if codebook is not None else f"{n_values} quantiles"
    if owned:
        fig.suptitle(f"Latent traversals (each row sweeps one latent over its {kind})",
                     fontsize=10)
    return fig


# ----------------------------------------------------------------------- reconstructions
@fill_doc
def plot_reconstructions(estimator, X, *, n_samples=8, image_shape=None, ax=None):
    """Originals, their reconstructions ``inverse_transform(transform(X))`` and the
    absolute error.

    Parameters
    ----------
    estimator : fitted estimator with ``transform`` and ``inverse_transform``
        The model whose reconstructions ``inverse_transform(transform(X))`` are shown.
    X : array-like of shape (n, [C,] H, W) or (n, n_features)
        Samples to reconstruct.
    n_samples : int, default=8
        Number of images shown (spread over ``X``).
    image_shape : tuple, default=None
        ``(C, H, W)`` or ``(H, W)`` of flat rows; tabular data is drawn as three heatmaps
        (samples x features).
    ax : array of matplotlib.axes.Axes, default=None
        Draw into these Axes: ``3 * n_samples`` for images (rows original, reconstruction,
        error), 3 for tabular data; by default a new figure.

    Returns
    -------
    fig : matplotlib.figure.Figure
        Images: a 3 x ``n_samples`` grid of axes (rows "original", "reconstruction",
        ``"|error|"``); tabular data: three axes.

    Examples
    --------
    {squares_qlae_example}
    >>> from sklq.plotting import plot_reconstructions
    >>> fig = plot_reconstructions(qlae, X[:200], n_samples=4)
    >>> len(fig.axes), fig.axes[0].get_ylabel()
    (12, 'original')
    """
    _check_fitted_transformer(estimator, "plot_reconstructions")
    X = _as_array(X)
    rows = _sample_indices(len(X), n_samples)
    originals = take_rows(X, rows)
    reconstructions = _as_array(estimator.inverse_transform(estimator.transform(originals)))
    shape = _image_shape(estimator, X, image_shape)
    scale = _display_scale(originals, reconstructions)
    low, high = scale
    error = np.abs(
        (originals.astype(np.float64) - reconstructions.astype(np.float64)) / (high - low)
    )
    from ._evaluation import psnr

    peak_signal = psnr(originals, reconstructions, data_range=high - low)
    title = f"Reconstructions (PSNR {peak_signal:.1f} dB on these {len(rows)})"
    names = ("original", "reconstruction", "|error|")
    if shape is None:
        fig, axes, owned = _grid(ax, 1, 3, (10, 3))
        for panel, name, data in zip(axes[0], names, (originals, reconstructions, error),
                                     strict=True):
            panel.imshow(np.asarray(data, dtype=np.float64).reshape(len(rows), -1),
                         aspect="auto", cmap="magma" if name == "|error|" else "viridis",
                         interpolation="nearest")
            panel.set_title(name)
            panel.set_xlabel("feature")
        axes[0, 0].set_ylabel("sample")
        if owned:
            fig.suptitle(title)
        return fig

    fig, axes, owned = _grid(ax, 3, len(rows), (1.1 * len(rows) + 0.9, 3.6))
    images = (_to_images(originals, shape, scale), _to_images(reconstructions, shape, scale))
    error_images = error.reshape(len(rows), *shape).mean(axis=1)
    for column in range(len(rows)):
        _show_image(axes[0, column], images[0][column])
        _show_image(axes[1, column], images[1][column])
        axes[2, column].imshow(error_images[column], cmap="magma", vmin=0.0, vmax=1.0,
                               interpolation="nearest")
        axes[2, column].set_xticks([])
        axes[2, column].set_yticks([])
    for row, name in enumerate(names):
        axes[row, 0].set_ylabel(name)
    if owned:
        fig.suptitle(title, fontsize=10)
    return fig


# ----------------------------------------------------------------------- codebook usage
@fill_doc
def plot_codebook_usage(estimator, X, *, ax=None):
    """Per latent, how often each codebook value is used on ``X``, at the learned values.

    One axes per latent: a stem at each learned codebook value, as high as the fraction of
    samples of ``X`` coded with it (unused values are crosses on the axis). A latent that
    uses a single value is inactive (greyed out).

    Parameters
    ----------
    estimator : fitted quantized model with ``codebook_``
        E.g. :class:`~sklq.LatentQuantizedAutoencoder` or
        :class:`~sklq.LatentQuantizedInfoGAN`.
    X : array-like of shape (n, [C,] H, W) or (n, n_features)
        Samples whose codes are counted.
    ax : array of matplotlib.axes.Axes, default=None
        Draw into these Axes, one per latent (at least ``n_latents``); by default a new
        figure.

    Returns
    -------
    fig : matplotlib.figure.Figure
        One axes per latent.

    Raises
    ------
    ValueError
        When the estimator has no ``codebook_`` (continuous latents, e.g.
        :class:`~sklq.InfoGAN`).

    Examples
    --------
    {squares_qlae_example}
    >>> from sklq.plotting import plot_codebook_usage
    >>> len(plot_codebook_usage(qlae, X[:200]).axes)
    3
    """
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(estimator)
    codebook = getattr(estimator, "codebook_", None)
    if codebook is None:
        raise ValueError(
            f"plot_codebook_usage needs a quantized model with a codebook_; "
            f"{type(estimator).__name__} has continuous latents. Use plot_latent_traversals "
            "to see what its latents do."
        )
    codebook = np.asarray(codebook)
    n_latents, n_values = codebook.shape
    if callable(getattr(estimator, "encode", None)):
        indices = np.asarray(estimator.encode(X, output="indices"))
    else:
        Z = np.asarray(estimator.transform(X))
        indices = np.abs(Z[:, :, None] - codebook[None]).argmin(axis=2)
    counts = np.stack([np.bincount(indices[:, j], minlength=n_values) for j in range(n_latents)])
    frequency = counts / max(len(indices), 1)

    n_columns = min(n_latents, 5)
    n_rows = int(np.ceil(n_latents / n_columns))
    fig, axes, owned = _panels(ax, n_latents, n_columns,
                               (2.4 * n_columns + 0.5, 2.0 * n_rows + 0.6))
    top = max(float(frequency.max()), 1e-9) * 1.05
    for j in range(n_latents):
        ax = axes[j]
        ax.set_ylim(0, top)  # one scale for every latent
        used = counts[j] > 0
        active = used.sum() > 1
        color = "C0" if active else INACTIVE_COLOR
        markers, stems, base = ax.stem(codebook[j][used], frequency[j][used], basefmt=" ")
        for artist in (markers, stems):
            artist.set_color(color)
        ax.plot(codebook[j][~used], np.zeros((~used).sum()), "x", color="C3", ms=5,
                label="unused")
        ax.axhline(0, color="0.8", lw=0.8, zorder=0)
        ax.set_title(f"z{j}: {used.sum()}/{n_values} used" + ("" if active else " (inactive)"),
                     fontsize=9, color="black" if active else INACTIVE_COLOR)
        ax.tick_params(labelsize=7)
        if j % n_columns == 0:
            ax.set_ylabel("fraction of samples")
        if j >= n_latents - n_columns:
            ax.set_xlabel("codebook value")
    if owned:
        fig.suptitle("Codebook usage (stems: used values; crosses: unused values)",
                     fontsize=10)
    return fig


# ----------------------------------------------------------------------------- history
def plot_history(estimator_or_history, *, log_scale="auto", ax=None):
    """Training curves: each loss term per epoch, one axes per term.

    Parameters
    ----------
    estimator_or_history : fitted sklq estimator or DataFrame
        An estimator with ``history_`` (one row per epoch) or that DataFrame.
    log_scale : "auto" or bool, default="auto"
        Logarithmic y axes; ``"auto"`` uses them for terms that stay positive.
    ax : array of matplotlib.axes.Axes, default=None
        Draw into these Axes, one per loss column; by default a new figure.

    Returns
    -------
    fig : matplotlib.figure.Figure
        One axes per ``*_loss`` column (the weighted total ``train_loss`` first).

    Examples
    --------
    >>> import pandas as pd
    >>> from sklq.plotting import plot_history
    >>> history = pd.DataFrame({"epoch": [1, 2], "train_loss": [0.7, 0.5],
    ...                         "reconstruction_loss": [0.69, 0.49]})
    >>> [ax.get_title() for ax in plot_history(history).axes]
    ['train_loss', 'reconstruction_loss']
    """
    import pandas as pd

    history = estimator_or_history
    if not isinstance(history, pd.DataFrame):
        history = getattr(estimator_or_history, "history_", None)
        if history is None:
            raise ValueError(
                f"plot_history needs a fitted estimator with history_ or a DataFrame; got "
                f"{type(estimator_or_history).__name__} without history_."
            )
        history = pd.DataFrame(history)
    columns = [c for c in history.columns if str(c).endswith("_loss")]
    columns.sort(key=lambda c: c != "train_loss")
    if not columns:
        raise ValueError("The history has no *_loss columns to plot.")
    epochs = history["epoch"] if "epoch" in history else pd.Series(range(1, len(history) + 1))
    n_columns = min(len(columns), 3)
    n_rows = int(np.ceil(len(columns) / n_columns))
    fig, axes, owned = _panels(ax, len(columns), n_columns,
                               (3.4 * n_columns, 2.6 * n_rows + 0.4))
    for ax, column in zip(axes, columns, strict=True):
        values = history[column].to_numpy(dtype=np.float64)
        ax.plot(epochs, values, marker="o" if len(values) < 20 else None, ms=3)
        positive = bool(np.all(values > 0))
        if log_scale is True or (log_scale == "auto" and positive and len(values) > 1):
            ax.set_yscale("log")
        ax.set_title(column, fontsize=9)
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    if owned:
        fig.suptitle("Training losses per epoch", fontsize=10)
    return fig
