"""Checkpoint and resume for the Trainer: after every epoch, everything the next epoch depends on, in one file.

That is the model, the optimiser (and the fp16 gradient scaler), the global random-number states (dropout; the
shuffling of loaders other than d2lcore's), the training loader's own generator (the data order), the history and
the timings. Restored after the model's lazy layers have their shapes, they put a fresh process exactly where the
interrupted one was at the end of its last finished epoch, so the resumed run continues bit for bit.
"""

from __future__ import annotations

import torch

from . import checkpoints
from .data import TensorLoader


class Resumable:
    """The Trainer's checkpoint methods (a mixin: it uses the Trainer's model, optimiser, history and settings)."""

    def _run_description(self, train_loader, val_loader) -> dict:
        """What must match for a checkpoint to continue this run: model, optimiser, data and settings."""
        groups = [{k: repr(v) for k, v in g.items() if k != "params"} for g in self.optim.param_groups]
        sizes = {
            f"{name} data": [len(loader.data), loader.batch_size, list(loader.data.resize), loader.shuffle]
            if isinstance(loader, TensorLoader) else len(loader)
            for name, loader in (("train", train_loader), ("val", val_loader))
        }  # fmt: skip
        return {
            "model": type(self.model).__name__,
            "parameter shapes": {
                k: list(v.shape) for k, v in self.model.state_dict().items() if not k.endswith("_extra_state")
            },  # extra state (e.g. a log that grows every epoch) is saved, but is not what identifies the run
            "optimizer": f"{type(self.optim).__name__} {groups}",
            "precision": self.precision.name,
            "gradient_clip_val": float(self.gradient_clip_val),
            **sizes,
        }

    def _save(self, train_loader, val_loader) -> None:
        """Everything the next epoch depends on, written atomically to the checkpoint file."""
        state = {
            "run": self._run_description(train_loader, val_loader),
            "epochs_done": self.epoch + 1,
            "history": self.history,
            "times": [self.train_time, self.images_seen, self.wall_time],
            "model": self.model.state_dict(),
            "optimizer": self.optim.state_dict(),
            "scaler": self.precision.scaler.state_dict() if self.precision.scaler else {},
            "rng": _rng_states(),
            "data order": train_loader.generator.get_state() if isinstance(train_loader, TensorLoader) else None,
        }
        checkpoints.save_training_state(self.checkpoint, state)

    def _resume(self, train_loader, val_loader) -> int:
        """Load the checkpoint when there is one and return the number of epochs it holds (0: a fresh start)."""
        path = self.checkpoint
        if not path.exists():
            print(f"checkpoint: saving after every epoch to {path}")
            return 0
        state = checkpoints.load_training_state(path, self.device)
        checkpoints.check_same_run(path, state["run"], self._run_description(train_loader, val_loader))
        done = state["epochs_done"]
        if done > self.epochs:
            raise checkpoints.CheckpointError(
                f"checkpoint {path} holds {done} epochs, more than max_epochs={self.epochs}: pass max_epochs={done} "
                f"or more to use it, or delete it (rm {path}) to train from the start"
            )
        self.model.load_state_dict(state["model"])
        self.optim.load_state_dict(state["optimizer"])
        if self.precision.scaler and state["scaler"]:
            self.precision.scaler.load_state_dict(state["scaler"])
        _set_rng_states(state["rng"])
        if state["data order"] is not None and isinstance(train_loader, TensorLoader):
            train_loader.generator.set_state(state["data order"])
        self.train_time, self.images_seen, self.wall_time = state["times"]
        for i, epoch in enumerate(state["history"]["epoch"]):
            self._record(epoch, state["history"]["train_loss"][i],
                         {k[4:]: v[i] for k, v in state["history"].items() if k.startswith("val_")})  # fmt: skip
        more = "nothing left to train (delete it to train again)" if done == self.epochs else "resuming"
        print(f"checkpoint: {path} holds {done} of {self.epochs} epochs: {more}")
        return done


def _rng_states() -> dict:
    """The global random-number states that training consumes (dropout, shuffling of other loaders)."""
    states = {"cpu": torch.get_rng_state()}
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        states["cuda"] = torch.cuda.get_rng_state_all()
    if torch.backends.mps.is_available():
        states["mps"] = torch.mps.get_rng_state()
    return states


def _set_rng_states(states: dict) -> None:
    torch.set_rng_state(states["cpu"])
    if "cuda" in states and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(states["cuda"])
    if "mps" in states and torch.backends.mps.is_available():
        torch.mps.set_rng_state(states["mps"])
