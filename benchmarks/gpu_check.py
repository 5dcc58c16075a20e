"""The GPU path, measured: one script for a session that has a GPU (issue 28, item 5).

1. ``dse-repro doctor --scale paper`` (its table and exit code: which paper-scale data are here);
2. DSE and DSMI (10 classes) of the same float64 points on the GPU and on the CPU: the largest
   |GPU - CPU| in bits (must be <= 1e-6) and the seconds each took, at every ``--sizes`` n
   (D = 64; the CPU side only up to ``--cpu-max`` points: its exact eigensolve is cubic);
3. one training epoch of the paper's ResNet-50 (``conf/study/training.yaml`` at scale=paper:
   224 px, batch 128, AdamW) on CIFAR-10-shaped random images (3 x 32 x 32 upsampled to 224,
   10 classes; ``--train-images`` of them, then the epoch time for 50 000 extrapolated, linear in
   images) with the paper's 14 per-epoch measures on ``--val-images`` validation images: the
   seconds of the training part and of the measures part, to set ``resources`` in conf/ from.

Every number is printed as one line ``key: value``. On a machine without a GPU it runs on the
CPU (``--device cpu``, small sizes) so that the script itself can be tried anywhere:
``python benchmarks/gpu_check.py --device cpu --sizes 300 --cpu-max 300 --train-images 64
--val-images 300 --model resnet10t --img-size 32``.
"""
from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time

import numpy as np
import torch


def _sync(dev: torch.device) -> None:
    if dev.type == "cuda":
        torch.cuda.synchronize()


def _clustered(n: int, d: int = 64, k: int = 10, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points in ``d`` dimensions around ``k`` centres (sigma = 10 sees structure) and
    their cluster labels."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, size=n)
    centres = rng.normal(scale=8.0, size=(k, d))
    return centres[y] + rng.normal(size=(n, d)), y


def measures_on_device(dev: torch.device, sizes: list[int], cpu_max: int) -> None:
    from dse_repro.measures import dse, dsmi

    dse(torch.zeros(8, 2, dtype=torch.float64, device=dev) + torch.arange(8, device=dev)[:, None])
    for n in sizes:
        x, y = _clustered(n)
        xt = torch.as_tensor(x, device=dev)
        _sync(dev)
        t0 = time.perf_counter()
        g_dse = dse(xt, sigma=10.0)
        _sync(dev)
        t1 = time.perf_counter()
        g_dsmi = dsmi(xt, y, sigma=10.0, y_discrete=True)
        _sync(dev)
        t2 = time.perf_counter()
        print(f"n={n} {dev.type} dse: {g_dse:.9f} bits in {t1 - t0:.2f} s; "
              f"dsmi: {g_dsmi:.9f} bits in {t2 - t1:.2f} s", flush=True)
        if n <= cpu_max:
            t0 = time.perf_counter()
            c_dse = dse(x, sigma=10.0)
            t1 = time.perf_counter()
            c_dsmi = dsmi(x, y, sigma=10.0, y_discrete=True)
            t2 = time.perf_counter()
            diff = max(abs(g_dse - c_dse), abs(g_dsmi - c_dsmi))
            print(f"n={n} cpu dse: {c_dse:.9f} bits in {t1 - t0:.2f} s; dsmi: {c_dsmi:.9f} "
                  f"bits in {t2 - t1:.2f} s; max |{dev.type} - cpu|: {diff:.3g} bits "
                  f"({'within' if diff <= 1e-6 else 'OUTSIDE'} 1e-6)", flush=True)
        del xt
        if dev.type == "cuda":
            torch.cuda.empty_cache()


def training_epoch(dev: torch.device, model_name: str, img_size: int, n_train: int,
                   n_val: int) -> None:
    from dse_repro.data import ImageData
    from dse_repro.data.transforms import input_clusters, resize_normalize
    from dse_repro.models import create_model
    from dse_repro.studies.registry import compose_config
    from dse_repro.train.loop import TrainSettings, train
    from dse_repro.train.measures import build_measures

    cfg = compose_config("paper")
    s = cfg.studies.training
    gen = torch.Generator().manual_seed(0)
    raw = ImageData("random_cifar10_shaped",
                    torch.rand(n_train, 3, 32, 32, generator=gen),
                    torch.randint(0, 10, (n_train,), generator=gen),
                    torch.rand(n_val, 3, 32, 32, generator=gen),
                    torch.randint(0, 10, (n_val,), generator=gen), 10, "random")
    data = resize_normalize(raw, img_size)
    torch.manual_seed(0)
    model = create_model(model_name, 10, 3, img_size)
    names = list(s.train.measures)
    measures = build_measures(cfg.measures, names)
    clusters = input_clusters(data.x_val, s.x_clusters.n_clusters, s.x_clusters.size, seed=0)
    settings = TrainSettings(method="supervised", epochs=1, batch_size=int(s.train.batch_size),
                             lr=float(s.train.lr), weight_decay=float(s.train.weight_decay),
                             warmup_epochs=0, measures=tuple(names))
    t0 = time.perf_counter()
    (epoch,) = train(model, data, settings, clusters, device=dev, measures=measures)
    _sync(dev)
    total = time.perf_counter() - t0
    per_image = epoch.train_seconds / n_train
    print(f"training {model_name} {img_size} px on {dev.type}: {n_train} images in "
          f"{epoch.train_seconds:.1f} s ({per_image * 1e3:.2f} ms/image; a 50 000-image epoch "
          f"~{per_image * 50_000:.0f} s, 200 epochs ~{per_image * 50_000 * 200 / 3600:.1f} h)",
          flush=True)
    print(f"measures ({len(names)}) on {n_val} validation embeddings: "
          f"{epoch.metric_seconds:.1f} s per epoch ({', '.join(names)}); whole epoch call "
          f"{total:.1f} s; val acc {epoch.val_acc:.3f}", flush=True)
    if dev.type == "cuda":
        print(f"peak GPU memory: {torch.cuda.max_memory_allocated() / 2**30:.1f} GiB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--sizes", type=int, nargs="+", default=[4000, 16000, 50000])
    ap.add_argument("--cpu-max", type=int, default=16000)
    ap.add_argument("--model", default="resnet50")
    ap.add_argument("--img-size", type=int, default=224)
    ap.add_argument("--train-images", type=int, default=10000)
    ap.add_argument("--val-images", type=int, default=10000)
    ap.add_argument("--skip", nargs="*", default=[], choices=["doctor", "measures", "training"])
    args = ap.parse_args()
    dev = torch.device(args.device)
    name = torch.cuda.get_device_name(0) if dev.type == "cuda" else platform.processor()
    print(f"# {platform.machine()}, {dev.type} ({name}), torch {torch.__version__}, "
          f"{torch.get_num_threads()} CPU threads", flush=True)
    if "doctor" not in args.skip:
        doctor = subprocess.run([sys.executable, "-c", "import sys; from dse_repro.tools.cli "
                                 "import main; sys.exit(main(['doctor', '--scale', 'paper']))"],
                                capture_output=True, text=True)
        print(doctor.stdout + doctor.stderr + f"doctor exit code: {doctor.returncode}",
              flush=True)
    if "measures" not in args.skip:
        measures_on_device(dev, args.sizes, args.cpu_max)
    if "training" not in args.skip:
        training_epoch(dev, args.model, args.img_size, args.train_images, args.val_images)


if __name__ == "__main__":
    main()
