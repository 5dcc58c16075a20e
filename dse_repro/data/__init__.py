"""Image data sets for the training studies, all offline.

* ``digits``: scikit-learn's bundled 8x8 digits (always available), seeded stratified split.
* ``fashion_mnist``: Debian's ``dataset-fashion-mnist`` (IDX files in
  ``/usr/share/datasets/fashion-mnist``) or ``<data_root>/FashionMNIST/raw``.
* ``mnist``, ``cifar10``, ``stl10``: torchvision layouts under ``data_root``; never downloaded.

A missing data set raises :class:`DatasetNotFoundError` naming the data set, the path looked in
and how to put it there; one whose files are there but cannot be read raises its subclass
:class:`DatasetCorruptError`, naming the folder and the reader's error.
"""
from .datasets import (
    DATASETS,
    DatasetCorruptError,
    DatasetNotFoundError,
    ImageData,
    available,
    load_dataset,
    location,
    missing_reason,
    random_labels,
)

__all__ = ["DATASETS", "DatasetCorruptError", "DatasetNotFoundError", "ImageData", "available",
           "load_dataset", "location", "missing_reason", "random_labels"]
