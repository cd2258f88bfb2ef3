"""`Module`: parameters, zero_grad, state_dict, and JSON save/load for every network in `nn`.

Parameters are found by walking a module's attributes in the order they were assigned: a
`Value` is a parameter, a `Module` is walked into, and a list or tuple of either is walked item by
item. A state dict maps each attribute that holds parameters (dotted path, e.g.
``layers.0.neurons.3.w``) to a flat list of floats, so it is plain JSON.

A saved model is a JSON file holding the class name, its constructor arguments (``config()``) and
its state dict. Loading only ever constructs classes registered here, never arbitrary code, and
only after `Module.count_parameters` has shown that the config asks for no more weights than the
file holds and no more than `nn.checks.MAX_PARAMETERS` (so a small file cannot make it allocate
gigabytes, nor count to 10**15).
"""

from __future__ import annotations

import inspect
import json
import math
import os
import stat
from collections.abc import Iterator
from typing import Any

from autograd import Value
from autograd.files import write_atomically, write_bytes_atomically
from nn.checks import check_count, check_parameter_count, is_real, shown, shown_count

__all__ = [
    "FORMAT",
    "MAX_FILE_BYTES",
    "ModelFileError",
    "Module",
    "load",
    "write_atomically",  # from autograd.files, where every save writes through
    "write_bytes_atomically",
]

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
        checked as the constructor checks them). Computed by arithmetic, never by walking the
        layout the config describes, so a config claiming 10**15 layers costs what one layer
        does: `check_size` and `load` compare it with the limits before building anything.
        ``config`` holds every required argument. Every loadable class defines it."""
        raise NotImplementedError(f"{cls.__name__} does not define count_parameters()")

    @classmethod
    def check_size(cls, config: dict[str, Any]) -> int:
        """`count_parameters`, checked against `nn.checks.MAX_PARAMETERS` (ValueError over it):
        the one check every constructor makes, from its arguments, before any parameter (or
        sub-module) is made."""
        return check_parameter_count(f"this {cls.__name__}", cls.count_parameters(config))

    @classmethod
    def state_layout(cls, config: dict[str, Any]) -> Iterator[tuple[str, int]]:
        """(name, length) of each entry of ``cls(**config)``'s state dict, in order, from the
        config alone (a generator: nothing is stored). `load` checks a file's names against it
        before building, so a file cannot pad its weight count with keys the model lacks.
        A class without it is still loadable; its names are checked after building."""
        raise NotImplementedError(f"{cls.__name__} does not define state_layout()")

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
            _check_weights(name, values)
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
        write_atomically(path, json.dumps(document, indent=1, allow_nan=False))


MAX_FILE_BYTES = 256 * 1024 * 1024
"""The largest model file `load` reads unless told otherwise (``max_bytes=``): 256 MiB, about
10 million weights, the most a model may have (`nn.checks.MAX_PARAMETERS`)."""

DOCUMENT_KEYS = ("format", "version", "class", "config", "state")


def load(path: str | os.PathLike[str], *, max_bytes: int = MAX_FILE_BYTES) -> Module:
    """Rebuild a model saved with `Module.save`; ModelFileError, naming the file, if it is not
    one. Files over ``max_bytes`` are refused before they are read."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"nn.load: path must be a str or a path, got {type(path).__name__}")
    limit = check_count("nn.load: max_bytes", max_bytes)
    raw = os.fspath(path)
    where = str(raw) if str(raw).isprintable() else repr(raw)  # e.g. a NUL byte shown as \x00
    text = _read_limited(raw, where, limit)
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
        raise ModelFileError(f"{where}: unsupported model version {shown(version)}")
    unknown = [key for key in document if key not in DOCUMENT_KEYS]
    if unknown:
        raise ModelFileError(
            f"{where}: unknown key {shown(unknown[0])} (a model file holds {', '.join(DOCUMENT_KEYS)})"
        )
    name = document.get("class")
    cls = _REGISTRY.get(name) if isinstance(name, str) else None
    if cls is None:
        known = ", ".join(sorted(_REGISTRY))
        raise ModelFileError(f"{where}: unknown model class {shown(name)} (known: {known})")
    config = document.get("config")
    if not isinstance(config, dict):
        raise ModelFileError(f"{where}: 'config' must be an object of constructor arguments")
    state = document.get("state")
    if not isinstance(state, dict):
        raise ModelFileError(f"{where}: 'state' must be an object mapping names to weights")
    # The work up to building is bounded by the file, never by the sizes it claims: the count
    # is arithmetic on the config, and the names are walked only while the file has them.
    try:
        inspect.signature(cls).bind(**config)  # names a missing or unexpected argument
        wanted = cls.count_parameters(config)
    except (TypeError, ValueError) as e:
        raise ModelFileError(f"{where}: cannot build {name} from its config: {_cut(e)}") from e
    held = sum(len(v) for v in state.values() if isinstance(v, list))
    if wanted > held:  # also what keeps a small file from building a gigantic model
        raise ModelFileError(
            f"{where}: its {name} config needs {shown_count(wanted)} weights, but the file "
            f"holds {held:,}"
        )
    try:
        cls.check_size(config)  # a file large enough to hold them: the limit still holds
    except ValueError as e:
        raise ModelFileError(f"{where}: cannot build {name} from its config: {_cut(e)}") from e
    # before building: a file cannot pad its weight count with junk keys, nor hold junk weights
    _check_names(cls, config, state, where, cls.__name__)
    try:
        for key, values in state.items():
            _check_weights(key, values)
    except ValueError as e:
        raise ModelFileError(f"{where}: weights do not fit {name}: {_cut(e)}") from e
    try:
        model = cls(**config)
    except (TypeError, ValueError) as e:
        raise ModelFileError(f"{where}: cannot build {name} from its config: {_cut(e)}") from e
    try:
        model.load_state_dict(state)
    except ValueError as e:
        raise ModelFileError(f"{where}: weights do not fit {name}: {_cut(e)}") from e
    return model


