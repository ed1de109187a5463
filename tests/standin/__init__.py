"""A MongoDB wire-protocol stand-in for the real test tier (MongoDB itself cannot be installed here)."""

from tests.standin.server import Engine, StandInServer, running_standin, start_standin

__all__ = ["Engine", "StandInServer", "running_standin", "start_standin"]
