"""Run a training notebook in full mode up to its main training cell and store the result in the record.

    python scripts/record_full_mode.py notebooks/8.2_vgg.ipynb [--log run.log]

The notebook's own cells are executed in a Jupyter kernel with ``D2LCORE_QUICK=0``, from the top down to the
first cell that calls ``trainer.fit`` (the exercises after it are not run). The result (device, image size,
epochs, wall time, final losses and accuracy, the per-epoch history) replaces this notebook's entry in
``d2lcore/full_mode.json``, which the notebooks show beside their training cell. Every output the kernel sends
(the Trainer's progress line included) is appended to the log, so a long run can be followed with ``tail -f``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shlex
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from d2lcore.records import RECORD_PATH, update_record  # noqa: E402

# Executed in the kernel after the training cell; prints one JSON line that this script reads back.
RECORD_CELL = """
import json as _json
_h = trainer.history
print("FULL_MODE_RECORD " + _json.dumps({
    "device": str(trainer.device),
    "device_name": d2l.config.device_name(trainer.device),
    "torch_threads": torch.get_num_threads(),
    "torch": torch.__version__,
    "data": data.source,
    "train_images": len(data.train), "val_images": len(data.val),
    "image_size": list(data.train.resize), "batch_size": data.batch_size,
    "epochs": trainer.epochs, "wall_time_s": round(trainer.wall_time, 1),
    "train_loss": round(_h["train_loss"][-1], 4), "val_loss": round(_h["val_loss"][-1], 4),
    "val_acc": round(_h["val_acc"][-1], 4),
    "history": {k: [round(x, 4) for x in v] for k, v in _h.items()},
}))
"""


class LoggingClient(NotebookClient):
    """A NotebookClient that appends every text output (and display update) to a log file as it arrives."""

    def __init__(self, *args, log_path: Path, **kwargs):
        super().__init__(*args, **kwargs)
        self.log_path = log_path

    def write_log(self, text: str) -> None:
        with self.log_path.open("a") as f:
            f.write(text if text.endswith("\n") else text + "\n")

    def process_message(self, msg, cell, cell_index):
        content = msg.get("content", {})
        if msg.get("msg_type") == "stream":
            self.write_log(content.get("text", ""))
        elif msg.get("msg_type") in ("display_data", "update_display_data", "execute_result"):
            text = content.get("data", {}).get("text/plain")
            if text:
                self.write_log(text)
        elif msg.get("msg_type") == "error":
            self.write_log("\n".join(content.get("traceback", [])))
        return super().process_message(msg, cell, cell_index)


def training_cell_index(nb) -> int:
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "trainer.fit(" in cell.source:
            return i
    raise SystemExit("no cell calls trainer.fit(...): nothing to record")


def record(notebook: Path, log_path: Path) -> dict:
    nb = nbformat.read(notebook, as_version=4)
    last = training_cell_index(nb)
    nb.cells = nb.cells[: last + 1] + [nbformat.v4.new_code_cell(RECORD_CELL)]
    os.environ["D2LCORE_QUICK"] = "0"
    # A fresh working folder: a checkpoint left by an earlier full run would otherwise be resumed, not trained.
    with tempfile.TemporaryDirectory(prefix="record-full-mode-") as workdir:
        client = LoggingClient(nb, timeout=None, kernel_name="python3", log_path=log_path,
                               resources={"metadata": {"path": workdir}})  # fmt: skip
        client.write_log(
            f"== {notebook.name}: cells 0-{last} in full mode, started {datetime.datetime.now():%Y-%m-%d %H:%M}"
        )
        tic = time.perf_counter()
        client.execute()
    lines = [line for out in nb.cells[-1].outputs for line in out.get("text", "").splitlines()]
    result = json.loads(next(line for line in lines if line.startswith("FULL_MODE_RECORD ")).split(" ", 1)[1])
    result["notebook_wall_time_s"] = round(time.perf_counter() - tic, 1)
    result["date"] = datetime.date.today().isoformat()
    result["command"] = f"python scripts/record_full_mode.py {shlex.quote(str(notebook.relative_to(ROOT)))}"
    if os.environ.get("OMP_NUM_THREADS"):
        result["command"] = f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']} " + result["command"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--log", type=Path, default=None, help="log file (default: <notebook>.full.log in /tmp)")
    args = parser.parse_args()
    notebook = args.notebook.resolve()
    log_path = args.log or Path("/tmp") / f"{notebook.stem}.full.log"
    result = record(notebook, log_path)
    update_record(f"{notebook.stem}/{result['device'].split(':')[0]}", result)
    print(f"{notebook.name}: val acc {result['val_acc']:.3f} in {result['wall_time_s']} s -> {RECORD_PATH}")


if __name__ == "__main__":
    main()
