"""SQLitch: Sqitch-compatible database change management."""

__version__ = "0.1.0"
