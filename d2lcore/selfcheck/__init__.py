"""Self-checks for the exercises: ``check("7.2", "2.1")`` after an answer prints ✅ or ❌ with a hint.

The student version of a notebook (``make student``) has a check cell after each checked answer. A check looks up
the names the answer defines in the caller's namespace, runs a few public tests on them and prints one line. It never
raises: a missing name, a wrong result or an error in the student's code all end in ❌ and a hint that points to the
idea, not to the answer. The list of checked exercises is :data:`d2lcore.selfcheck.registry.REGISTRY`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from .registry import REGISTRY, Entry, entry

__all__ = ["REGISTRY", "Entry", "Result", "check", "entry", "run_check"]


@dataclass(frozen=True)
class Result:
    """What a check found: ``passed`` and the line shown to the student."""

    passed: bool
    message: str


def run_check(section: str, key: str, namespace: dict[str, Any]) -> Result:
    """Run the public check of exercise ``key`` of ``section`` on ``namespace``; never raises."""
    label = f"{section}, exercise {key}"
    try:
        found = entry(section, key)
    except KeyError as err:
        return Result(False, f"❌ {label}: {err.args[0]}")
    missing = [name for name in found.names if name not in namespace]
    if missing:
        names = ", ".join(f"`{name}`" for name in missing)
        return Result(False, f"❌ {label}: define {names} first (in your answer cell above), then run this cell.")
    values = [namespace[name] for name in found.names]
    try:
        found.check(*values)
    except AssertionError as err:
        return Result(False, f"❌ {label}: {err}")
    except Exception as err:  # the student's code raised: report it, do not raise into the notebook
        text = str(err).splitlines()[0][:200] if str(err) else ""
        return Result(False, f"❌ {label}: your code raised {type(err).__name__}: {text}. Hint: {found.hint}")
    return Result(True, f"✅ {label}: {', '.join(found.names)} passed the self-check.")


def check(section: str, key: str, namespace: dict[str, Any] | None = None) -> None:
    """Print ✅ or ❌ for exercise ``key`` (e.g. ``"2.1"``) of ``section`` (e.g. ``"7.2"``), reading the names the
    answer defines from ``namespace`` (default: the calling notebook's variables). Never raises."""
    try:
        if namespace is None:
            namespace = sys._getframe(1).f_globals
        result = run_check(str(section), str(key), namespace)
    except KeyboardInterrupt:
        result = Result(False, "❌ interrupted: your code did not finish on the check's small inputs. Look for a loop.")
    except BaseException as err:
        result = Result(False, f"❌ the self-check itself failed ({type(err).__name__}); please report this.")
    print(result.message)
