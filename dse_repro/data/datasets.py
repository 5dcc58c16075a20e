"""Loaders returning :class:`ImageData`: float tensors in [0, 1], shape ``(n, C, H, W)``."""
from __future__ import annotations

import gzip
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch

from dse_repro.errors import DseReproError
from dse_repro.pipeline.seeding import rng_for

if TYPE_CHECKING:
    from .transforms import PreparedImages

#: Where Debian's dataset-fashion-mnist package puts its IDX files.
DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")


class DatasetNotFoundError(DseReproError, FileNotFoundError):
    """A data set is not on disk; the message says where it was looked for and how to add it."""


class DatasetCorruptError(DatasetNotFoundError):
    """A data set's files are on disk but cannot be read (cut short, damaged, or some of them
    missing); the message names the folder and the reader's error. A
    :class:`DatasetNotFoundError`, so that whoever asks whether a data set is usable
    (:func:`available`, ``dse-repro doctor``) hears no, with this message as the reason."""


#: What a reader of a damaged file raises: torchvision's "not found or corrupted" and reshape
#: errors (RuntimeError), short reads (EOFError), bad pickles, gzip streams and IDX headers.
UNREADABLE = (RuntimeError, OSError, EOFError, ValueError, KeyError, pickle.UnpicklingError)


def _has_files(folder: Path) -> bool:
    return folder.is_dir() and any(p.is_file() for p in folder.rglob("*"))


@dataclass
class ImageData:
    """A labelled train/validation image set.

    Attributes:
        x_train, x_val: float32 tensors ``(n, C, H, W)`` with values in [0, 1] as loaded, or,
            after :func:`~dse_repro.data.transforms.resize_normalize`, the same images as
            :class:`~dse_repro.data.transforms.PreparedImages` (indexed like a tensor; each
            batch resized and normalised when it is taken).
        y_train, y_val: int64 tensors ``(n,)``.
    """

    name: str
    x_train: torch.Tensor | PreparedImages
    y_train: torch.Tensor
    x_val: torch.Tensor | PreparedImages
    y_val: torch.Tensor
    num_classes: int
    source: str

    @property
    def in_chans(self) -> int:
        return int(self.x_train.shape[1])

    def subset(self, n_train: int | None, n_val: int | None, seed: int = 0) -> ImageData:
        """A seeded, class-stratified subset (``None`` keeps a split whole)."""
        return ImageData(self.name,
                         *_stratified(self.x_train, self.y_train, n_train, seed, "train"),
                         *_stratified(self.x_val, self.y_val, n_val, seed, "val"),
                         self.num_classes, self.source)


