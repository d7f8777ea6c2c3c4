"""What the three command lines (motcua-central, motcua-kiosk, motcua-rating) do when their output goes
into a pipe whose reader stops early (`motcua-central export ratings | head`)."""

import os

__all__ = ["PIPE_CLOSED", "stdout_closed"]

PIPE_CLOSED = 141  # the exit status of a shell tool whose reader went away (128 + SIGPIPE)


def stdout_closed() -> int:
    """Stop quietly: no traceback now and none when Python flushes stdout at exit; returns the exit status."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    return PIPE_CLOSED
