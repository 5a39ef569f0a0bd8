"""Library logic behind the commands; command modules only parse and delegate."""
