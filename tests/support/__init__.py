"""Shared helpers for the test suite (golden fixtures, database servers)."""
