"""The ``sklq`` command line (also ``python -m sklq``).

Commands:

* ``sklq demo``: train a QLAE and a plain autoencoder side by side on a built-in dataset,
  evaluate both on the same held-out images and write one report folder comparing them
  (metrics, figures, the fitted models).
* ``sklq fit DATA``: train a model on your own images (``.npz``/``.npy``) and save it.
* ``sklq evaluate MODEL DATA``: disentanglement metrics of a saved model against the factors
  in ``DATA`` (and optionally the same report folder as the demo).
* ``sklq traverse MODEL DATA``: a latent-traversal picture.

A user mistake (missing file, wrong array shape, bad value) is one line on stderr and exit
status 2 (argument errors) or 1 (everything else). Set ``SKLQ_TRACEBACK=1`` for tracebacks.
"""

import os
import sys

from ._errors import USER_ERROR, CommandError
from ._parser import build_parser

__all__ = ["build_parser", "main"]


def main(argv=None):
    """Entry point of the ``sklq`` command; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except CommandError as exc:
        if os.environ.get("SKLQ_TRACEBACK"):
            raise
        print(f"sklq: error: {exc}", file=sys.stderr)
        return USER_ERROR
    except KeyboardInterrupt:
        print("sklq: interrupted", file=sys.stderr)
        return 130
