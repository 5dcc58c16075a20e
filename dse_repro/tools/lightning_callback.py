"""A PyTorch Lightning callback around :class:`dse_repro.tools.monitor.DSEMonitor` (Lightning is an
optional extra: ``pip install -e '.[lightning]'``).

    trainer = lightning.Trainer(callbacks=[DSECallback(x_val, y_val, csv_path="dse.csv",
                                                       embed=lambda m, x: m.backbone(x))])

At the end of every training epoch (not during the sanity check) it measures the
LightningModule with the monitor and logs ``dse/<measure>`` through ``log_dict`` (so every
Lightning logger sees them), besides the monitor's own CSV / TensorBoard writer.
"""
from __future__ import annotations

from typing import Any

from lightning.pytorch.callbacks import Callback

from dse_repro.tools.monitor import DSEMonitor


class DSECallback(Callback):
    """``DSECallback(x_val, y_val=None, **DSEMonitor options)``; ``.history`` holds every
    epoch's values."""

    def __init__(self, x_val: Any, y_val: Any = None, **monitor_kwargs: Any) -> None:
        super().__init__()
        self.monitor = DSEMonitor(x_val, y_val, **monitor_kwargs)
        self.history: list[dict[str, float]] = []

    def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
        if trainer.sanity_checking:
            return
        values = self.monitor(pl_module, trainer.current_epoch)
        self.history.append(values)
        pl_module.log_dict({f"dse/{k}": v for k, v in values.items()})
