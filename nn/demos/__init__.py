"""What `chainrule demo NAME` runs, kept apart from the library: the demos, their command line,
the recurrent-net tasks and the toy corpus they learn.

- `registry`: `DemoOptions`, `DemoResult`, the `demo` decorator and the MLP demos;
- `rnn`, `rnn_tasks`, `text`: the recurrent demo, its training loops and its grammar;
- `gpt`: a small GPT learning first names;
- `progress`: the progress bar their training loops report to;
- `cli`: the ``chainrule`` command.
"""

from nn.demos import gpt, rnn  # noqa: F401  (imported for their effect: they register demos)
from nn.demos.registry import DEMOS, Demo, DemoOptions, DemoResult, demo

__all__ = ["DEMOS", "Demo", "DemoOptions", "DemoResult", "demo"]
