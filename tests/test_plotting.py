"""sklq.plotting on tiny fitted models, drawn with the Agg backend."""

import numpy as np
import pandas as pd
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402

from sklq import InfoGAN, LatentQuantizedAutoencoder, LatentQuantizedInfoGAN  # noqa: E402
from sklq.datasets import Squares, make_squares  # noqa: E402
from sklq.metrics import dci, infomec  # noqa: E402
from sklq.plotting import (  # noqa: E402
    plot_codebook_usage,
    plot_history,
    plot_importance,
    plot_latent_traversals,
    plot_nmi,
    plot_reconstructions,
)

GAN = dict(max_epochs=1, batch_size=32, critic_steps_per_generator_step=1, random_state=0)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def squares():
    X, factors = make_squares(image_size=16, random_state=0)
    rows = np.random.default_rng(0).permutation(len(X))[:240]
    return X[rows], factors[rows]


@pytest.fixture(scope="module")
def qlae(squares):
    return LatentQuantizedAutoencoder(
        4, n_values_per_latent=5, max_epochs=2, batch_size=32, random_state=0
    ).fit(squares[0])


@pytest.fixture(scope="module")
def rgb():
    return np.random.default_rng(0).integers(0, 256, (64, 3, 16, 16), dtype=np.uint8)


@pytest.fixture(scope="module")
def qlinfogan(rgb):
    return LatentQuantizedInfoGAN(3, n_values_per_latent=4, **GAN).fit(rgb)


@pytest.fixture(scope="module")
def infogan(squares):
    return InfoGAN(3, **GAN).fit(squares[0][:64])


def _written(fig, tmp_path, name="figure.png"):
    assert isinstance(fig, Figure)
    path = tmp_path / name
    fig.savefig(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return path


def _visible_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible()]


def test_traversals_of_a_qlae(qlae, squares, tmp_path):
    X, _ = squares
    fig = plot_latent_traversals(qlae, X, n_samples=2)
    assert len(fig.axes) == 4 * 2  # one row per latent, one column per input
    labels = [fig.axes[2 * row].get_ylabel() for row in range(4)]
    assert sorted(label.split("\n")[0] for label in labels) == ["z0", "z1", "z2", "z3"]
    # each cell is a strip of the latent's 5 codebook values, 16 pixels + 1 gap each
    image = fig.axes[0].get_images()[0].get_array()
    assert image.shape == (16, 5 * 16 + 4)
    _written(fig, tmp_path)


def test_traversals_ordered_and_labelled_by_factor_nmi(qlae, squares, tmp_path):
    X, factors = squares
    result = infomec(factors, qlae.transform(X))
    fig = plot_latent_traversals(
        qlae, X, n_samples=1, factors=factors, factor_names=Squares.factor_names
    )
    labels = [ax.get_ylabel() for ax in fig.axes]
    nmi_max = result.nmi.max(axis=0)
    active = result.active_latents
    first = int(labels[0].split("\n")[0][1:])
    assert active[first] and nmi_max[first] == nmi_max[active].max()
    assert any(name in labels[0] for name in Squares.factor_names)
    fig = plot_latent_traversals(qlae, X, n_samples=1, nmi=result, max_latents=2)
    assert len(fig.axes) == 2
    _written(fig, tmp_path)


def test_inactive_latents_are_marked_and_last():
    class Constant(PCA):  # a continuous model whose last latent never varies
        def transform(self, X):
            Z = super().transform(X)
            Z[:, -1] = 0.0
            return Z

    X = np.random.default_rng(0).random((50, 8, 8))
    model = Constant(3).fit(X.reshape(50, -1))
    fig = plot_latent_traversals(model, X.reshape(50, -1), n_samples=2, n_values=4,
                                 image_shape=(8, 8))
    assert "inactive" in fig.axes[-2].get_ylabel()
    assert fig.axes[-1].get_images()[0].get_alpha() < 1
    assert fig.axes[0].get_images()[0].get_array().shape == (8, 4 * 8 + 3)


def test_traversals_of_gans_and_rgb_images(qlinfogan, infogan, rgb, squares, tmp_path):
    fig = plot_latent_traversals(qlinfogan, rgb, n_samples=2)
    assert len(fig.axes) == 3 * 2
    assert fig.axes[0].get_images()[0].get_array().shape == (16, 4 * 16 + 3, 3)
    _written(fig, tmp_path, "qlinfogan.png")
    fig = plot_latent_traversals(infogan, squares[0][:64], n_samples=1, n_values=5)
    assert len(fig.axes) == 3
    assert fig.axes[0].get_images()[0].get_array().shape == (16, 5 * 16 + 4)
    _written(fig, tmp_path, "infogan.png")


