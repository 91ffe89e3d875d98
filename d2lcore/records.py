"""The committed record of full-mode training runs, and the table that shows it beside a notebook's own run.

``full_mode.json`` (shipped inside the package, so Colab has it too) holds one entry per training notebook,
written by ``scripts/record_full_mode.py``: the device, image size, epochs, wall time, final losses and accuracy
of the notebook's main training cell run in full mode.
"""

from __future__ import annotations

import fcntl
import json
import re
from pathlib import Path

import torch

from . import config
from .files import atomic_write_text

RECORD_PATH = Path(__file__).with_name("full_mode.json")


def load_records(path: Path | None = None) -> dict[str, dict]:
    """All recorded full-mode runs (from ``path``, default the package's record), keyed by notebook and device."""
    path = Path(path or RECORD_PATH)
    if not path.exists():
        return {}
    try:
        records = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise ValueError(
            f"the full-mode record {path} is not valid JSON ({err}): restore it with git checkout -- {path.name} "
            "or re-record with scripts/record_full_mode.py"
        ) from err
    if not isinstance(records, dict):
        raise ValueError(f"the full-mode record {path} must hold a JSON object keyed by notebook/device")
    return records


def full_mode_record(notebook: str, device: str = "cpu", path: Path | None = None) -> dict:
    """The recorded full-mode run of ``notebook`` (its file name without ``.ipynb``) on ``device`` (cpu or cuda)."""
    if not isinstance(notebook, str) or notebook.endswith(".ipynb") or "/" in notebook:
        raise ValueError(
            "full_mode_record: notebook must be a notebook's file name without .ipynb, e.g. '7.6_lenet', "
            f"got {notebook!r}"
        )
    if device not in ("cpu", "cuda"):
        raise ValueError(f"full_mode_record: device must be 'cpu' or 'cuda', got {device!r}")
    records = load_records(path)
    key = f"{notebook}/{device}"
    if key not in records:
        raise KeyError(
            f"no full-mode record {key!r} in {(path or RECORD_PATH).name} (recorded: {sorted(records)}); "
            f"create it with: python scripts/record_full_mode.py notebooks/{notebook}.ipynb"
        )
    return records[key]


def update_record(notebook: str, result: dict, path: Path | None = None) -> None:
    """Replace ``notebook``'s entry, under a file lock, writing a temporary file and renaming it over the record."""
    path = path or RECORD_PATH
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        records = load_records(path)
        records[notebook] = result
        atomic_write_text(path, _format(records))


def _format(records: dict) -> str:
    """Indented JSON with every list of numbers on one line, so a diff of the record stays readable."""
    text = json.dumps(dict(sorted(records.items())), indent=1)
    return re.sub(r"\[\s*([-\d.,\s]+?)\s*\]", lambda m: "[" + re.sub(r"\s+", " ", m.group(1)) + "]", text) + "\n"


def _run_column(history: dict, data, trainer, label: str) -> tuple[str, list[str]]:
    h, w = data.train.resize
    return label, [
        f"{len(data.train):,} / {len(data.val):,} at {h}x{w}",
        str(trainer.epochs),
        f"{trainer.device.type}, {torch.get_num_threads()} thread(s)",
        f"{trainer.wall_time:,.0f} s",
        f"{history['train_loss'][-1]:.3f}",
        f"{history['val_loss'][-1]:.3f}",
        f"{history['val_acc'][-1]:.3f}",
    ]


def _record_column(rec: dict) -> tuple[str, list[str]]:
    h, w = rec["image_size"]
    return f"full mode, {rec['device']} (recorded {rec['date']})", [
        f"{rec['train_images']:,} / {rec['val_images']:,} at {h}x{w}",
        str(rec["epochs"]),
        f"{rec['device_name']}, {rec['torch_threads']} thread(s)",
        f"{rec['wall_time_s']:,.0f} s",
        f"{rec['train_loss']:.3f}",
        f"{rec['val_loss']:.3f}",
        f"{rec['val_acc']:.3f}",
    ]


