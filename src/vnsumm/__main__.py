"""`python -m vnsumm` is the `vnsumm` command."""

from vnsumm.cli import main

main()
