"""A QLAE inside scikit-learn pipelines: images as flat rows, and standardised tabular data.

1. Images travel through a ``Pipeline`` as flat rows; ``input_shape=(1, 16, 16)`` lets the
   QLAE train its convolutional networks on them. Logistic regressions then read the four
   factors of held-out squares off the 8 quantized latents (a short CPU run of 600 steps; the
   paper trains 200,000).
2. Tabular data: ``StandardScaler`` -> QLAE on a DataFrame. The latents get feature names, and
   ``inverse_transform`` of the pipeline decodes them back to the original units.
"""

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.multioutput import MultiOutputClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklq import LatentQuantizedAutoencoder
from sklq.datasets import Squares, make_squares
from sklq.metrics import infomec

# --- 1. Flat image rows -> QLAE -> classifiers -------------------------------------------
X, factors = make_squares(image_size=16, random_state=0)
rows = X.reshape(len(X), -1)                      # (1600, 256): what a tabular pipeline sees
rows_train, rows_test, factors_train, factors_test = train_test_split(
    rows, factors, test_size=0.25, random_state=0
)
latent_classifier = make_pipeline(
    LatentQuantizedAutoencoder(8, input_shape=(1, 16, 16), max_epochs=8, batch_size=16,
                               random_state=0),
    MultiOutputClassifier(LogisticRegression(max_iter=2000)),  # one classifier per factor
)
latent_classifier.fit(rows_train, factors_train)  # y reaches the classifiers, not the QLAE
accuracy = (latent_classifier.predict(rows_test) == factors_test).mean(axis=0)
print("Reading the factors of 400 held-out squares off the 8 quantized latents:")
squares = Squares(image_size=16)
for name, size, value in zip(squares.factor_names, squares.factor_sizes, accuracy, strict=True):
    print(f"  {name:<11} accuracy {value:.2f}   (chance {1 / size:.2f})")

# --- 2. Tabular data: StandardScaler -> QLAE ---------------------------------------------------
rng = np.random.default_rng(0)
n_samples = 2000
sources = rng.integers(0, 5, size=(n_samples, 3))          # three hidden factors, 5 levels each
mixing = rng.normal(size=(3, 12))
features = np.tanh(sources @ mixing / 4) + 0.05 * rng.normal(size=(n_samples, 12))
table = pd.DataFrame(100 * features + 20, columns=[f"sensor_{k}" for k in range(12)])

tabular = make_pipeline(
    StandardScaler(),
    LatentQuantizedAutoencoder(6, n_values_per_latent=5, max_epochs=20, batch_size=64,
                               random_state=0),
)
latents = tabular.fit_transform(table)
decoded = tabular.inverse_transform(latents)      # back through the scaler: original units
print(f"\nTabular: {table.shape[0]} rows x {table.shape[1]} columns, in a "
      f"{' -> '.join(type(step).__name__ for _, step in tabular.steps)} pipeline")
print("latent names:", list(tabular.get_feature_names_out()))
print(f"reconstruction R^2 in the original units: {r2_score(table, decoded):.3f}")
result = infomec(sources, latents, random_state=0)
print(f"against the 3 hidden factors: InfoM {result.infom:.2f}, InfoC {result.infoc:.2f}, "
      f"InfoE {result.infoe:.2f}")
