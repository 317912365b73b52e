"""Log levels that mean what they say: harmless protocol events that pygls logs as warnings are debug messages.

An editor shows the server's standard error as errors (VS Code: `[error]` lines in the output channel), so a warning
there must be something the user should look at. A `$/cancelRequest` for a request the server already answered is
ordinary LSP traffic (the client cancels a completion the user typed past), not a problem.
"""

from __future__ import annotations

import logging

PYGLS_RPC_LOGGER = "pygls.protocol.json_rpc"
_HARMLESS = ("Cancel notification for unknown message id",)


class DemoteHarmlessProtocolEvents(logging.Filter):
    """Re-level pygls' harmless protocol messages to DEBUG; drop them unless debug logging is on."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.DEBUG and isinstance(record.msg, str) and record.msg.startswith(_HARMLESS):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger().isEnabledFor(logging.DEBUG)
        return True


def install() -> None:
    """Attach the filter to pygls' JSON-RPC logger (once)."""
    rpc_logger = logging.getLogger(PYGLS_RPC_LOGGER)
    if not any(isinstance(f, DemoteHarmlessProtocolEvents) for f in rpc_logger.filters):
        rpc_logger.addFilter(DemoteHarmlessProtocolEvents())
