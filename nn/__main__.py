"""``python -m nn``: the same as the ``chainrule`` command (`nn.demos.cli`)."""

import sys

from nn.demos.cli import main

if __name__ == "__main__":
    sys.exit(main())
