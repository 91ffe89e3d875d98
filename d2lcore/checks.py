"""Argument checks shared by d2lcore's public functions: one clear message per mistake.

Every message names the function, the argument, the value given and what is expected, and where it helps, what
to write instead, e.g. ``FashionMNIST: batch_size must be a positive integer, got 0. ...``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any

from torch import nn


def _fail(where: str, name: str, expected: str, value: Any, hint: str, error: type[Exception] = ValueError):
    raise error(f"{where}: {name} must be {expected}, got {value!r}." + (f" {hint}" if hint else ""))


def _as_int(value: Any) -> int | None:
    """``value`` as an int when it is an integer (Python, NumPy or 0-d integer tensor) but not a bool, else None."""
    if isinstance(value, bool):
        return None
    try:
        return operator.index(value)
    except TypeError:
        return None


def integer(value: Any, name: str, where: str, minimum: int = 1, hint: str = "") -> int:
    """``value`` as an int, or a TypeError/ValueError saying it must be an integer of at least ``minimum``."""
    expected = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
    as_int = _as_int(value)
    if as_int is None:
        _fail(where, name, expected, value, hint, TypeError)
    if as_int < minimum:
        _fail(where, name, expected, value, hint)
    return as_int


def optional_integer(value: Any, name: str, where: str, minimum: int = 1, hint: str = "") -> int | None:
    """Like :func:`integer`, but ``None`` passes through."""
    return None if value is None else integer(value, name, where, minimum, hint)


def number(value: Any, name: str, where: str, positive: bool = True, hint: str = "") -> float:
    """``value`` as a float: positive (``positive=True``) or at least zero, and finite."""
    expected = "a positive number" if positive else "a number >= 0"
    try:
        as_float = None if isinstance(value, bool | str) else float(value)
    except (TypeError, ValueError):
        as_float = None
    if as_float is None:
        _fail(where, name, expected, value, hint, TypeError)
    if not math.isfinite(as_float) or as_float < 0 or (positive and as_float == 0):
        _fail(where, name, expected, value, hint)
    return as_float


def int_pair(value: Any, name: str, where: str, minimum: int = 1, hint: str = "") -> tuple[int, int]:
    """An integer or a pair of integers (each at least ``minimum``) as a ``(height, width)`` pair."""
    word = "positive integers" if minimum == 1 else f"integers >= {minimum}"
    expected = f"an integer or a (height, width) pair of {word}"
    single = _as_int(value)
    if single is not None:
        pair = (single, single)
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2:
        pair = (_as_int(value[0]), _as_int(value[1]))
        if None in pair:
            _fail(where, name, expected, value, hint, TypeError)
    else:
        _fail(where, name, expected, value, hint, TypeError)
    if min(pair) < minimum:
        _fail(where, name, expected, value, hint)
    return pair


def shape(value: Any, name: str, where: str, hint: str = "") -> tuple[int, ...]:
    """A tensor shape: a non-empty sequence of positive integers (``torch.Size`` included)."""
    expected = "a shape, i.e. a tuple of positive integers such as (1, 1, 28, 28)"
    if isinstance(value, str) or not isinstance(value, Sequence) or not len(value):
        if hasattr(value, "shape"):
            hint = f"Pass the tensor's shape ({name}=X.shape), not the tensor."
        _fail(where, name, expected, value if not hasattr(value, "shape") else type(value).__name__, hint, TypeError)
    dims = tuple(_as_int(v) for v in value)
    if None in dims:
        _fail(where, name, expected, value, hint, TypeError)
    if min(dims) < 1:
        _fail(where, name, expected, value, hint)
    return dims


def module(value: Any, name: str, where: str, hint: str = "") -> nn.Module:
    """``value`` itself when it is a ``torch.nn.Module``, else a TypeError."""
    if not isinstance(value, nn.Module):
        _fail(where, name, "a torch.nn.Module (a model or a layer)", type(value).__name__, hint, TypeError)
    return value


def choice(value: Any, name: str, where: str, options: Sequence[Any], hint: str = "") -> Any:
    """``value`` when it is one of ``options``, else a ValueError listing them."""
    if value not in options:
        _fail(where, name, "one of " + ", ".join(map(repr, options)), value, hint)
    return value


def flag(value: Any, name: str, where: str) -> bool:
    """``value`` when it is a bool (``True``/``False``), else a TypeError."""
    if not isinstance(value, bool):
        _fail(where, name, "True or False", value, "", TypeError)
    return value
