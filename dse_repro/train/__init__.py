"""Training loops for the training-dynamics studies: supervised, SimCLR and random labels, with
per-epoch DSE/DSMI of the penultimate embedding and atomic checkpoint/resume."""
from .loop import CheckpointError, EpochMetrics, TrainSettings, train

__all__ = ["CheckpointError", "EpochMetrics", "TrainSettings", "train"]
