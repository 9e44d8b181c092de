"""Entry point of ``python -m geo``."""

import sys

from geo.cli import main

if __name__ == "__main__":  # not again in the worker processes that spawn this module
    sys.exit(main())