def test_traversals_of_tabular_data():
    X = np.random.default_rng(0).random((60, 5)).astype(np.float32)
    model = LatentQuantizedAutoencoder(2, n_values_per_latent=3, max_epochs=1,
                                       random_state=0).fit(X)
    fig = plot_latent_traversals(model, X, n_samples=2)
    assert len(fig.axes) == 4
    assert fig.axes[0].get_images()[0].get_array().shape == (3, 5)


def test_traversals_need_a_fitted_transformer(squares):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        plot_latent_traversals(LatentQuantizedAutoencoder(), squares[0])
    with pytest.raises(TypeError, match="inverse_transform"):
        plot_latent_traversals(object(), squares[0])


def test_nmi_heatmap(qlae, squares, tmp_path):
    X, factors = squares
    result = infomec(factors, qlae.transform(X))
    fig = plot_nmi(result, factor_names=Squares.factor_names)
    ax = fig.axes[0]
    assert len(fig.axes) == 2  # the heatmap and its colour bar
    assert [t.get_text() for t in ax.get_yticklabels()] == list(Squares.factor_names)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["z0", "z1", "z2", "z3"]
    assert len(ax.texts) == 4 * 4  # every cell annotated
    assert "InfoM" in ax.get_title()
    _written(fig, tmp_path)


def test_heatmaps_grey_out_inactive_latents():
    nmi = pd.DataFrame([[0.9, 0.0, 0.1], [0.0, 0.0, 0.7]], index=["x", "y"],
                       columns=["a", "b", "c"])
    fig = plot_nmi(nmi, active_latents=[True, False, True])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    colors = [t.get_color() for t in ax.get_xticklabels()]
    assert colors[1] != colors[0] == colors[2]
    assert len(ax.patches) == 1  # one grey band
    with pytest.raises(ValueError, match="active_latents has 2 entries"):
        plot_nmi(nmi, active_latents=[True, False])
    with pytest.raises(ValueError, match="factor_names has 3 names"):
        plot_nmi(nmi, factor_names=["a", "b", "c"])


def test_importance_heatmap(qlae, squares, tmp_path):
    X, factors = squares
    result = dci(factors, qlae.transform(X), importance="hist", random_state=0)
    fig = plot_importance(result, factor_names=Squares.factor_names)
    ax = fig.axes[0]
    assert ax.get_images()[0].get_array().shape == (4, 4)  # factors x latents
    assert "DCI importance (hist)" in ax.get_title()
    _written(fig, tmp_path)
    # a plain matrix is latents x factors, as DCI returns it; unused latents are greyed
    fig = plot_importance(np.array([[0.8, 0.0], [0.2, 1.0], [0.0, 0.0]]))
    ax = fig.axes[0]
    assert ax.get_images()[0].get_array().shape == (2, 3)
    assert len(ax.patches) == 1


def test_reconstructions(qlae, qlinfogan, squares, rgb, tmp_path):
    fig = plot_reconstructions(qlae, squares[0], n_samples=5)
    assert len(fig.axes) == 3 * 5
    assert [fig.axes[5 * r].get_ylabel() for r in range(3)] == [
        "original", "reconstruction", "|error|"
    ]
    assert "PSNR" in fig._suptitle.get_text()
    _written(fig, tmp_path, "grey.png")
    fig = plot_reconstructions(qlinfogan, rgb, n_samples=3)
    assert len(fig.axes) == 9
    assert fig.axes[0].get_images()[0].get_array().shape == (16, 16, 3)
    _written(fig, tmp_path, "rgb.png")


def test_reconstructions_of_tabular_data():
    X = np.random.default_rng(0).normal(size=(40, 6))
    fig = plot_reconstructions(PCA(2).fit(X), X, n_samples=10)
    assert [ax.get_title() for ax in fig.axes] == ["original", "reconstruction", "|error|"]


def test_codebook_usage(qlae, qlinfogan, squares, rgb, tmp_path):
    fig = plot_codebook_usage(qlae, squares[0])
    assert len(fig.axes) == 4
    indices = qlae.encode(squares[0], output="indices")
    for j, ax in enumerate(fig.axes):
        used = len(np.unique(indices[:, j]))
        assert ax.get_title().startswith(f"z{j}: {used}/5 used")
    _written(fig, tmp_path)
    fig = plot_codebook_usage(qlinfogan, rgb)
    assert len(fig.axes) == 3


