"""Quick demonstration: DSE and DSMI of scikit-learn's bundled 8x8 digits (no downloads).

Run: ``python -m dse_repro.tools.example``
"""
from __future__ import annotations

import numpy as np
from sklearn.datasets import load_digits

from dse_repro.measures import cse, csmi, dse, dsmi


def main() -> None:
    X, y = load_digits(return_X_y=True)
    sigma = 10.0  # the paper's default kernel width; pixel values are 0..16
    rng = np.random.default_rng(0)
    print(f"digits: n={X.shape[0]}, D={X.shape[1]}, 10 classes, sigma={sigma:.1f}")
    for t in (1, 2, 5):
        print(f"  t={t}: DSE(X) = {dse(X, sigma, t):.3f} bits   "
              f"DSMI(X; labels) = {dsmi(X, y, sigma, t):.3f} bits   "
              f"DSMI(X; shuffled labels) = {dsmi(X, rng.permutation(y), sigma, t):.3f} bits")
    print(f"  CSE(X, 10 bins) = {cse(X, 10):.3f} bits (log2 n = {np.log2(len(X)):.3f})   "
          f"CSMI(X; labels, 10 bins) = {csmi(X, y, 10):.3f} bits")


if __name__ == "__main__":
    main()
