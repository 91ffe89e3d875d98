"""One small training run in its own process, for tests/test_resume.py: optionally killed (SIGKILL) mid-epoch.

    python tests/resume_run.py OUT [--checkpoint FILE] [--kill-at-step N] [--epochs E]

Trains a tiny CNN with dropout and Adam (so weights, optimiser state, dropout's random numbers and the data order
all matter) on 192 random 20x20 images resized to 16x16, then saves the final weights and history to OUT.
"""

from __future__ import annotations

import argparse
import os
import signal

import torch
from torch import nn

import d2lcore as d2l


class TinyData(d2l.DataModule):
    def __init__(self) -> None:
        generator = torch.Generator().manual_seed(7)
        X = torch.randint(0, 256, (192, 20, 20), dtype=torch.uint8, generator=generator)
        y = (X.float().mean(dim=(1, 2)) > 127.5).long() + 2 * (X[:, :10].float().mean(dim=(1, 2)) > 127.5).long()
        self.train, self.val = d2l.ImageSet(X[:128], y[:128], 16), d2l.ImageSet(X[128:], y[128:], 16)

    def get_dataloader(self, train: bool) -> d2l.TensorLoader:
        return d2l.TensorLoader(self.train if train else self.val, batch_size=24, shuffle=train)


class TinyCNN(d2l.Classifier):
    def __init__(self, kill_at_step: int = 0) -> None:
        super().__init__()
        self.kill_at_step, self.steps = kill_at_step, 0
        self.net = nn.Sequential(
            nn.LazyConv2d(4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.3), nn.LazyLinear(4)
        )

    def training_step(self, batch):
        self.steps += 1
        if self.steps == self.kill_at_step:
            os.kill(os.getpid(), signal.SIGKILL)  # as a lost runtime would: no clean-up, no saving
        return super().training_step(batch)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=0.01)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--checkpoint", default=None)
    parser.add_argument("--kill-at-step", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=4)
    args = parser.parse_args()
    torch.manual_seed(0)
    model, data = TinyCNN(args.kill_at_step), TinyData()
    trainer = d2l.Trainer(max_epochs=args.epochs, num_gpus=0, board=False, checkpoint=args.checkpoint)
    trainer.fit(model, data)
    torch.save({"weights": model.state_dict(), "history": trainer.history}, args.out)


if __name__ == "__main__":
    main()
