"""Kept so that ``from nn import rnn_tasks`` still works: the tasks live in `nn.demos.rnn_tasks`."""

from nn.demos.rnn_tasks import *  # noqa: F403
from nn.demos.rnn_tasks import __all__ as __all__
