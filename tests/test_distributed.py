"""Hyperparameter search over sklq estimators in parallel: joblib's loky backend and Dask.

Each parallel search must give exactly the ``cv_results_`` of the serial search with the same
seeds: training is deterministic on the CPU for a fixed ``random_state`` and thread count, and
every process here trains single-threaded.
"""

import os
from pathlib import Path

import numpy as np
import pytest
from joblib import parallel_config
from sklearn.model_selection import GridSearchCV, KFold

import sklq
from sklq import LatentQuantizedAutoencoder
from sklq.datasets import make_squares
from sklq.metrics import get_scorers

ROOT = Path(__file__).resolve().parents[1]

#: Worker processes train single-threaded and import sklq from this checkout (which is also
#: where an editable install points, so this is harmless under ``make test``).
WORKER_ENV = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
}

# 12 training steps can leave a single active latent, and InfoC warns about it; these tests
# only compare the serial and the distributed searches.
pytestmark = [pytest.mark.filterwarnings("ignore:Only one active latent"),
              pytest.mark.slow]  # worker processes

PARAM_GRID = {"weight_decay": [0.0, 0.1], "n_values_per_latent": [3, 5]}
SCORER_NAMES = ["infom", "infoc", "infoe", "mig"]


@pytest.fixture(scope="module")
def worker_env():
    """Export ``WORKER_ENV`` for the module, so every spawned worker inherits it."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in WORKER_ENV.items():
            patch.setenv(name, value)
        yield WORKER_ENV


@pytest.fixture(scope="module")
def squares():
    X, factors = make_squares(image_size=16, random_state=0)
    rows = np.random.default_rng(0).choice(len(X), 240, replace=False)
    return X[rows], factors[rows]


def _search():
    estimator = LatentQuantizedAutoencoder(
        4, architecture="mlp", max_epochs=3, batch_size=32, random_state=0
    )
    return GridSearchCV(
        estimator,
        PARAM_GRID,
        scoring=get_scorers(SCORER_NAMES, random_state=0),
        refit=False,
        cv=KFold(2, shuffle=True, random_state=0),
        error_score="raise",
    )


def _comparable(cv_results):
    """``cv_results_`` without the timings, which differ from run to run."""
    return {key: value for key, value in cv_results.items() if not key.endswith("_time")}


def assert_same_cv_results(actual, expected):
    actual, expected = _comparable(actual), _comparable(expected)
    assert actual.keys() == expected.keys()
    for key, value in expected.items():
        if key == "params":
            assert actual[key] == value
        else:
            np.testing.assert_array_equal(np.asarray(actual[key]), np.asarray(value),
                                          err_msg=key)


@pytest.fixture(scope="module")
def serial_results(squares):
    X, factors = squares
    cv_results = _search().fit(X, factors).cv_results_
    for name in SCORER_NAMES:
        assert np.isfinite(cv_results[f"mean_test_{name}"]).all()
    return cv_results


def test_loky_search_equals_serial(squares, serial_results, worker_env):
    X, factors = squares
    with parallel_config(backend="loky", inner_max_num_threads=1):
        search = _search().set_params(n_jobs=2).fit(X, factors)
    assert_same_cv_results(search.cv_results_, serial_results)


@pytest.fixture(scope="module")
def dask_client(worker_env):
    """A scheduler and two single-threaded worker processes on 127.0.0.1, always closed."""
    import distributed

    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            env=worker_env,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _worker_setup():
    import torch

    import sklq as worker_sklq

    return worker_sklq.__file__, torch.get_num_threads()


def test_dask_workers_import_this_sklq_single_threaded(dask_client):
    setups = dask_client.run(_worker_setup)
    assert len(setups) == 2
    assert all(setup == (sklq.__file__, 1) for setup in setups.values()), setups


def test_dask_search_equals_serial(squares, serial_results, dask_client):
    from distributed import get_task_stream

    X, factors = squares
    with get_task_stream(dask_client) as task_stream, parallel_config(backend="dask"):
        search = _search().set_params(n_jobs=-1).fit(X, factors)
    assert_same_cv_results(search.cv_results_, serial_results)
    # The fits ran as tasks on the cluster's workers, not in this process.
    workers = {task["worker"] for task in task_stream.data}
    assert workers and workers <= set(dask_client.scheduler_info()["workers"])
