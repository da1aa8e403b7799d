"""The errors vnsumm reports to its users in one line."""

from __future__ import annotations


class ConfigError(ValueError):
    """A usage, configuration or output problem: the CLI reports it in one line and exits 2."""


class RunFailed(RuntimeError):
    """The run could not go on for a reason outside its inputs (a worker process killed, out of memory): the CLI
    reports it in one line and exits 2; the records finished before it stay in the store."""


class ModelUnavailable(ConfigError):
    """The weights are not on this machine (or not usable) and cannot be fetched."""
