"""sklq.evaluate: one call, every metric with its chance level."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.decomposition import PCA

import sklq
from sklq import LatentQuantizedAutoencoder
from sklq._evaluation import METRIC_NAMES, psnr
from sklq.datasets import make_squares
from sklq.metrics import dci, infomec, mig


@pytest.fixture(scope="module")
def pca_data():
    rng = np.random.default_rng(0)
    factors = rng.integers(0, 4, size=(500, 2))
    X = np.c_[factors * [1, 3] + rng.normal(0, 0.3, (500, 2)), rng.normal(0, 0.1, (500, 2))]
    return PCA(2).fit(X / 12), X / 12, factors


def test_table_matches_the_metrics(pca_data):
    model, X, factors = pca_data
    result = sklq.evaluate(model, X, factors, random_state=0)
    table = result.to_frame()
    assert list(table.index) == list(METRIC_NAMES)
    assert list(table.columns) == ["value", "chance", "adjusted"]
    Z = model.transform(X)
    reference = infomec(factors, Z, random_state=0)
    adjusted = infomec(factors, Z, random_state=0, adjust_for_chance=True)
    assert table.loc["infom", "value"] == reference.infom
    assert table.loc["infoe", "value"] == reference.infoe
    assert table.loc["infoc", "adjusted"] == adjusted.infoc
    assert table.loc["infom", "chance"] == adjusted.chance["infom"]
    dci_result = dci(factors, Z, random_state=0)
    assert table.loc["dci_completeness", "value"] == dci_result.completeness
    assert np.isnan(table.loc["dci_completeness", "chance"])
    assert table.loc["dci_informativeness", "chance"] == dci_result.informativeness_chance
    assert table.loc["mig", "adjusted"] == mig(factors, Z, adjust_for_chance=True).mig
    assert table.loc["psnr", "value"] == pytest.approx(psnr(X, model.inverse_transform(Z)))
    assert table.loc["psnr", "adjusted"] == pytest.approx(
        table.loc["psnr", "value"] - table.loc["psnr", "chance"]
    )
    # the informative PCA: well above chance on every adjusted metric
    assert (table.loc[["infom", "infoc", "infoe", "mig"], "adjusted"] > 0.9).all()
    assert result.nmi.shape == result.nmi_adjusted.shape == (2, 2)
    assert list(result.importance.index) == ["z0", "z1"]


def test_to_dict_is_json_ready(pca_data):
    model, X, factors = pca_data
    data = sklq.evaluate(model, X, factors, random_state=0).to_dict()
    text = json.dumps(data, allow_nan=False)  # NaN chance levels became None
    assert json.loads(text)["metrics"]["dci_disentanglement"]["chance"] is None
    assert set(data["metrics"]["infom"]) == {"value", "chance", "adjusted"}
    assert data["factor_names"] == ["factor 0", "factor 1"]
    assert np.shape(data["nmi"]) == (2, 2) and len(data["latents"]) == 2
    assert data["latents"][0]["latent"] == "z0"


def test_factor_names_and_errors(pca_data):
    model, X, factors = pca_data
    frame = pd.DataFrame(factors, columns=["left", "right"])
    result = sklq.evaluate(model, X, frame, random_state=0)
    assert result.factor_names == ["left", "right"]
    assert set(result.latents["factor"]) == {"left", "right"}
    with pytest.raises(ValueError, match="factor_names must have one name per factor"):
        sklq.evaluate(model, X, factors, factor_names=["only one"])
    with pytest.raises(ValueError, match="same number of samples"):
        sklq.evaluate(model, X, factors[:10])


def test_without_inverse_transform_there_is_no_psnr(pca_data):
    model, X, factors = pca_data

    class EncoderOnly:
        def transform(self, X):
            return model.transform(X)

    table = sklq.evaluate(EncoderOnly(), X, factors, random_state=0).to_frame()
    assert "psnr" not in table.index and len(table) == len(METRIC_NAMES) - 1


def test_a_fitted_qlae():
    X, factors = make_squares(image_size=16, random_state=0)
    rows = np.random.default_rng(0).permutation(len(X))[:320]
    model = LatentQuantizedAutoencoder(
        4, n_values_per_latent=5, max_epochs=2, batch_size=32, random_state=0
    ).fit(X[rows])
    result = sklq.evaluate(model, X[rows], factors[rows], random_state=0,
                           factor_names=["x", "y", "size", "brightness"])
    assert result.discrete_latents
    assert (result.latents["n_values"] <= 5).all()
    table = result.to_frame()
    assert np.isfinite(table.loc[["infom", "infoc", "infoe", "mig", "psnr"]].to_numpy()).all()
    assert table.loc["psnr", "adjusted"] == pytest.approx(
        table.loc["psnr", "value"] - table.loc["psnr", "chance"]
    )
    again = sklq.evaluate(model, X[rows], factors[rows], random_state=0)
    pd.testing.assert_frame_equal(again.to_frame(), table)
    # InfoE on the quantized values (the paper's training-time probe): only InfoE changes
    values = sklq.evaluate(model, X[rows], factors[rows], random_state=0,
                           infoe_features="values")
    expected = infomec(factors[rows], model.transform(X[rows]), adjust_for_chance=True,
                       random_state=0, infoe_features="values")
    assert values.to_frame().loc["infoe", "adjusted"] == expected.infoe
    assert values.to_frame().loc["infoe", "value"] == expected.unadjusted["infoe"]
    others = ["infom", "infoc", "mig", "psnr"]
    pd.testing.assert_frame_equal(values.to_frame().loc[others], table.loc[others])
    assert (values.infoe_features, values.to_dict()["infoe_features"]) == ("values", "values")
    assert result.to_dict()["infoe_features"] == "one-hot"
    with pytest.raises(ValueError, match="infoe_features must be one of"):
        sklq.evaluate(model, X[rows], factors[rows], infoe_features="linear")


def test_psnr_by_hand():
    assert psnr(np.zeros(4), np.full(4, 0.1)) == pytest.approx(20.0)
    assert psnr(np.full(4, 255, np.uint8), np.full(4, 229.5)) == pytest.approx(20.0)
    assert psnr(np.ones(3), np.ones(3)) == np.inf


def test_a_single_latent_has_no_mig(pca_data):
    _, X, factors = pca_data
    model = PCA(1).fit(X)
    result = sklq.evaluate(model, X, factors, random_state=0)
    table = result.to_frame()
    assert table.loc["mig"].isna().all()
    assert np.isfinite(table.loc["infom", "value"])
    assert any("MIG needs at least 2 latents" in note for note in result.warnings)
