"""Command line: ``python -m sklq demo`` (also installed as the ``sklq`` console script)."""

import argparse
import sys
import time

import numpy as np


def _psnr(X, X_hat):
    mse = float(np.mean((X.astype(np.float64) - X_hat) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(1.0 / mse)


def run_demo(args):
    """Fit a QLAE on the built-in Squares dataset and print what it learned."""
    import torch

    from . import LatentQuantizedAutoencoder
    from .datasets import make_squares

    torch.set_num_threads(args.threads) if args.threads else None
    X, factors = make_squares(image_size=16, random_state=args.seed)
    rng = np.random.default_rng(args.seed)
    order = rng.permutation(len(X))
    n_test = len(X) // 5
    test, train = order[:n_test], order[n_test:]
    print(f"Squares: {len(X)} images of 16x16, factors x, y, size, brightness; "
          f"{len(train)} for training, {n_test} held out.")
    model = LatentQuantizedAutoencoder(
        8, n_values_per_latent=10, max_epochs=args.epochs, batch_size=32,
        random_state=args.seed, verbose=1,
    )
    start = time.perf_counter()
    model.fit(X[train])
    seconds = time.perf_counter() - start
    steps = args.epochs * int(np.ceil(len(train) / 32))
    print(f"\nTrained {steps} steps in {seconds:.0f} s.")

    mean_image = X[train].mean(axis=0)
    for name, rows in (("train", train), ("held-out", test)):
        X_hat = model.inverse_transform(model.transform(X[rows]))
        print(f"{name:>9} PSNR {_psnr(X[rows], X_hat):5.1f} dB "
              f"(the mean image: {_psnr(X[rows], mean_image[None]):.1f} dB), "
              f"score {model.score(X[rows]):.4f}")

    indices = model.encode(X[test], output="indices")
    print("\nLearned codebook (one row per latent; * marks values the held-out data uses):")
    for j, values in enumerate(model.codebook_):
        used = set(indices[:, j].tolist())
        cells = " ".join(f"{v:+.2f}{'*' if k in used else ' '}" for k, v in enumerate(values))
        print(f"  z{j}: {cells}")
    print("\nCorrelation of each latent with each factor (held-out):")
    names = ["x", "y", "size", "bright"]
    Z = model.transform(X[test])
    print("       " + " ".join(f"{n:>7}" for n in names))
    for j in range(Z.shape[1]):
        row = [
            0.0 if Z[:, j].std() == 0 else abs(np.corrcoef(Z[:, j], factors[test, i])[0, 1])
            for i in range(len(names))
        ]
        print(f"  z{j}:  " + " ".join(f"{r:7.2f}" for r in row))
    return 0


def build_parser():
    parser = argparse.ArgumentParser(prog="sklq", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="train a QLAE on a built-in dataset and show what it learned"
    )
    demo.add_argument("--epochs", type=int, default=25, help="passes over the data (25)")
    demo.add_argument("--seed", type=int, default=0, help="random seed (0)")
    demo.add_argument("--threads", type=int, default=None, help="torch threads (default: all)")
    demo.set_defaults(run=run_demo)
    return parser


def main(argv=None):
    """Entry point of the ``sklq`` command."""
    args = build_parser().parse_args(argv)
    if getattr(args, "epochs", 1) < 1:
        print("sklq: error: --epochs must be at least 1", file=sys.stderr)
        return 2
    return args.run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
