"""`Module`: parameters, zero_grad, state_dict, and JSON save/load for every network in `nn`.

Parameters are found by walking a module's attributes in the order they were assigned: a
`Value` is a parameter, a `Module` is walked into, and a list or tuple of either is walked item by
item. A state dict maps each attribute that holds parameters (dotted path, e.g.
``layers.0.neurons.3.w``) to a flat list of floats, so it is plain JSON.

A saved model is a JSON file holding the class name, its constructor arguments (``config()``) and
its state dict. Loading only ever constructs classes registered here, never arbitrary code, and
only after `Module.count_parameters` has shown that the config asks for no more weights than the
file holds (so a small file cannot make it allocate gigabytes).
"""

from __future__ import annotations

import inspect
import json
import math
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from autograd import Value

__all__ = ["FORMAT", "ModelFileError", "Module", "load"]

FORMAT = "chainrule-model"
FORMAT_VERSION = 1

_REGISTRY: dict[str, type[Module]] = {}


class ModelFileError(ValueError):
    """A file that is not a valid chainrule model (names the file and the problem)."""


class Module:
    """Base class of every network: subclasses set attributes and implement ``__call__``."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Only the project's own public classes can be loaded (a private base cannot be built).
        if cls.__module__.split(".")[0] == "nn" and not cls.__name__.startswith("_"):
            _REGISTRY[cls.__name__] = cls

    # ------------------------------------------------------------ parameters

    def named_parameter_groups(self) -> Iterator[tuple[str, list[Value]]]:
        """(dotted attribute path, its parameters) for each attribute that holds parameters."""
        for name, attr in vars(self).items():
            if not name.startswith("_"):
                yield from _groups(name, attr)

    def parameters(self) -> list[Value]:
        """Every parameter once, in a stable order (attribute assignment order, depth first)."""
        unique = {id(p): p for _, group in self.named_parameter_groups() for p in group}
        return list(unique.values())

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (gradients accumulate across backward calls)."""
        for p in self.parameters():
            p.grad = 0.0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """The forward pass; every network defines its own."""
        raise NotImplementedError(f"{type(self).__name__} does not define __call__")

    def config(self) -> dict[str, Any]:
        """The constructor's keyword arguments, as JSON values: enough to rebuild the module."""
        raise NotImplementedError(f"{type(self).__name__} does not define config()")

    @classmethod
    def count_parameters(cls, config: dict[str, Any]) -> int:
        """How many numbers ``cls(**config)``'s state dict holds, from the config alone (sizes
        checked as the constructor checks them): `load` compares it with the file's weights
        before building anything. ``config`` holds every required argument."""
        raise NotImplementedError(f"{cls.__name__} does not define count_parameters()")

    # ------------------------------------------------------------ state

    def state_dict(self) -> dict[str, list[float]]:
        """Attribute path -> the parameters' values, as a flat list of floats."""
        return {name: [p.data for p in group] for name, group in self.named_parameter_groups()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Copy values in; every name, length and number is checked before anything changes.

        ValueError naming the first problem, with all parameters left untouched.
        """
        if not isinstance(state, dict):
            raise ValueError(f"state dict must be a dict, got {type(state).__name__}")
        groups = dict(self.named_parameter_groups())
        missing = [name for name in groups if name not in state]
        if missing:
            raise ValueError(f"state dict is missing {missing[0]!r}")
        unexpected = [name for name in state if name not in groups]
        if unexpected:
            raise ValueError(f"state dict has an unexpected entry {unexpected[0]!r}")
        for name, group in groups.items():
            values = state[name]
            if not isinstance(values, list) or len(values) != len(group):
                got = len(values) if isinstance(values, list) else type(values).__name__
                raise ValueError(f"{name!r}: expected a list of {len(group)} numbers, got {got}")
            for i, v in enumerate(values):
                if not _is_finite_number(v):
                    raise ValueError(f"{name!r}[{i}]: expected a finite number, got {v!r:.40}")
        for name, group in groups.items():
            for p, v in zip(group, state[name], strict=True):
                p.data = float(v)

    # ------------------------------------------------------------ files

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write architecture and weights as JSON, atomically (temp file, then rename).

        ValueError, with nothing written, if a weight is nan or inf: `load` would refuse it.
        TypeError for a class of your own: `load` rebuilds only chainrule's classes, so save
        its ``state_dict()`` instead and load it into a model you build.
        """
        name = type(self).__name__
        if _REGISTRY.get(name) is not type(self):
            raise TypeError(
                f"cannot save {name}: nn.load rebuilds only chainrule's own models "
                f"({', '.join(sorted(_REGISTRY))}); save its state_dict() as JSON instead "
                "and load_state_dict() it into a model you build"
            )
        state = self.state_dict()
        for name, values in state.items():
            for i, v in enumerate(values):
                if not math.isfinite(v):
                    raise ValueError(
                        f"cannot save {type(self).__name__}: {name!r}[{i}] is {v} "
                        "(a model file holds finite weights only)"
                    )
        document = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "class": type(self).__name__,
            "config": self.config(),
            "state": state,
        }
        _write_atomically(Path(path), json.dumps(document, indent=1, allow_nan=False))


