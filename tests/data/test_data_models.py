"""Offline data sets (issue 6 groundwork) and timm model construction / embeddings."""
from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dse_repro.data import (
    DatasetCorruptError,
    DatasetNotFoundError,
    available,
    load_dataset,
    missing_reason,
    random_labels,
)
from dse_repro.data.datasets import _read_idx
from dse_repro.data.transforms import (
    PreparedImages,
    batches_on,
    input_clusters,
    resize_normalize,
)
from dse_repro.models import create_model, embed, is_vit


def test_digits_split_is_seeded_stratified_and_scaled():
    d = load_dataset("digits")
    assert d.x_train.shape == (1347, 1, 8, 8) and d.x_val.shape == (450, 1, 8, 8)
    assert 0.0 <= float(d.x_train.min()) and float(d.x_train.max()) <= 1.0
    assert torch.equal(d.x_val, load_dataset("digits").x_val)
    counts = torch.bincount(d.y_val, minlength=10)
    assert counts.min() >= 43 and counts.max() <= 47


def test_subset_is_stratified_and_seeded():
    d = load_dataset("digits").subset(200, 100, seed=3)
    assert torch.equal(torch.bincount(d.y_train), torch.full((10,), 20))
    assert torch.equal(d.x_train, load_dataset("digits").subset(200, 100, seed=3).x_train)
    assert not torch.equal(d.x_train, load_dataset("digits").subset(200, 100, seed=4).x_train)


def test_random_labels_are_a_fixed_permutation():
    y = load_dataset("digits").y_train
    r = random_labels(y, seed=0)
    assert torch.equal(torch.bincount(r), torch.bincount(y))
    assert torch.equal(r, random_labels(y, seed=0))
    assert (r != y).float().mean() > 0.8


def _prepared_whole(x: torch.Tensor, size: int) -> torch.Tensor:
    """What resize_normalize did before it prepared a batch at a time: the whole split."""
    return (F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False) - 0.5) / 0.5


def test_prepared_images_are_prepared_per_batch_as_the_whole_split():
    raw = load_dataset("digits").subset(300, 200, seed=0)
    data = resize_normalize(raw, 16)
    x = data.x_train
    assert isinstance(x, PreparedImages) and isinstance(data.x_val, PreparedImages)
    assert x.raw.data_ptr() == raw.x_train.data_ptr()  # no copy, nothing resized up front
    assert x.shape == (300, 1, 16, 16) and len(x) == 300 and data.in_chans == 1
    whole = _prepared_whole(raw.x_train, 16)
    idx = torch.randperm(300, generator=torch.Generator().manual_seed(0))[:64]
    assert torch.equal(x[idx], whole[idx]) and torch.equal(x[10:90], whole[10:90])
    assert torch.equal(x[7], whole[7]) and x[7].shape == (1, 16, 16)
    assert torch.equal(x[np.array([3, 1, 2])], whole[[3, 1, 2]])
    # a subset of prepared images is the prepared subset, and still lazy
    sub = data.subset(100, 50, seed=1)
    assert isinstance(sub.x_train, PreparedImages)
    assert torch.equal(sub.x_train[:], resize_normalize(raw.subset(100, 50, seed=1), 16).x_train[:])
    assert torch.equal(sub.y_train, raw.subset(100, 50, seed=1).y_train)
    # the clusters of X read the same images, batch by batch
    assert np.array_equal(input_clusters(data.x_val, 5, batch_size=37),
                          input_clusters(_prepared_whole(raw.x_val, 16), 5))
    # an image already at the size is only normalised; batches move to the device asked
    same = PreparedImages(raw.x_val, 8)
    assert torch.equal(same[:5], (raw.x_val[:5] - 0.5) / 0.5)
    assert batches_on(same, "meta")[:2].device.type == "meta"
    assert batches_on(raw.x_val, "meta") is raw.x_val


