"""``python -m revsgd.proofs_check [options]``: an alias of ``revsgd verify [options]``.

There is one parser, :func:`revsgd.cli.main`'s; this entry point only puts ``verify`` in
front of the arguments. (Nothing in the library imports this module.)
"""

import sys

from revsgd.cli import main

if __name__ == "__main__":
    sys.exit(main(["verify", *sys.argv[1:]]))
