"""Attribute timelines: any drawing's per-state attribute values, written once in Python and
applied by view.js's generic state machine (elements marked ``data-a``).

A drawing registers each element it wants to change (`AttrTimeline.element`), sets values per
state (`AttrTimeline.set`; only changes are kept), and writes each element's attributes as they
are at the start state (`AttrTimeline.attributes`), so the picture without a script is right too.
The name ``"#text"`` sets an element's text instead of an attribute.
"""

from __future__ import annotations

import html
from typing import Any

__all__ = ["TEXT", "AttrTimeline"]

TEXT = "#text"


class AttrTimeline:
    """Per-state attribute values for the elements of one drawing."""

    def __init__(self) -> None:
        self.keys: list[tuple[int, str]] = []  # key -> (element, attribute name)
        self.key_of: dict[tuple[int, str], int] = {}
        self.changes: list[tuple[int, int, str]] = []  # (state, key, value), states ascending
        self.last: list[str] = []
        self.elements = 0

    def element(self) -> int:
        """A new element's number (write `attributes` into its tag)."""
        self.elements += 1
        return self.elements - 1

    def set(self, state: int, element: int, name: str, value: str) -> None:
        """``element``'s attribute ``name`` is ``value`` from ``state`` on (states in order)."""
        key = self.key_of.get((element, name))
        if key is None:
            key = self.key_of[element, name] = len(self.keys)
            self.keys.append((element, name))
            self.last.append("\0")
        if self.last[key] != value:
            self.last[key] = value
            self.changes.append((state, key, value))

    def at(self, state: int) -> dict[int, dict[str, str]]:
        """Every element's attribute values in ``state``."""
        values: dict[int, dict[str, str]] = {}
        for s, key, value in sorted(self.changes, key=lambda c: c[0]):
            if s > state:
                break
            element, name = self.keys[key]
            values.setdefault(element, {})[name] = value
        return values

    @staticmethod
    def attributes(element: int, values: dict[int, dict[str, str]]) -> str:
        """The tag attributes of ``element`` at the state ``values`` was taken at (escaped,
        with ``data-a``); its text is `text`."""
        parts = [f' data-a="{element}"']
        for name, value in values.get(element, {}).items():
            if name != TEXT:
                parts.append(f' {name}="{html.escape(value, quote=True)}"')
        return "".join(parts)

    @staticmethod
    def text(element: int, values: dict[int, dict[str, str]]) -> str:
        """``element``'s text in that state, escaped."""
        return html.escape(values.get(element, {}).get(TEXT, ""), quote=False)

    def data(self) -> dict[str, Any]:
        """The JSON view.js reads: ``attrKeys`` [element, name] and ``attrs`` [state, key,
        value] changes."""
        self.changes.sort(key=lambda c: c[0])
        return {"attrKeys": [list(k) for k in self.keys], "attrs": self.changes}
