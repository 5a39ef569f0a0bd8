"""Recorded `sqitch upgrade` runs on prepared SQLite registries (see cases.py)."""
