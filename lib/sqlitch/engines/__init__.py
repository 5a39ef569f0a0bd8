"""Database engines: the deploy workflow (base), the registry, dialects, runners."""
