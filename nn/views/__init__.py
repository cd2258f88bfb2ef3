"""Network and training views: models drawn neuron by neuron on autograd.viz's front end.

Usage::

    view = nn.network_view(model, x, target=1, loss="cross_entropy")  # display in Jupyter
    view.save_html("net.html")                                         # or as a page
    history = nn.fit(model, data, snapshot_every=5)                    # weights every 5 steps
    nn.training_view(model, history, data=data)                        # scrub through training

`network_view` steps forward column by column, then backward column by column (each neuron's
dL/d(activation), each weight's dL/dw); click a neuron for its own expression step-through.
Wide layers are drawn as an image (784 inputs: 28x28) or a strip naming 8 units. Looking
changes nothing: no parameter and no ``.grad``.
"""

from nn.views.network import NetworkView, network_view
from nn.views.training import TrainingView, training_view

__all__ = ["NetworkView", "TrainingView", "network_view", "training_view"]
