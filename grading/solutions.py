"""The worked solutions' namespace of a notebook, without running its training or timing cells.

The agreement tests take the names a checked exercise defines from here: the notebook's code cells run in order in
one namespace, except cells that train, time, download or only draw (see :func:`skipped`), which is what keeps this
to seconds per notebook. A cell that fails because a skipped cell defined what it needs is recorded, not fatal:
:func:`solution_namespace` returns the errors so that a test can show them when a name is missing.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path
from typing import Any

import matplotlib
import nbformat

ROOT = Path(__file__).resolve().parent.parent
EXPENSIVE = ("plt.show()",)
IGNORE_TAG = "nbval-ignore-output"  # cells whose output varies: training, timing, the device line


def notebook_path(section: str) -> Path:
    """The notebook of ``section`` (e.g. ``"7.2"``) in notebooks/."""
    (path,) = sorted((ROOT / "notebooks").glob(f"{section}_*.ipynb"))
    return path


def skipped(source: str, index: int, tags: list[str] = ()) -> bool:
    """Cells left out: the Colab install cell, training, timing and drawing cells (tagged ``nbval-ignore-output`` or
    showing a plot; the imports cell, the second code cell, always runs)."""
    expensive = IGNORE_TAG in tags or any(marker in source for marker in EXPENSIVE)
    return "pip install" in source or (index > 1 and expensive)


def _without_magic(line: str) -> str:
    stripped = line.lstrip()
    return line[: len(line) - len(stripped)] + "pass" if stripped.startswith(("%", "!")) else line


def solution_namespace(section: str, workdir: Path, solutions: bool = True) -> tuple[dict[str, Any], list[str]]:
    """Run the notebook's cheap code cells in ``workdir`` (without the worked solutions if ``solutions`` is false, as
    a student's blank notebook); return the namespace and the errors of failing cells."""
    matplotlib.use("Agg")
    cells = nbformat.read(notebook_path(section), as_version=4).cells
    code = [
        (c.source, c.metadata.get("tags", []))
        for c in cells
        if c.cell_type == "code" and (solutions or "solution" not in c.metadata.get("tags", []))
    ]
    namespace: dict[str, Any] = {"__name__": "__main__"}
    errors = []
    cwd = Path.cwd()
    os.chdir(workdir)
    try:
        for index, (source, tags) in enumerate(code):
            if skipped(source, index, tags):
                continue
            lines = [_without_magic(line) for line in source.splitlines()]
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile("\n".join(lines), f"<{section} cell {index}>", "exec"), namespace)
            except Exception as err:
                errors.append(f"code cell {index}: {type(err).__name__}: {err}")
    finally:
        os.chdir(cwd)
    return namespace, errors
