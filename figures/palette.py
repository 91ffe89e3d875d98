"""The figures' colours: a light fill and a strong edge per hue, and two text greys."""

from __future__ import annotations

from typing import NamedTuple


class Tint(NamedTuple):
    """A light fill and a strong edge of the same hue."""

    fill: str
    edge: str


BLUE = Tint("#c6dbef", "#2171b5")
ORANGE = Tint("#fdd0a2", "#d94801")
GREEN = Tint("#c7e9c0", "#238b45")
PURPLE = Tint("#dadaeb", "#6a51a3")
GREY = Tint("#e7e7e7", "#636363")
INK = "#222222"
MUTED = "#555555"
