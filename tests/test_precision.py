"""The Trainer's precision= argument: bf16 autocast trains on the CPU too; fp32 is the book's arithmetic."""

import torch
from resume_run import TinyCNN, TinyData

import d2lcore as d2l


def _fit(precision: str) -> tuple[d2l.Trainer, TinyCNN]:
    torch.manual_seed(0)
    model = TinyCNN()
    trainer = d2l.Trainer(max_epochs=3, num_gpus=0, board=False, precision=precision)
    trainer.fit(model, TinyData())
    return trainer, model


def test_bf16_autocast_trains_close_to_fp32_and_keeps_fp32_weights():
    fp32, _ = _fit("fp32")
    bf16, model = _fit("bf16")
    assert all(p.dtype == torch.float32 for p in model.parameters())  # autocast: the weights stay fp32
    assert bf16.history["epoch"] == [1, 2, 3]
    # bf16 keeps 8 bits of mantissa: losses agree to about 1% on this tiny problem, not bit for bit
    for a, b in zip(fp32.history["train_loss"], bf16.history["train_loss"]):
        assert abs(a - b) < 0.05 * a
    assert fp32.history != bf16.history


def test_fp32_is_the_default_and_changes_nothing(capsys):
    trainer = d2l.Trainer(max_epochs=1, num_gpus=0, board=False)
    assert trainer.precision.name == "fp32" and not trainer.precision.channels_last
    trainer.fit(TinyCNN(), TinyData())
    assert "autocast" not in capsys.readouterr().out
