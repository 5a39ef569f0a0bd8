"""Transitional alias: the App moved to sqlitch.app (services use it too)."""

from sqlitch.app import App, CoreOptions

__all__ = ["App", "CoreOptions"]
