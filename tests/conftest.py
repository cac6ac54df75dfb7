"""Test-session setup shared by every test module."""

from __future__ import annotations

import signal


def pytest_configure() -> None:
    """Let the subprocesses the tests start take Ctrl-C (SIGINT) as a command would.

    A shell without job control starts a background command (``pytest ... &``, as CI
    wrappers and nohup scripts do) with SIGINT ignored, and an ignored signal stays
    ignored across exec: every ``govsim`` the kill-and-resume tests start would then
    ignore the SIGINT they send and finish normally. A Python handler is not inherited,
    so installing the default one here gives children the default disposition back.
    """
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