def _read_limited(path: str | bytes, where: str, limit: int) -> str:
    """The file's text, or ModelFileError naming it: missing, not a regular file, over
    ``limit`` bytes, not UTF-8, or a path the system cannot take (a NUL byte)."""
    not_regular = ModelFileError(f"{where}: cannot read the model file (not a regular file)")
    if os.path.exists(path) and not os.path.isfile(path):  # do not open a pipe: it would block
        raise not_regular
    too_large = ModelFileError(
        f"{where}: the file is larger than nn.load's limit of {limit:,} bytes; if you trust "
        "it, raise the limit: nn.load(path, max_bytes=...)"
    )
    try:
        with open(path, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):  # replaced since the check
                raise not_regular
            if info.st_size > limit:  # refused before a byte is read
                raise too_large
            data = f.read(limit + 1)  # a file growing since fstat is still cut off
    except (OSError, ValueError) as e:
        if isinstance(e, ModelFileError):
            raise
        raise ModelFileError(f"{where}: cannot read the model file ({e})") from e
    if len(data) > limit:
        raise too_large
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ModelFileError(f"{where}: cannot read the model file ({e})") from e


def _check_names(
    cls: type[Module], config: dict[str, Any], state: dict[str, Any], where: str, name: str
) -> None:
    """Every state entry the config implies is in ``state`` with the right length, and nothing
    else is; checked from the config alone (classes without `Module.state_layout` are checked by
    `Module.load_state_dict` after building). Each entry of the layout must be found in
    ``state``, so at most ``len(state) + 1`` of them are ever generated."""
    remaining = dict(state)
    try:
        for key, length in cls.state_layout(config):
            values = remaining.pop(key, None)
            if values is None:
                raise ModelFileError(f"{where}: weights do not fit {name}: missing {key!r}")
            if not isinstance(values, list) or len(values) != length:
                got = len(values) if isinstance(values, list) else type(values).__name__
                raise ModelFileError(
                    f"{where}: weights do not fit {name}: {key!r}: expected a list of "
                    f"{length} numbers, got {got}"
                )
    except NotImplementedError:
        return
    if remaining:
        raise ModelFileError(
            f"{where}: weights do not fit {name}: unexpected entry {shown(next(iter(remaining)))}"
        )


def _cut(error: Exception, width: int = 300) -> str:
    """An error's message cut to ``width`` characters: a file's 100 KB argument name or
    activation must not make a 100 KB message."""
    text = str(error)
    return text if len(text) <= width else text[: width - 3] + "..."


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict, refusing a key given twice (which value would be meant?)."""
    obj = dict(pairs)
    if len(obj) < len(pairs):  # only then look for the key (a dict is built in C)
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {shown(key)}")
            seen.add(key)
    return obj


def _check_weights(name: str, values: object) -> None:
    """ValueError naming the first of ``values`` (the state entry ``name``) that is not a finite
    real number; fast where they are all floats, as a saved file's are."""
    if not isinstance(values, list):
        raise ValueError(f"{name!r}: expected a list of numbers, got {type(values).__name__}")
    if _FLOATS.issuperset(map(type, values)) and all(map(math.isfinite, values)):
        return
    for i, v in enumerate(values):
        if not _is_finite_number(v):
            raise ValueError(f"{name!r}[{i}]: expected a finite number, got {shown(v, 40)}")


_FLOATS = {float}


def _is_finite_number(v: object) -> bool:
    """A real number (not a bool) that a float holds as a finite value."""
    if not is_real(v):
        return False
    try:
        return math.isfinite(v)  # type: ignore[arg-type]
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
