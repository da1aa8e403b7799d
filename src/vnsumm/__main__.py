"""`python -m vnsumm` is the `vnsumm` command."""

from vnsumm.commands import main

main()
