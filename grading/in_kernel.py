"""Runs inside the kernel of a graded notebook, after the student's last cell: public and hidden test per exercise.

The grader appends one cell that calls :func:`grade_namespace`; it writes the results as JSON for the grader to read.
Each test has its own time limit (SIGALRM in the kernel's main thread), so an answer that loops on a hidden input
costs that exercise only.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from d2lcore.selfcheck import REGISTRY, Result, run_check
from grading.hidden import HIDDEN


class _TimeUpError(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _TimeUpError


def _limited(run: Callable[[], Any], seconds: int) -> Any:
    """``run()``, or :class:`_TimeUpError` after ``seconds``."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        return run()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _hidden(section: str, key: str, values: list[Any], seconds: int) -> tuple[bool, str]:
    try:
        _limited(lambda: HIDDEN[section][key](*values), seconds)
        return True, ""
    except _TimeUpError:
        return False, f"hidden test: no result within {seconds} s"
    except AssertionError as err:
        return False, f"hidden test: {str(err)[:300]}"
    except Exception as err:
        return False, f"hidden test: your code raised {type(err).__name__}: {str(err)[:200]}"


def _public(section: str, key: str, namespace: dict[str, Any], seconds: int) -> Result:
    try:
        return _limited(lambda: run_check(section, key, namespace), seconds)
    except _TimeUpError:
        return Result(False, f"public check: no result within {seconds} s")


def grade_namespace(section: str, namespace: dict[str, Any], path: str, seconds: int = 60) -> list[dict[str, Any]]:
    """Public and hidden results of every checked exercise of ``section``; also written to ``path`` as JSON."""
    results = []
    for entry in REGISTRY[section]:
        public = _public(section, entry.key, namespace, seconds)
        if all(name in namespace for name in entry.names):
            hidden, note = _hidden(section, entry.key, [namespace[n] for n in entry.names], seconds)
        else:
            hidden, note = False, "not answered: " + ", ".join(n for n in entry.names if n not in namespace)
        results.append({"key": entry.key, "public": public.passed, "hidden": hidden,
                        "note": note or ("" if public.passed else public.message)})  # fmt: skip
    Path(path).write_text(json.dumps(results), encoding="utf-8")
    return results
