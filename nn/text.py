"""Kept so that ``from nn.text import ...`` still works: the corpus lives in `nn.demos.text`."""

from nn.demos.text import *  # noqa: F403
from nn.demos.text import __all__ as __all__