def _stratified(x: torch.Tensor | PreparedImages, y: torch.Tensor, n: int | None, seed: int,
                key: str) -> tuple[torch.Tensor | PreparedImages, torch.Tensor]:
    if n is None or n >= len(y):
        return x, y
    if n < 1:
        raise ValueError(f"subset size must be >= 1, got {n}")
    rng = rng_for(seed, "subset", key, len(y))
    labels = y.numpy()
    classes = np.unique(labels)
    per = np.full(classes.size, n // classes.size)
    per[: n % classes.size] += 1
    idx = np.concatenate([rng.permutation(np.flatnonzero(labels == c))[:k]
                          for c, k in zip(classes, per)])
    idx = np.sort(idx)
    # a tensor, or images prepared a batch at a time (data.transforms.PreparedImages)
    return (x[idx] if isinstance(x, torch.Tensor) else x.select(idx)), y[idx]


def random_labels(y: torch.Tensor, seed: int) -> torch.Tensor:
    """The random-label variant: a fixed seeded permutation of the labels (same class sizes)."""
    perm = rng_for(seed, "random_labels", len(y)).permutation(len(y))
    return y[torch.as_tensor(perm)]


def _digits(data_root: Path, val_fraction: float = 0.25, seed: int = 0) -> ImageData:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    images = torch.tensor(X.reshape(-1, 1, 8, 8) / 16.0, dtype=torch.float32)
    labels = torch.tensor(y, dtype=torch.int64)
    tr, va = train_test_split(np.arange(len(y)), test_size=val_fraction, stratify=y,
                              random_state=seed)
    return ImageData("digits", images[tr], labels[tr], images[va], labels[va], 10,
                     "sklearn.datasets.load_digits")


def _read_idx(path: Path) -> np.ndarray:
    """Read an IDX file (optionally gzipped). Written here because torchvision's reader is
    private API and expects its own uncompressed layout; the format is 20 lines to parse."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        data = f.read()
    if data[:2] != b"\x00\x00" or data[2] != 0x08:
        raise ValueError(f"{path} is not an unsigned-byte IDX file")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if arr.size != int(np.prod(shape)):
        raise ValueError(f"{path} is truncated: {arr.size} values for shape {shape}")
    return arr.reshape(shape)


def _find_idx(folder: Path, stem: str) -> Path | None:
    for name in (stem, stem + ".gz"):
        if (folder / name).is_file():
            return folder / name
    return None


FASHION_STEMS = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                 "t10k-labels-idx1-ubyte"]


def _fashion_folders(data_root: Path) -> list[Path]:
    return [DEBIAN_FASHION_MNIST, data_root / "FashionMNIST" / "raw"]


def _fashion_mnist(data_root: Path) -> ImageData:
    folders = _fashion_folders(data_root)
    stems = FASHION_STEMS
    for folder in folders:
        paths = [_find_idx(folder, s) for s in stems]
        if all(paths):
            try:
                xtr, ytr, xva, yva = (_read_idx(p) for p in paths)
            except UNREADABLE as err:
                raise DatasetCorruptError(
                    f"Fashion-MNIST in {folder} cannot be read ({type(err).__name__}: {err}). "
                    f"Replace the four IDX files (or reinstall Debian's dataset-fashion-mnist)."
                    ) from None
            to_x = lambda a: torch.tensor(a[:, None] / 255.0, dtype=torch.float32)  # noqa: E731
            to_y = lambda a: torch.tensor(a, dtype=torch.int64)  # noqa: E731
            return ImageData("fashion_mnist", to_x(xtr), to_y(ytr), to_x(xva), to_y(yva), 10,
                             str(folder))
    raise DatasetNotFoundError(
        f"Fashion-MNIST not found: looked for {', '.join(stems)} (optionally .gz) in "
        f"{' and '.join(str(f) for f in folders)}. Install Debian's package "
        f"(`apt-get install dataset-fashion-mnist`) or copy the four IDX files to "
        f"{folders[1]}.")


def _torchvision(name: str, cls_name: str, folder: str, split_kw: Callable[[bool], dict],
                 howto: str) -> Callable[[Path], ImageData]:
    def load(data_root: Path) -> ImageData:
        import torchvision

        def corrupt(why: str) -> DatasetCorruptError:
            return DatasetCorruptError(
                f"{name} under {data_root / folder} cannot be read: a file is cut short, "
                f"damaged or missing ({why}). {howto}")

        cls = getattr(torchvision.datasets, cls_name)
        try:
            train = cls(str(data_root), download=False, **split_kw(True))
            val = cls(str(data_root), download=False, **split_kw(False))
        except UNREADABLE as err:  # torchvision: "Dataset not found (or corrupted)", or worse
            if _has_files(data_root / folder):
                raise corrupt(f"{type(err).__name__}: {err}") from None
            # torchvision's own message suggests download=True, which is off here on purpose
            said = "" if "download=True" in str(err) else f" ({err})"
            raise DatasetNotFoundError(
                f"{name} not found under {data_root / folder} (torchvision layout; downloads "
                f"are disabled). {howto} Set paths.data_root (or DSE_DATA_ROOT) to the folder "
                f"that holds {folder}/.{said}") from None

        def tensors(ds) -> tuple[torch.Tensor, torch.Tensor]:
            x = np.asarray(ds.data)
            if x.ndim == 3:  # (n, H, W) grey
                x = x[:, None]
            elif x.shape[-1] == 3:  # (n, H, W, 3) -> (n, 3, H, W)
                x = x.transpose(0, 3, 1, 2)
            y = np.asarray(getattr(ds, "targets", getattr(ds, "labels", None)))
            if len(y) != len(x):  # e.g. STL-10's label file cut short: torchvision reads on
                raise corrupt(f"{len(x)} images but {len(y)} labels")
            return torch.tensor(x / 255.0, dtype=torch.float32), torch.tensor(y, dtype=torch.int64)

        return ImageData(name, *tensors(train), *tensors(val), 10, str(data_root / folder))

    return load


DATASETS: dict[str, Callable[[Path], ImageData]] = {
    "digits": _digits,
    "fashion_mnist": _fashion_mnist,
    "mnist": _torchvision("mnist", "MNIST", "MNIST", lambda tr: {"train": tr},
                          "Place MNIST/raw/{train,t10k}-*-idx*-ubyte there."),
    "cifar10": _torchvision("cifar10", "CIFAR10", "cifar-10-batches-py",
                            lambda tr: {"train": tr},
                            "Extract cifar-10-python.tar.gz there."),
    "stl10": _torchvision("stl10", "STL10", "stl10_binary",
                          lambda tr: {"split": "train" if tr else "test"},
                          "Extract stl10_binary.tar.gz there."),
}


def load_dataset(name: str, data_root: str | Path = "data") -> ImageData:
    """Load data set ``name`` (see :data:`DATASETS`) from disk; never downloads.

    Raises:
        ValueError: unknown name. DatasetNotFoundError: the files are not there.
        DatasetCorruptError (a DatasetNotFoundError): they are there but cannot be read.
    """
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; known: {sorted(DATASETS)}")
    return DATASETS[name](Path(data_root))


def location(name: str, data_root: str | Path = "data") -> str | None:
    """Where :func:`load_dataset` would find ``name`` (a folder, or "bundled with
    scikit-learn"), or None. Fashion-MNIST needs all four IDX files in one folder."""
    if name == "digits":
        return "bundled with scikit-learn"
    if name == "fashion_mnist":
        for folder in _fashion_folders(Path(data_root)):
            if all(_find_idx(folder, s) for s in FASHION_STEMS):
                return str(folder)
        return None
    try:
        return load_dataset(name, data_root).source
    except DatasetNotFoundError:
        return None


def available(name: str, data_root: str | Path = "data") -> bool:
    """True if :func:`load_dataset` would find ``name`` (cheap for the bundled ones)."""
    return location(name, data_root) is not None


def missing_reason(name: str, data_root: str | Path = "data") -> str:
    """Why :func:`load_dataset` does not find ``name``: its error, which names where it looked
    and the layout it expects there ("" when the data set is found)."""
    try:
        load_dataset(name, data_root)
    except DatasetNotFoundError as err:
        return str(err)
    return ""
