"""Training loops for the training-dynamics studies: supervised, SimCLR and random labels, with
per-epoch DSE/DSMI of the penultimate embedding and atomic checkpoint/resume."""
from .loop import MEASURES, CheckpointError, EpochMetrics, TrainSettings, accuracy, train

__all__ = ["MEASURES", "CheckpointError", "EpochMetrics", "TrainSettings", "accuracy",
           "train"]
