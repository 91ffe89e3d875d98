"""The one helper the public checks share: fail with a hint."""

from __future__ import annotations

import torch


def expect(condition: object, hint: str) -> None:
    """Fail the check with ``hint`` (shown after ❌) unless ``condition`` holds."""
    if not condition:
        raise AssertionError(hint)


def close(actual: object, expected: torch.Tensor, atol: float = 1e-5) -> bool:
    """Is ``actual`` a tensor of ``expected``'s shape with (nearly) its values?"""
    return (
        isinstance(actual, torch.Tensor)
        and tuple(actual.shape) == tuple(expected.shape)
        and torch.allclose(actual.detach().to(expected.dtype).cpu(), expected, atol=atol, rtol=1e-5)
    )


def shape_hint(actual: object, expected: torch.Tensor) -> str:
    """`` (got shape ..., expected ...)`` when the shapes differ, else an empty string."""
    if not isinstance(actual, torch.Tensor):
        return f" (got a {type(actual).__name__}, expected a tensor)"
    if tuple(actual.shape) != tuple(expected.shape):
        return f" (got shape {tuple(actual.shape)}, expected {tuple(expected.shape)})"
    return ""
