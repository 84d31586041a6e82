"""Compare QLAE with baselines on your own data, with held-out disentanglement metrics.

Replace ``make_squares`` with your images ``X`` (n, C, H, W) and ground-truth ``factors``
(n, n_factors); each model trains on one fold and is scored on the other. 250 steps per fit
keep this under two minutes, far too few to tell the models apart: give every model the same,
larger budget (``benchmarks/compare_models.py`` does, with several seeds).
"""

import pandas as pd
from sklearn.model_selection import KFold, cross_validate

from sklq import Autoencoder, BetaVAE, LatentQuantizedAutoencoder
from sklq.datasets import make_squares
from sklq.metrics import get_scorers

X, factors = make_squares(n_samples=800, image_size=16, random_state=0)
budget = dict(max_epochs=10, batch_size=16, random_state=0)  # the same steps for every model
models = {
    "QLAE": LatentQuantizedAutoencoder(8, **budget),
    "AE": Autoencoder(8, **budget),
    "beta-VAE": BetaVAE(8, **budget),
}
scoring = get_scorers(["infom", "infoc", "infoe", "mig"], random_state=0)
rows = {}
for name, model in models.items():
    scores = cross_validate(model, X, factors, scoring=scoring, cv=KFold(2, shuffle=True,
                                                                         random_state=0))
    rows[name] = {metric: scores[f"test_{metric}"].mean() for metric in scoring}
print(pd.DataFrame(rows).T.round(3).to_string())
