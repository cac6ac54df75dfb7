"""Errors raised for user mistakes (bad configuration, bad input files)."""

from __future__ import annotations

__all__ = ["ExecutorError", "ScenarioError", "Terminated"]


class ScenarioError(ValueError):
    """A configuration or input value is not allowed.

    The message is one line that names the key, the value and what is allowed,
    e.g. ``governance.share_level = 1.5: must be a number in [0, 1]``.
    """

    def __init__(self, key: str, value: object, allowed: str) -> None:
        self.key = key
        self.value = value
        self.allowed = allowed
        super().__init__(f"{key} = {value!r}: {allowed}")


class ExecutorError(RuntimeError):
    """An executor cannot go on (no workers left, scheduler lost, cannot connect): one line."""


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived; raised in the main thread so that a run stops as on Ctrl-C."""


def raise_terminated(signum: int, frame: object) -> None:
    """A SIGTERM handler that raises :class:`Terminated`."""
    raise Terminated()