def test_prepared_images_at_the_papers_size_hold_only_the_loaded_images():
    """CIFAR-10-shaped images at 224 px: the prepared split costs nothing until a batch is
    taken (the whole of CIFAR-10 prepared at once would be 30 GB of float32)."""
    raw = torch.rand(2000, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    x = PreparedImages(raw, 224)
    assert x.shape == (2000, 3, 224, 224) and x.raw is raw
    batch = x[:128]
    assert batch.shape == (128, 3, 224, 224) and batch.dtype == torch.float32
    assert torch.equal(batch, _prepared_whole(raw[:128], 224))


@pytest.mark.parametrize("raw, size, match", [
    (torch.zeros(4, 8, 8), 16, "raw must be an image tensor"),
    (np.zeros((4, 1, 8, 8)), 16, "raw must be an image tensor"),
    (torch.zeros(4, 1, 8, 8), 0, "img_size must be an integer >= 1"),
    (torch.zeros(4, 1, 8, 8), 2.5, "img_size must be an integer >= 1"),
    (torch.zeros(4, 1, 8, 8), True, "img_size must be an integer >= 1"),
    (torch.zeros(4, 1, 8, 8), "16", "img_size must be an integer >= 1"),
])
def test_prepared_images_refuse_bad_input(raw, size, match):
    with pytest.raises(ValueError, match=match):
        PreparedImages(raw, size)


def test_fashion_mnist_from_debian_package():
    if not available("fashion_mnist"):
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's dataset-fashion-mnist (.ci/run does)")
        pytest.skip("dataset-fashion-mnist not installed on this machine")
    d = load_dataset("fashion_mnist")
    assert d.x_train.shape == (60000, 1, 28, 28) and d.x_val.shape == (10000, 1, 28, 28)
    assert torch.equal(torch.bincount(d.y_val), torch.full((10,), 1000))


def test_idx_reader_round_trip(tmp_path):
    arr = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    header = b"\x00\x00\x08\x03" + b"".join(int(s).to_bytes(4, "big") for s in arr.shape)
    with gzip.open(tmp_path / "x-idx3-ubyte.gz", "wb") as f:
        f.write(header + arr.tobytes())
    assert np.array_equal(_read_idx(tmp_path / "x-idx3-ubyte.gz"), arr)
    (tmp_path / "bad").write_bytes(header + arr.tobytes()[:-1])
    with pytest.raises(ValueError, match="truncated"):
        _read_idx(tmp_path / "bad")


@pytest.mark.parametrize("name", ["mnist", "cifar10", "stl10"])
def test_missing_torchvision_dataset_names_path_and_fix(name, tmp_path):
    with pytest.raises(DatasetNotFoundError, match=f"{name} not found under {tmp_path}"):
        load_dataset(name, tmp_path)
    assert not available(name, tmp_path)


def _idx_bytes(arr: np.ndarray) -> bytes:
    """An unsigned-byte IDX file (MNIST's raw format) holding ``arr``."""
    return (b"\x00\x00\x08" + bytes([arr.ndim])
            + b"".join(int(n).to_bytes(4, "big") for n in arr.shape) + arr.tobytes())


def _fake_torchvision_layouts(root, rng) -> dict[str, tuple[np.ndarray, ...]]:
    """Tiny MNIST, CIFAR-10 and STL-10 in torchvision's on-disk layouts under ``root``; returns
    each one's (train images, train labels, test images, test labels) as written, images
    ``(n, C, H, W)`` uint8."""
    import pickle

    made = {}
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    mn = [rng.integers(0, 256, (n, 28, 28), dtype=np.uint8) for n in (20, 10)]
    ml = [rng.integers(0, 10, n, dtype=np.uint8) for n in (20, 10)]
    for split, x, y in (("train", mn[0], ml[0]), ("t10k", mn[1], ml[1])):
        (raw / f"{split}-images-idx3-ubyte").write_bytes(_idx_bytes(x))
        (raw / f"{split}-labels-idx1-ubyte").write_bytes(_idx_bytes(y))
    made["mnist"] = (mn[0][:, None], ml[0], mn[1][:, None], ml[1])
    cif = root / "cifar-10-batches-py"
    cif.mkdir()
    cx = [rng.integers(0, 256, (n, 3, 32, 32), dtype=np.uint8) for n in (5 * 4, 6)]
    cy = [rng.integers(0, 10, n) for n in (5 * 4, 6)]
    for i in range(5):  # CIFAR's pickles hold rows of 3 x 32 x 32 values, channel-major
        batch = {"data": cx[0][4 * i:4 * i + 4].reshape(4, -1),
                 "labels": cy[0][4 * i:4 * i + 4].tolist()}
        (cif / f"data_batch_{i + 1}").write_bytes(pickle.dumps(batch))
    (cif / "test_batch").write_bytes(pickle.dumps({"data": cx[1].reshape(6, -1),
                                                  "labels": cy[1].tolist()}))
    (cif / "batches.meta").write_bytes(pickle.dumps({"label_names": [str(i) for i in range(10)]}))
    made["cifar10"] = (cx[0], cy[0], cx[1], cy[1])
    stl = root / "stl10_binary"
    stl.mkdir()
    sx = [rng.integers(0, 256, (n, 3, 96, 96), dtype=np.uint8) for n in (8, 4)]
    sy = [rng.integers(0, 10, n, dtype=np.uint8) for n in (8, 4)]
    for split, x, y in (("train", sx[0], sy[0]), ("test", sx[1], sy[1])):
        # STL-10's binaries store each channel column-major (torchvision transposes back)
        (stl / f"{split}_X.bin").write_bytes(x.transpose(0, 1, 3, 2).tobytes())
        (stl / f"{split}_y.bin").write_bytes((y + 1).tobytes())  # labels 1..10 on disk
    (stl / "unlabeled_X.bin").write_bytes(b"")
    made["stl10"] = (sx[0], sy[0], sx[1], sy[1])
    return made


def test_torchvision_layouts_are_read_as_written(tmp_path, monkeypatch):
    """The paper's data sets, read through torchvision from its on-disk layouts (tiny fakes:
    torchvision checks CIFAR's and STL's files against their published MD5s, so that check is
    switched off here): images ``(n, C, H, W)`` in [0, 1], pixel for pixel in the orientation
    written, labels as written; then a subset prepared at the paper's 224 px."""
    import torchvision.datasets.cifar as tv_cifar
    import torchvision.datasets.stl10 as tv_stl10

    monkeypatch.setattr(tv_cifar, "check_integrity", lambda *a, **k: True)
    monkeypatch.setattr(tv_stl10, "check_integrity", lambda *a, **k: True)
    made = _fake_torchvision_layouts(tmp_path, np.random.default_rng(0))
    for name, (xtr, ytr, xva, yva) in made.items():
        d = load_dataset(name, tmp_path)
        assert available(name, tmp_path)
        for got, want in ((d.x_train, xtr), (d.x_val, xva)):
            assert got.dtype == torch.float32 and got.shape == want.shape, name
            assert torch.equal(got, torch.tensor(want / 255.0, dtype=torch.float32)), name
        assert torch.equal(d.y_train, torch.as_tensor(ytr, dtype=torch.int64)), name
        assert torch.equal(d.y_val, torch.as_tensor(yva, dtype=torch.int64)), name
        prepared = resize_normalize(d.subset(4, 2, seed=0), 224)
        assert prepared.x_train[:].shape == (4, xtr.shape[1], 224, 224)
        assert prepared.in_chans == xtr.shape[1]


def _cut(path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


@pytest.mark.parametrize("name, damage", [
    ("mnist", lambda root: _cut(root / "MNIST" / "raw" / "train-images-idx3-ubyte")),
    ("cifar10", lambda root: _cut(root / "cifar-10-batches-py" / "data_batch_3")),
    ("cifar10", lambda root: (root / "cifar-10-batches-py" / "test_batch").unlink()),
    ("stl10", lambda root: _cut(root / "stl10_binary" / "test_y.bin")),
])
def test_a_damaged_torchvision_dataset_is_named_corrupt_not_missing(name, damage, tmp_path,
                                                                   monkeypatch):
    """Files that are there but cut short or incomplete: a DatasetCorruptError naming the
    folder and the reader's error (still a DatasetNotFoundError: not available); a folder
    with nothing in it is not found."""
    import torchvision.datasets.cifar as tv_cifar
    import torchvision.datasets.stl10 as tv_stl10

    monkeypatch.setattr(tv_cifar, "check_integrity", lambda path, md5=None: Path(path).is_file())
    monkeypatch.setattr(tv_stl10, "check_integrity", lambda path, md5=None: Path(path).is_file())
    _fake_torchvision_layouts(tmp_path, np.random.default_rng(0))
    damage(tmp_path)
    folder = {"mnist": "MNIST", "cifar10": "cifar-10-batches-py", "stl10": "stl10_binary"}[name]
    with pytest.raises(DatasetCorruptError,
                       match=rf"{name} under {tmp_path / folder} cannot be read: a file is cut "
                             rf"short, damaged or missing \(.+\)\. "):
        load_dataset(name, tmp_path)
    assert not available(name, tmp_path)
    assert "cannot be read" in missing_reason(name, tmp_path)
    empty = tmp_path / "empty"
    (empty / folder).mkdir(parents=True)
    with pytest.raises(DatasetNotFoundError, match=f"{name} not found under") as err:
        load_dataset(name, empty)
    assert not isinstance(err.value, DatasetCorruptError)


def test_a_damaged_fashion_mnist_is_named_corrupt(tmp_path, monkeypatch):
    import dse_repro.data.datasets as datasets

    raw = tmp_path / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for stem in datasets.FASHION_STEMS:
        shape = (4, 28, 28) if "images" in stem else (4,)
        (raw / stem).write_bytes(_idx_bytes(rng.integers(0, 10, shape, dtype=np.uint8)))
    monkeypatch.setattr(datasets, "DEBIAN_FASHION_MNIST", tmp_path / "no-debian")
    assert load_dataset("fashion_mnist", tmp_path).x_train.shape == (4, 1, 28, 28)
    _cut(raw / "t10k-images-idx3-ubyte")
    with pytest.raises(DatasetCorruptError,
                       match=rf"Fashion-MNIST in {raw} cannot be read \(ValueError: .*truncated"):
        load_dataset("fashion_mnist", tmp_path)


def test_unknown_dataset():
    with pytest.raises(ValueError, match="unknown data set"):
        load_dataset("imagenet-22k")


@pytest.mark.parametrize("name,kwargs,vit", [
    ("resnet10t", {}, False),
    ("vit_tiny_patch16_224", {"patch_size": 4, "depth": 2}, True),
])
def test_models_embed_and_train(name, kwargs, vit):
    torch.manual_seed(0)
    model = create_model(name, num_classes=10, in_chans=1, img_size=32, **kwargs)
    assert is_vit(model) is vit
    x = torch.rand(8, 1, 32, 32)
    z = embed(model, x, batch_size=3)
    assert z.shape == (8, model.num_features) and torch.isfinite(z).all()
    assert model.training  # embed restores the mode
    loss = torch.nn.functional.cross_entropy(model(x), torch.arange(8) % 10)
    loss.backward()
    assert all(p.grad is not None for p in model.parameters() if p.requires_grad)


def test_unknown_model():
    with pytest.raises(ValueError, match="unknown timm model"):
        create_model("not_a_model", 10)