def test_codebook_usage_needs_a_codebook(infogan, squares):
    with pytest.raises(ValueError, match="needs a quantized model with a codebook_"):
        plot_codebook_usage(infogan, squares[0])


def test_history(qlae, qlinfogan, tmp_path):
    fig = plot_history(qlae)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["train_loss", "reconstruction_loss", "quantization_loss",
                      "commitment_loss"]
    assert all(ax.get_xlabel() == "epoch" for ax in fig.axes)
    assert len(fig.axes[0].get_lines()[0].get_xdata()) == 2
    _written(fig, tmp_path)
    titles = [ax.get_title() for ax in plot_history(qlinfogan).axes]
    assert titles[0] == "train_loss" and "gradient_penalty_loss" in titles
    with pytest.raises(ValueError, match="history_"):
        plot_history(PCA())


def _all_models():
    from sklq import VQVAE, Autoencoder, BetaTCVAE, BetaVAE, BioAE

    fast = dict(max_epochs=1, batch_size=32, random_state=0)
    return [
        LatentQuantizedAutoencoder(3, n_values_per_latent=4, **fast),
        LatentQuantizedInfoGAN(3, n_values_per_latent=4, **GAN),
        InfoGAN(3, **GAN),
        Autoencoder(3, **fast),
        BetaVAE(3, **fast),
        BetaTCVAE(3, **fast),
        BioAE(3, **fast),
        VQVAE(3, codebook_size=8, embedding_dim=2, **fast),
    ]


@pytest.mark.parametrize("model", _all_models(), ids=lambda m: type(m).__name__)
def test_every_plot_works_on_every_model(model, squares, tmp_path):
    X, factors = squares[0][:64], squares[1][:64]
    model.fit(X)
    _written(plot_latent_traversals(model, X, factors=factors), tmp_path, "traversals.png")
    _written(plot_reconstructions(model, X), tmp_path, "reconstructions.png")
    _written(plot_history(model), tmp_path, "history.png")
    Z = model.transform(X)
    assert Z.dtype == np.float32 and Z.shape == (64, 3)
    if hasattr(model, "codebook_"):
        # codebook_ is (n_latents, values per latent) on every quantized model
        assert model.codebook_.shape[0] == 3
        assert all(np.isin(Z[:, j], model.codebook_[j]).all() for j in range(3))
        assert len(_written(plot_codebook_usage(model, X), tmp_path).read_bytes()) > 0
    else:
        with pytest.raises(ValueError, match="needs a quantized model with a codebook_"):
            plot_codebook_usage(model, X)


def test_every_plot_draws_into_given_axes(qlae, squares):
    X, factors = squares
    fig, ax = plt.subplots()
    assert plot_nmi(infomec(factors, qlae.transform(X)), ax=ax) is fig
    assert ax.get_title().startswith("Normalised mutual information")
    fig, ax = plt.subplots()
    importance = np.array([[0.8, 0.0], [0.2, 1.0], [0.0, 0.0]])
    assert plot_importance(importance, ax=ax) is fig and len(ax.texts) == 6
    # multi-panel plots take an array of Axes and leave the caller's figure title alone
    fig, axes = plt.subplots(4, 2)
    assert plot_latent_traversals(qlae, X, n_samples=2, ax=axes) is fig
    assert axes[0, 0].get_images() and fig.get_suptitle() == ""
    fig, axes = plt.subplots(3, 5)
    assert plot_reconstructions(qlae, X, n_samples=5, ax=axes) is fig
    assert axes[1, 0].get_ylabel() == "reconstruction"
    fig, axes = plt.subplots(1, 4)
    assert plot_codebook_usage(qlae, X, ax=axes) is fig
    assert axes[3].get_title().startswith("z3")
    fig, axes = plt.subplots(2, 2)
    assert plot_history(qlae, ax=axes) is fig and axes[0, 0].get_title() == "train_loss"
    with pytest.raises(ValueError, match=r"ax must hold 8 Axes for this plot \(4 x 2\), got 3"):
        plot_latent_traversals(qlae, X, n_samples=2, ax=plt.subplots(1, 3)[1])
    with pytest.raises(ValueError, match="ax must hold at least 4 Axes"):
        plot_codebook_usage(qlae, X, ax=plt.subplots(1, 2)[1])
