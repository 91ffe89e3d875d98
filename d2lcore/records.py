"""The committed record of full-mode training runs, and the table that shows it beside a notebook's own run.

``full_mode.json`` (shipped inside the package, so Colab has it too) holds one entry per training notebook,
written by ``scripts/record_full_mode.py``: the device, image size, epochs, wall time, final losses and accuracy
of the notebook's main training cell run in full mode.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import tempfile
from pathlib import Path

RECORD_PATH = Path(__file__).with_name("full_mode.json")


def load_records(path: Path = RECORD_PATH) -> dict[str, dict]:
    """All recorded full-mode runs, keyed by notebook name (e.g. ``"8.2_vgg"``)."""
    return json.loads(path.read_text()) if path.exists() else {}


def full_mode_record(notebook: str, path: Path = RECORD_PATH) -> dict:
    """The recorded full-mode run of ``notebook`` (its file name without ``.ipynb``)."""
    records = load_records(path)
    if notebook not in records:
        raise KeyError(
            f"no full-mode record for {notebook!r} in {path.name} (recorded: {sorted(records)}); "
            f"create it with: python scripts/record_full_mode.py notebooks/{notebook}.ipynb"
        )
    return records[notebook]


def update_record(notebook: str, result: dict, path: Path = RECORD_PATH) -> None:
    """Replace ``notebook``'s entry, under a file lock, writing a temporary file and renaming it over the record."""
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        records = load_records(path)
        records[notebook] = result
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            f.write(_format(records))
        os.replace(tmp, path)


def _format(records: dict) -> str:
    """Indented JSON with every list of numbers on one line, so a diff of the record stays readable."""
    text = json.dumps(dict(sorted(records.items())), indent=1)
    return re.sub(r"\[\s*([-\d.,\s]+?)\s*\]", lambda m: "[" + re.sub(r"\s+", " ", m.group(1)) + "]", text) + "\n"
