"""The `vnsumm` program; its commands live in vnsumm.commands, one module per family."""

from vnsumm.commands import app, main

__all__ = ["app", "main"]

if __name__ == "__main__":
    main()
