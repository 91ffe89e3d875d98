"""Checkpoint and resume: a run killed mid-epoch and started again ends exactly as an uninterrupted run."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from resume_run import TinyCNN, TinyData

import d2lcore as d2l

RUN = Path(__file__).with_name("resume_run.py")


def _run(out: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(RUN.parents[1]), "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, str(RUN), str(out), *args], env=env, capture_output=True, text=True)


def test_a_run_killed_mid_epoch_resumes_to_the_same_weights_and_history(tmp_path):
    reference = _run(tmp_path / "reference.pt")
    assert reference.returncode == 0, reference.stderr
    checkpoint = str(tmp_path / "run.pt")
    killed = _run(tmp_path / "resumed.pt", "--checkpoint", checkpoint, "--kill-at-step", "15")  # epoch 3 of 4
    assert killed.returncode == -9 and not (tmp_path / "resumed.pt").exists()
    assert torch.load(checkpoint, weights_only=True)["epochs_done"] == 2
    resumed = _run(tmp_path / "resumed.pt", "--checkpoint", checkpoint)
    assert resumed.returncode == 0, resumed.stderr
    assert f"checkpoint: {checkpoint} holds 2 of 4 epochs: resuming" in resumed.stdout
    a, b = (torch.load(tmp_path / name, weights_only=True) for name in ("reference.pt", "resumed.pt"))
    assert a["history"] == b["history"] and a["history"]["epoch"] == [1, 2, 3, 4]
    assert a["weights"].keys() == b["weights"].keys()
    assert all(torch.equal(a["weights"][k], b["weights"][k]) for k in a["weights"])


def _fit(checkpoint: Path, epochs: int = 2, model=None) -> tuple[d2l.Trainer, TinyCNN]:
    torch.manual_seed(0)
    model = model or TinyCNN()
    trainer = d2l.Trainer(max_epochs=epochs, num_gpus=0, board=False, checkpoint=checkpoint)
    trainer.fit(model, TinyData())
    return trainer, model


def test_a_finished_run_is_loaded_not_trained_again(tmp_path, capsys):
    first, model = _fit(tmp_path / "run.pt")
    again, reloaded = _fit(tmp_path / "run.pt")
    assert "holds 2 of 2 epochs: nothing left to train" in capsys.readouterr().out
    assert again.history == first.history
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), reloaded.parameters()))
    longer, _ = _fit(tmp_path / "run.pt", epochs=3)  # asking for more epochs continues the run
    assert longer.history["epoch"] == [1, 2, 3] and longer.history["val_acc"][:2] == first.history["val_acc"]


def test_a_checkpoint_of_another_run_says_what_differs_and_what_to_do(tmp_path):
    _fit(tmp_path / "run.pt")
    wider = TinyCNN()
    wider.net[0] = torch.nn.LazyConv2d(8, 3, padding=1)
    with pytest.raises(d2l.CheckpointError) as err:
        _fit(tmp_path / "run.pt", model=wider)
    message = str(err.value)
    assert "was written by another training run (parameter shapes:" in message
    assert f"delete it (rm {tmp_path / 'run.pt'})" in message and "run the same model, data and settings" in message
    with pytest.raises(d2l.CheckpointError, match="holds 2 epochs, more than max_epochs=1"):
        _fit(tmp_path / "run.pt", epochs=1)


def test_a_damaged_or_foreign_checkpoint_is_reported(tmp_path):
    path = tmp_path / "run.pt"
    path.write_bytes(b"half a file")
    with pytest.raises(d2l.CheckpointError, match="is damaged or not a checkpoint"):
        _fit(path)
    model = d2l.LeNet()
    model.apply_init([torch.zeros(1, 1, 28, 28)])
    d2l.save_model(model, path)
    with pytest.raises(d2l.CheckpointError, match="not a training checkpoint of d2lcore's Trainer"):
        _fit(path)


class StepLoggingCNN(TinyCNN):
    """A model that logs every step's loss and keeps the log in its state dict, as 7.6's LoggedLeNet does."""

    def __init__(self):
        super().__init__()
        self.step_losses = []

    def training_step(self, batch):
        loss = super().training_step(batch)
        self.step_losses.append(loss.detach())
        return loss

    def get_extra_state(self):
        return torch.stack(self.step_losses) if self.step_losses else torch.zeros(0)

    def set_extra_state(self, state):
        self.step_losses = list(state)


def test_a_models_extra_state_is_saved_and_restored_but_does_not_identify_the_run(tmp_path):
    _, whole = _fit(tmp_path / "whole.pt", epochs=3, model=StepLoggingCNN())
    steps_per_epoch = len(whole.step_losses) // 3
    _fit(tmp_path / "run.pt", epochs=1, model=StepLoggingCNN())  # the log grows: 1 epoch, then 3
    _, resumed = _fit(tmp_path / "run.pt", epochs=3, model=StepLoggingCNN())
    assert len(resumed.step_losses) == 3 * steps_per_epoch > 0
    assert torch.equal(torch.stack(resumed.step_losses), torch.stack(whole.step_losses))
    _, finished = _fit(tmp_path / "run.pt", epochs=3, model=StepLoggingCNN())  # nothing left: the log comes back
    assert torch.equal(torch.stack(finished.step_losses), torch.stack(whole.step_losses))
