"""The command line's argument parser: commands, options and their checks."""

import argparse
import math
import sys

from ._commands import MODELS, run_evaluate, run_fit, run_traverse
from ._demo import DEMO_DATASETS, run_demo
from ._errors import USAGE_ERROR


# ------------------------------------------------------------------------- arguments
def _positive(kind, name):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, got {text!r}") from None
        if not value > 0 or (kind is float and not math.isfinite(value)):
            raise argparse.ArgumentTypeError(f"{name} must be positive, got {text!r}")
        return value

    return parse


def _non_negative_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not (value >= 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text!r}")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``sklq: error: ...`` and the command's --help hint."""

    def error(self, message):
        hint = f" (see '{self.prog} --help')"
        print(f"sklq: error: {message}{hint}", file=sys.stderr)
        sys.exit(USAGE_ERROR)


def _add_saved_model_inputs(command, data_help, verb):
    """The arguments of the commands that read a saved model and data: MODEL, DATA, where
    the images and factors are, the subset and the seed."""
    command.add_argument("model", metavar="MODEL", help="a file written by sklq fit")
    command.add_argument("data", metavar="DATA", help=data_help)
    command.add_argument("--factors", metavar="FILE", default=None,
                         help=".npy file of factors, one row per image")
    command.add_argument("--factors-key", default=None,
                         help="name of the factors array in DATA")
    command.add_argument("--images-key", default=None, help="name of the images array in DATA")
    command.add_argument("--max-samples", type=_positive(int, "--max-samples"), default=5000,
                         help=f"{verb} a random subset this large (default: 5000)")
    command.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")


# ----------------------------------------------------------------------------- parser
def build_parser():
    parser = _Parser(
        prog="sklq",
        description="Disentangled representation learning with latent quantization.",
        epilog="Run 'sklq COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"sklq {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     parser_class=_Parser)

    demo = commands.add_parser(
        "demo", help="train a QLAE and an autoencoder side by side and compare them",
        description="Generate a built-in dataset, train a QLAE and a plain autoencoder on "
                    "80% of it at the same time (one process each, same network, steps and "
                    "seed), evaluate both on the rest and write DIR/ with one report of both "
                    "(report.md, metrics.json, figures) and the fitted models.",
    )
    demo.add_argument("--dataset", choices=sorted(DEMO_DATASETS), default="squares",
                      help="built-in dataset (default: squares, 16x16, the fastest)")
    demo.add_argument("--minutes", type=_positive(float, "--minutes"), default=3.0,
                      help="time budget for training each model (both train at once); it "
                           "stops after the epoch that would pass it (default: 3)")
    demo.add_argument("--epochs", type=_positive(int, "--epochs"), default=None,
                      help="maximum passes over the training images (default: per dataset, "
                           "squares 250, sprites 60, scenes 60)")
    demo.add_argument("--out", default="sklq-demo", metavar="DIR",
                      help="report folder (default: ./sklq-demo)")
    demo.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    demo.add_argument("--dci", choices=("gbt", "hist"), default=None,
                      help="DCI importance estimator (default: gbt for squares, hist for the "
                           "32x32 datasets)")
    demo.add_argument("--threads", type=_positive(int, "--threads"), default=1,
                      help="torch threads per model (default: 1; the demo's small networks "
                           "train as fast on one, and the two models share the cores)")
    demo.set_defaults(run=run_demo)

    data_help = ("a .npz file (images under X, images or imgs; factors under factors, y or "
                 "latents_classes) or a .npy file of images; images as (n, H, W), (n, C, H, W) "
                 "or (n, H, W, C), uint8 in [0, 255] or floats")

    fit = commands.add_parser(
        "fit", help="train a model on your images and save it",
        description="Train a model on the images of DATA and save it (safe format, read "
                    "with sklq.load).",
    )
    fit.add_argument("data", metavar="DATA", help=data_help)
    fit.add_argument("--out", metavar="FILE", help="model file (default: DATA with .sklq)")
    fit.add_argument("--model", choices=sorted(MODELS), default="qlae",
                     help="qlae (default), qlinfogan or infogan")
    fit.add_argument("--n-latents", type=_positive(int, "--n-latents"), default=None,
                     help="number of latents (default 10; about twice the number of factors)")
    fit.add_argument("--n-values", type=_positive(int, "--n-values"), default=None,
                     help="values per latent codebook (default 10)")
    fit.add_argument("--weight-decay", type=_non_negative_float, default=None,
                     help="AdamW weight decay (default: the model's, 0.1 for qlae)")
    fit.add_argument("--learning-rate", type=_positive(float, "--learning-rate"), default=None)
    fit.add_argument("--epochs", type=_positive(int, "--epochs"), default=None,
                     help="passes over the data (default: the model's)")
    fit.add_argument("--batch-size", type=_positive(int, "--batch-size"), default=None)
    fit.add_argument("--minutes", type=_positive(float, "--minutes"), default=None,
                     help="time budget for training (default: none)")
    fit.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    fit.add_argument("--images-key", default=None, help="name of the images array in DATA")
    fit.add_argument("--threads", type=_positive(int, "--threads"), default=None)
    fit.add_argument("--quiet", action="store_true", help="no epoch table")
    fit.set_defaults(run=run_fit)

    evaluate_parser = commands.add_parser(
        "evaluate", help="disentanglement metrics of a saved model on your data",
        description="InfoM/InfoC/InfoE, DCI, MIG and PSNR of MODEL on the images and factors "
                    "of DATA; with --out, also a report folder with figures.",
    )
    _add_saved_model_inputs(evaluate_parser, data_help, "evaluate")
    evaluate_parser.add_argument("--factor-names", default=None, metavar="A,B,...",
                                 help="comma-separated factor names for the report")
    evaluate_parser.add_argument("--dci", choices=("gbt", "hist"), default="hist",
                                 help="DCI importance estimator (default: hist, fast)")
    evaluate_parser.add_argument("--out", metavar="DIR", default=None,
                                 help="also write report.md, metrics.json and figures here")
    evaluate_parser.add_argument("--threads", type=_positive(int, "--threads"), default=None)
    evaluate_parser.set_defaults(run=run_evaluate)

    traverse = commands.add_parser(
        "traverse", help="draw latent traversals of a saved model",
        description="Decode each latent of MODEL swept over its values, for a few images of "
                    "DATA, into a PNG (rows ordered by NMI when DATA has factors).",
    )
    _add_saved_model_inputs(traverse, data_help, "use")
    traverse.add_argument("--out", metavar="PNG", default="traversals.png",
                          help="image file (default: traversals.png)")
    traverse.add_argument("--n-samples", type=_positive(int, "--n-samples"), default=3,
                          help="images traversed (default: 3)")
    traverse.add_argument("--n-values", type=_positive(int, "--n-values"), default=8,
                          help="values per continuous latent (default: 8)")
    traverse.set_defaults(run=run_traverse)
    return parser


def _version():
    from .. import __version__

    return __version__
