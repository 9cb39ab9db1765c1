"""``python -m revsgd`` runs the command line."""

from revsgd.cli import main

raise SystemExit(main())
