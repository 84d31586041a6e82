"""sklq: disentangled representation learning with latent quantization.

scikit-learn-style estimators for "Disentanglement via Latent Quantization"
(Hsu et al., NeurIPS 2023), the metrics that measure disentanglement (InfoMEC,
DCI, MIG) and ground-truth datasets generated in memory.

``sklq.save`` and ``sklq.load`` write and read fitted models without executing code on load;
``sklq.evaluate`` computes every metric of a fitted model with its chance level.

The estimators are imported lazily, so ``import sklq.metrics`` and
``import sklq.datasets`` never import torch.
"""

import importlib

__version__ = "0.1.0.dev0"

#: Public estimators and the private module that defines each.
_ESTIMATORS = {
    "LatentQuantizedAutoencoder": "._autoencoder",
    "LatentQuantizedInfoGAN": "._infogan",
    "InfoGAN": "._infogan",
    "Autoencoder": "._baselines",
    "BetaTCVAE": "._baselines",
    "BetaVAE": "._baselines",
    "BioAE": "._baselines",
    "VQVAE": "._baselines",
}

#: Public functions and the private module that defines each (imported lazily too).
_FUNCTIONS = {
    "save": "._persistence",
    "load": "._persistence",
    "evaluate": "._evaluation",
    "Evaluation": "._evaluation",
}

__all__ = [*_ESTIMATORS, *_FUNCTIONS, "__version__"]


def __getattr__(name):
    if name in _ESTIMATORS or name in _FUNCTIONS:
        module = _ESTIMATORS.get(name) or _FUNCTIONS[name]
        value = getattr(importlib.import_module(module, __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sklq' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
