"""One hyperparameter search, serially and on a Dask cluster, with identical results.

sklq estimators and the disentanglement scorers are picklable, so ``GridSearchCV`` fans its
fits out through joblib unchanged: ``n_jobs=2`` uses worker processes on this machine, and
``joblib.parallel_config(backend="dask")`` sends the same fits to a Dask cluster. With one
thread per worker every fit is deterministic, so the parallel search equals the serial one
(the test suite checks both backends; this script shows Dask). It starts a local cluster — a
scheduler and 2 worker processes on 127.0.0.1; point ``Client`` at ``"tcp://scheduler:8786"``
instead to use a multi-machine cluster (see docs/distributed.md). Without dask installed
(``pip install "dask[distributed]"``) it runs the search with ``n_jobs=2`` instead.
"""

import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import parallel_config
from sklearn.model_selection import GridSearchCV, KFold

import sklq
from sklq import LatentQuantizedAutoencoder
from sklq.metrics import get_scorers


def make_search():
    """A small search: 4 candidates x 2 folds, scored by disentanglement, refit on InfoM."""
    return GridSearchCV(
        LatentQuantizedAutoencoder(6, max_epochs=6, batch_size=64, random_state=0),
        {"weight_decay": [0.0, 0.1], "n_values_per_latent": [3, 5]},
        scoring=get_scorers(["infom", "infoc", "mig"], random_state=0),
        refit="infom",
        cv=KFold(2, shuffle=True, random_state=0),
    )


def make_data(n_samples=600):
    """Tabular data from 3 hidden factors of 5 levels each, mixed into 12 noisy features."""
    rng = np.random.default_rng(0)
    factors = rng.integers(0, 5, size=(n_samples, 3))
    mixing = rng.normal(size=(3, 12))
    X = np.tanh(factors @ mixing / 4) + 0.05 * rng.normal(size=(n_samples, 12))
    return X.astype(np.float32), factors


def timed_fit(search, X, factors):
    start = time.perf_counter()
    search.fit(X, factors)
    return search, time.perf_counter() - start


def same_results(a, b):
    """``cv_results_`` equal, apart from the timings."""
    return all(
        np.array_equal(np.asarray(a[key]), np.asarray(b[key])) if key != "params"
        else a[key] == b[key]
        for key in a if not key.endswith("_time")
    )


def main():
    # Worker processes: single-threaded torch, and the same sklq as this script imports.
    os.environ["OMP_NUM_THREADS"] = "1"
    here = str(Path(sklq.__file__).resolve().parents[1])
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (here, os.environ.get("PYTHONPATH")) if p
    )

    X, factors = make_data()

    runs = {"serial": timed_fit(make_search(), X, factors)}
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        print("dask is not installed: running the search with n_jobs=2 instead.")
        with parallel_config(backend="loky", inner_max_num_threads=1):
            runs["loky, n_jobs=2"] = timed_fit(make_search().set_params(n_jobs=2), X, factors)
    else:
        with (
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                         host="127.0.0.1", dashboard_address=None) as cluster,
            Client(cluster) as client,
        ):
            print(f"Dask cluster at {cluster.scheduler_address}, "
                  f"{len(client.scheduler_info()['workers'])} workers")
            with parallel_config(backend="dask"):
                runs["dask, 2 workers"] = timed_fit(
                    make_search().set_params(n_jobs=-1), X, factors
                )

    serial = runs["serial"][0]
    table = pd.DataFrame(serial.cv_results_["params"])
    for name, (search, _) in runs.items():
        table[f"InfoM ({name})"] = search.cv_results_["mean_test_infom"].round(4)
    print(table.to_string(index=False))
    for name, (search, seconds) in runs.items():
        same = same_results(search.cv_results_, serial.cv_results_)
        print(f"{name:>16}: {seconds:5.1f} s, best {search.best_params_}, "
              f"identical to serial: {same}")
        if not same:
            raise SystemExit(f"{name} differs from the serial search")


if __name__ == "__main__":  # worker processes re-import this file
    main()
