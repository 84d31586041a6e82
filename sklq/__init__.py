"""sklq: disentangled representation learning with latent quantization.

scikit-learn-style estimators for "Disentanglement via Latent Quantization"
(Hsu et al., NeurIPS 2023), the metrics that measure disentanglement (InfoMEC,
DCI, MIG) and ground-truth datasets generated in memory.
"""

__version__ = "0.1.0.dev0"

__all__ = ["__version__"]