# What the book states for each training notebook's main run (sections 7.6, 8.2 and 8.6 of Dive into Deep
# Learning): it trains on a GPU and shows the curves of the losses and the accuracy, without numbers.
_PLOT_ONLY = {"device": "GPU", "time": "not stated", "train loss": "plot only", "val loss": "plot only"}
BOOK_SETUP: dict[str, dict[str, str]] = {
    "7.6_lenet": {"data": "60,000 / 10,000 at 28x28", "epochs": "10", **_PLOT_ONLY, "val acc": "plot only"},
    "8.2_vgg": {"data": "60,000 / 10,000 at 224x224", "epochs": "10", **_PLOT_ONLY, "val acc": "plot only"},
    "8.6_resnet": {"data": "60,000 / 10,000 at 96x96", "epochs": "10", **_PLOT_ONLY, "val acc": "plot only"},
}


def _require_history(history: dict, keys: tuple[str, ...], where: str) -> None:
    missing = [k for k in keys if not isinstance(history, dict) or not history.get(k)]
    if missing:
        raise ValueError(f"{where}: history has no {', '.join(missing)}: pass trainer.history")


def results_table(notebook: str, history: dict, data, trainer, book: dict[str, str] | None = None) -> str:
    """This run beside the recorded full-mode runs of ``notebook`` and the book's set-up, as a text table.

    ``book`` gives the book's values for the rows it states (``"data"``, ``"epochs"``, ``"device"``, ...; missing
    rows show ``-``); by default they come from :data:`BOOK_SETUP`. Taught in notebooks/7.6_lenet.ipynb.
    """
    _require_history(history, ("train_loss", "val_loss", "val_acc"), "results_table")
    if book is None:
        book = BOOK_SETUP.get(notebook, {})
    if not isinstance(book, dict):
        raise TypeError("results_table: book must be a dict of the book's values by row, e.g. {'epochs': '10'}")
    rows = ["data (train / val)", "epochs", "device", "training time", "train loss", "val loss", "val acc"]
    keys = ["data", "epochs", "device", "time", "train loss", "val loss", "val acc"]
    mode = "quick" if config.is_quick() else "full"
    columns = [_run_column(history, data, trainer, f"this run ({mode} mode)")]
    records = load_records()
    columns += [_record_column(rec) for key, rec in sorted(records.items()) if key.split("/")[0] == notebook]
    if len(columns) == 1:
        raise KeyError(
            f"no full-mode record for {notebook!r}: python scripts/record_full_mode.py notebooks/{notebook}.ipynb"
        )
    columns.append(("the book", [book.get(k, "-") for k in keys]))
    widths = [max(len(rows[i]) for i in range(len(rows)))] + [
        max(len(title), *(len(v) for v in values)) for title, values in columns
    ]
    lines = ["  ".join([" " * widths[0]] + [t.ljust(wd) for (t, _), wd in zip(columns, widths[1:])])]
    for i, row in enumerate(rows):
        lines.append("  ".join([row.ljust(widths[0])] + [v[i].ljust(wd) for (_, v), wd in zip(columns, widths[1:])]))
    return "\n".join(line.rstrip() for line in lines)


def check_learned(history: dict, min_val_acc: float, max_loss_ratio: float) -> None:
    """Check that a training run learned, and print the two numbers against their bounds.

    The final validation accuracy must exceed ``min_val_acc`` and the last epoch's training loss must be below
    ``max_loss_ratio`` times the first epoch's. A notebook sets the bounds from its own tested runs; a failure says
    which check failed and what to look at. Taught in notebooks/8.2_vgg.ipynb.
    """
    _require_history(history, ("train_loss", "val_acc"), "check_learned")
    for name, value in (("min_val_acc", min_val_acc), ("max_loss_ratio", max_loss_ratio)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
            raise ValueError(f"check_learned: {name} must be a number in (0, 1], got {value!r}")
    acc, ratio = history["val_acc"][-1], history["train_loss"][-1] / history["train_loss"][0]
    print(
        f"validation accuracy {acc:.3f} (bound: above {min_val_acc}); last epoch's training loss "
        f"{ratio:.2f} of the first's (bound: below {max_loss_ratio})"
    )
    advice = (
        "The bound comes from this notebook's tested runs: if you changed the model, the data or the training "
        "settings it does not apply; otherwise look at the loss curves above for where training went wrong."
    )
    if not acc > min_val_acc:
        raise AssertionError(f"validation accuracy {acc:.3f} is not above {min_val_acc}. {advice}")
    if not ratio < max_loss_ratio:
        raise AssertionError(f"the training loss fell only to {ratio:.2f} of its first epoch's. {advice}")
