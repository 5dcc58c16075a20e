"""Training for the training-dynamics studies: supervised, SimCLR and random-label loops with
per-epoch embedding measures (by name, from the config's measures registry) and atomic
checkpoint/resume; :mod:`.setup` holds the data/model/run setup shared by the studies."""
from .loop import CheckpointError, EpochMetrics, TrainSettings, accuracy, train
from .measures import EmbeddingMeasure, build_measures

__all__ = ["CheckpointError", "EmbeddingMeasure", "EpochMetrics", "TrainSettings", "accuracy",
           "build_measures", "train"]
