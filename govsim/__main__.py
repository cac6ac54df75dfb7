"""``python -m govsim`` runs the ``govsim`` command."""

from govsim.cli import main

main()