def _write_atomically(target: Path, text: str) -> None:
    """Write ``text`` to a new file beside ``target``, flush it to disk, then rename it over
    ``target``: a reader sees the old file or the new one, never half of one. On any failure the
    temp file is removed. Mode 0o666 lets the umask decide permissions, as for any new file."""
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def load(path: str | os.PathLike[str]) -> Module:
    """Rebuild a model saved with `Module.save`; ModelFileError if the file is not one."""
    where = str(path)
    if os.path.exists(path) and not os.path.isfile(path):  # a directory, a device, a pipe
        raise ModelFileError(f"{where}: cannot read the model file (not a regular file)")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ModelFileError(f"{where}: cannot read the model file ({e})") from e
    try:
        document = json.loads(text, object_pairs_hook=_object_without_duplicates)
    except json.JSONDecodeError as e:
        raise ModelFileError(f"{where}: not a chainrule model (not valid JSON: {e})") from e
    except (ValueError, RecursionError) as e:  # a duplicate key, a 5,000-digit number, [[[[...
        raise ModelFileError(f"{where}: not a chainrule model ({e})") from e
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ModelFileError(f'{where}: not a chainrule model (no \'"format": "{FORMAT}"\')')
    version = document.get("version")
    if type(version) is not int or version != FORMAT_VERSION:
        raise ModelFileError(f"{where}: unsupported model version {version!r}")
    name = document.get("class")
    cls = _REGISTRY.get(name) if isinstance(name, str) else None
    if cls is None:
        known = ", ".join(sorted(_REGISTRY))
        raise ModelFileError(f"{where}: unknown model class {name!r} (known: {known})")
    config = document.get("config")
    if not isinstance(config, dict):
        raise ModelFileError(f"{where}: 'config' must be an object of constructor arguments")
    state = document.get("state")
    if not isinstance(state, dict):
        raise ModelFileError(f"{where}: 'state' must be an object mapping names to weights")
    try:
        inspect.signature(cls).bind(**config)  # names a missing or unexpected argument
        wanted = cls.count_parameters(config)
    except (TypeError, ValueError) as e:
        raise ModelFileError(f"{where}: cannot build {name} from its config: {e}") from e
    held = sum(len(v) for v in state.values() if isinstance(v, list))
    if wanted > held:  # also what keeps a small file from building a gigantic model
        raise ModelFileError(
            f"{where}: its {name} config needs {wanted:,} weights, but the file holds {held:,}"
        )
    try:
        model = cls(**config)
    except (TypeError, ValueError) as e:
        raise ModelFileError(f"{where}: cannot build {name} from its config: {e}") from e
    try:
        model.load_state_dict(state)
    except ValueError as e:
        raise ModelFileError(f"{where}: weights do not fit {name}: {e}") from e
    return model


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict, refusing a key given twice (which value would be meant?)."""
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def _is_finite_number(v: object) -> bool:
    """A real int or float (not a bool) that a float holds as a finite value."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    try:
        return math.isfinite(v)
    except OverflowError:  # an int beyond float range, e.g. 10**400
        return False


def _groups(name: str, attr: object) -> Iterator[tuple[str, list[Value]]]:
    if isinstance(attr, Value):
        yield name, [attr]
    elif isinstance(attr, Module):
        for sub, group in attr.named_parameter_groups():
            yield f"{name}.{sub}", group
    elif isinstance(attr, (list, tuple)) and attr:
        values = _flat_values(attr)
        if values is not None:
            yield name, values
        else:
            for i, item in enumerate(attr):
                yield from _groups(f"{name}.{i}", item)


def _flat_values(items: list[Any] | tuple[Any, ...]) -> list[Value] | None:
    """The Values of a list of Values or of rows of Values (a weight matrix), else None."""
    if all(isinstance(v, Value) for v in items):
        return list(items)
    if all(
        isinstance(row, (list, tuple)) and all(isinstance(v, Value) for v in row) for row in items
    ):
        return [v for row in items for v in row]
    return None
