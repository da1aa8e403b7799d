"""The errors vnsumm reports to its users in one line."""

from __future__ import annotations


class ConfigError(ValueError):
    """A usage, configuration or output problem: the CLI reports it in one line and exits 2."""


class ModelUnavailable(ConfigError):
    """The weights are not on this machine (or not usable) and cannot be fetched."""
