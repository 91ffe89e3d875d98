"""Helpers shared by the benchmark scripts: machine description, FP32 peak, CPU time, memory, JSON, tables."""

from __future__ import annotations

import json
import os
import platform
import resource
import time
from collections.abc import Sequence
from pathlib import Path
from statistics import median  # noqa: F401 - re-exported for the scripts

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"  # raw JSON results (ignored by git); RESULTS.md's table is built from them


def _cpuinfo(field: str) -> str:
    """The first value of ``field`` in Linux's /proc/cpuinfo ('' elsewhere)."""
    path = Path("/proc/cpuinfo")
    lines = path.read_text().splitlines() if path.exists() else []
    return next((ln.split(":", 1)[1].strip() for ln in lines if ln.lower().startswith(field)), "")


def fp32_peak_per_core() -> dict:
    """Estimated FP32 peak of one core: FMA pipes x fp32 lanes x 2 FLOPs x clock (from /proc/cpuinfo).

    AMD Zen 2-4 and Intel AVX2 cores have two 256-bit FMA pipes (Zen 4 runs AVX-512 on them in two halves):
    2 x 8 x 2 = 32 FLOP/cycle; Intel cores with two 512-bit FMA units reach 64. The clock is the one /proc/cpuinfo
    reports (under a hypervisor usually the base clock; boost can be 20-40% higher, the peak with it).
    """
    flags = set(_cpuinfo("flags").split())
    lanes = 16 if "avx512f" in flags and "intel" in _cpuinfo("vendor_id").lower() else 8 if "avx2" in flags else 4
    per_cycle, ghz = (2 if "fma" in flags else 1) * lanes * 2, float(_cpuinfo("cpu mhz") or 0) / 1000
    bf16 = bool(flags & {"avx512_bf16", "amx_bf16"})
    return {"ghz": ghz, "flop_per_cycle": per_cycle, "gflops": per_cycle * ghz, "bf16": bf16}


def machine() -> dict:
    """What the numbers were measured on."""
    import torch

    return {
        "cpu": _cpuinfo("model name") or platform.processor(),
        "cores": os.cpu_count(),
        "torch": torch.__version__,
        "default_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "peak": fp32_peak_per_core(),
    }


def cpu_seconds(children: bool = True) -> float:
    """User + system CPU time of this process and (unless ``children=False``) of its finished child processes."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + (kids.ru_utime + kids.ru_stime if children else 0.0)


def peak_rss_mb() -> float:
    """This process's peak resident memory in MiB (Linux VmHWM, not inherited from the parent as ru_maxrss is)."""
    status = Path("/proc/self/status")
    for line in status.read_text().splitlines() if status.exists() else []:
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_json(path: Path, payload: dict) -> None:
    """Write ``payload`` to ``path`` (creating its folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=1))


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub markdown table: first column left-aligned, the others right-aligned."""
    lines = ["| " + " | ".join(map(str, header)) + " |", "|:---|" + "---:|" * (len(header) - 1)]
    return "\n".join(lines + ["| " + " | ".join(map(str, row)) + " |" for row in rows])
