"""Helpers shared by the benchmark scripts: machine description, medians, memory, JSON and markdown output."""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"  # raw JSON results (ignored by git); RESULTS.md is built from them


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (or platform's guess elsewhere)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> tuple[float, float, float] | None:
    try:
        return os.getloadavg()
    except OSError:
        return None


def machine() -> dict:
    """What the numbers were measured on."""
    import torch

    info = {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "load_average": load_average(),
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }
    return info


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def spread(values: Sequence[float]) -> str:
    """``min-max`` of the runs, for the tables."""
    return f"{min(values):.3g}-{max(values):.3g}"


def _proc_status_mib(field: str) -> float | None:
    """A memory field of Linux's /proc/self/status (e.g. ``VmRSS``) in MiB, or None where there is no /proc."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def rss_mb() -> float:
    """Current resident set size of this process in MiB (Linux /proc; falls back to the peak elsewhere)."""
    current = _proc_status_mib("VmRSS")
    return current if current is not None else peak_rss_mb()


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident set size in MiB of this process (or of its largest finished child process).

    For this process, Linux's VmHWM is used: unlike ``getrusage``'s ``ru_maxrss`` it is reset by ``exec``, so a
    freshly started benchmark process does not inherit the peak of the process that launched it.
    """
    if not children:
        peak = _proc_status_mib("VmHWM")
        if peak is not None:
            return peak
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    kb = resource.getrusage(who).ru_maxrss
    return kb / 1024 if platform.system() == "Linux" else kb / 2**20  # macOS reports bytes


def cpu_seconds() -> float:
    """User + system CPU time of this process and of its finished (waited-for) child processes."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def write_json(path: Path, payload: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2))
    return path


def read_json(path: Path) -> dict:
    return json.loads(Path(path).read_text())


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]], align: str | None = None) -> str:
    """A GitHub markdown table; ``align`` is one character per column (l, r or c)."""
    align = align or "l" + "r" * (len(header) - 1)
    marks = {"l": ":---", "r": "---:", "c": ":---:"}
    lines = ["| " + " | ".join(str(h) for h in header) + " |", "|" + "|".join(marks[a] for a in align) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def machine_lines(info: dict) -> list[str]:
    """Bullet lines describing the machine, for RESULTS.md."""
    load = info.get("load_average")
    lines = [
        f"- CPU: {info['cpu']}, {info['cores']} cores; torch {info['torch']} (its default: "
        f"{info['torch_threads']} threads); Python {info['python']}; {info['platform']}",
        f"- GPU: {info['gpu'] or 'none (CPU only)'}",
        f"- date: {info['date']}",
    ]
    if load:
        lines.append(f"- load average when the script started: {load[0]:.2f} (1 min), {load[1]:.2f} (5 min)")
    return lines
