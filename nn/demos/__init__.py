"""What `chainrule demo NAME` runs, kept apart from the library (which it only calls).

- `registry`: `DemoOptions`, `DemoResult`, the `demo` decorator and the MLP demos;
- `rnn`: the recurrent demo (its tasks are `nn.rnn_tasks`, its grammar `nn.text`);
- `gpt`: a small GPT learning first names (`nn.names_gpt`);
- `cli`: the ``chainrule`` command.
"""

from nn.demos import gpt, rnn  # noqa: F401  (imported for their effect: they register demos)
from nn.demos.registry import DEMOS, Demo, DemoOptions, DemoResult, demo

__all__ = ["DEMOS", "Demo", "DemoOptions", "DemoResult", "demo"]
