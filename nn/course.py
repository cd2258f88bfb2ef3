"""The course's claims: a notebook states a fact in words and checks it on its own output.

At the notebook's own settings (its `Knobs` at their defaults) a false claim raises `ClaimError`,
so running the notebooks in CI catches a sentence that stopped being true. Once a learner has
changed a knob, the same claim prints what the text expected and what the run gave instead: an
experiment, not a traceback. Pure Python, so it runs wherever the notebooks run (also Pyodide).
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["ClaimError", "Knobs"]


class ClaimError(AssertionError):
    """A notebook's sentence is false at the notebook's own settings."""


class Knobs:
    """A notebook's settings: their defaults (what the text describes) and their current values.

    `knobs = Knobs(lr=0.1)` fixes the defaults; `knobs.lr = 0.5` is the learner's change.
    """

    _defaults: dict[str, Any]
    _values: dict[str, Any]

    def __init__(self, **defaults: Any) -> None:
        # The defaults are a copy: a learner's knobs.hidden.append(32) must not change them too.
        object.__setattr__(self, "_defaults", copy.deepcopy(defaults))
        object.__setattr__(self, "_values", dict(defaults))

    def __getattr__(self, name: str) -> Any:
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        raise AttributeError(f"no knob {name!r}; the knobs are {', '.join(values)}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._values:
            raise AttributeError(f"no knob {name!r}; the knobs are {', '.join(self._values)}")
        self._values[name] = value

    def __repr__(self) -> str:
        return "Knobs(" + ", ".join(f"{k}={v!r}" for k, v in self._values.items()) + ")"

    def changed(self) -> dict[str, tuple[Any, Any]]:
        """Each knob set away from its default, as name -> (default, value)."""
        return {
            name: (default, self._values[name])
            for name, default in self._defaults.items()
            if self._values[name] != default
        }

    def claim(self, holds: object, sentence: str, saw: object = "") -> bool:
        """Check a sentence of the text: raise at the defaults, report once a knob has changed.

        `holds` is the check, `sentence` the claim in words, `saw` what the run actually gave
        (printed when the claim fails). Returns whether it held, so later cells can adapt.
        """
        if holds:
            return True
        seen = f" Saw: {saw}." if saw != "" else ""
        changed = self.changed()
        if not changed:
            raise ClaimError(f"{sentence}: false at the notebook's own settings.{seen}")
        edits = ", ".join(f"{name} {old!r} -> {new!r}" for name, (old, new) in changed.items())
        print(f"With your change ({edits}) the text no longer holds. It said: {sentence}.{seen}")
        return False
