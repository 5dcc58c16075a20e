"""Wall time of the Fig. 4/5 estimators on 3-centre blobs, side by side in one run.

For n = 5000 (``--n``) and d in {20, 2000, 20000} (``--dims``), times one estimate of each
estimator exactly as the mi_compare study computes it (``dse_repro.studies.mi_estimators`` with
the paper's settings from ``conf/study/mi_compare.yaml``) and prints each time as a ratio to
DSMI's; ``dsmi_f64`` is the same DSMI in float64 (distances and eigensolves), and the
difference of the two values is printed (the error of the study's float32 arithmetic). Data
generation is excluded. MINE runs ``--mine-epochs`` epochs (paper: 200) and its time is also
extrapolated to 200 epochs (it is linear in epochs).

Usage: ``python benchmarks/bench_mi.py [--n 5000] [--dims 20 2000 20000] [--skip mine]``
"""
from __future__ import annotations

import argparse
import platform
import time

from hydra.utils import instantiate

from dse_repro.simulate import WideBlobs
from dse_repro.studies.registry import compose_config


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--dims", type=int, nargs="+", default=[20, 2000, 20000])
    ap.add_argument("--estimators", nargs="+",
                    default=["dsmi", "dsmi_f64", "npeet_mi", "npeet_micd", "csmi_10", "mine"])
    ap.add_argument("--skip", nargs="*", default=[])
    ap.add_argument("--mine-epochs", type=int, default=10)
    args = ap.parse_args()
    reg = compose_config("paper").studies.mi_compare.estimators
    fns = {}
    for name in args.estimators:
        if name in args.skip:
            continue
        if name == "dsmi_f64":  # the conf's DSMI in float64 throughout: its error is ours
            fns[name] = instantiate(reg.dsmi.fn, distance_precision="float64",
                                    precision="float64")
        elif name == "mine":
            fns[name] = instantiate(reg.mine.fn, epochs=args.mine_epochs)
        else:
            fns[name] = instantiate(reg[name].fn)
    warm = WideBlobs(30, 2, 3, seed=1)
    for fn in fns.values():  # imports and first-call set-up are not timed
        fn(warm, warm.labels)

    print(f"# {platform.machine()}, n = {args.n}, 3 centres, noise 1 %; seconds per estimate "
          f"(data generation excluded); ratio = time / DSMI time")
    for d in args.dims:
        data = WideBlobs(args.n, d, 3, noise=0.01, seed=0)
        data.full()
        times, values = {}, {}
        for name, fn in fns.items():
            t0 = time.perf_counter()
            values[name] = fn(data, data.labels)
            times[name] = time.perf_counter() - t0
        if "mine" in times:
            times["mine (200 ep, extrapolated)"] = times["mine"] * 200 / args.mine_epochs
        base = times.get("dsmi", 1.0)
        print(f"\nd = {d}")
        for name, t in times.items():
            v = values.get(name.split(" ")[0], float("nan"))
            print(f"  {name:>28}: {t:9.2f} s  ratio {t / base:8.2f}   MI = {v:.3f} bits")
        if {"dsmi", "dsmi_f64"} <= set(values):
            print(f"  |DSMI - DSMI in float64| = "
                  f"{abs(values['dsmi'] - values['dsmi_f64']):.2e} bits")


if __name__ == "__main__":
    main()
