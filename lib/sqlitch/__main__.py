"""Allow ``python -m sqlitch``."""

from sqlitch.cli.main import main

if __name__ == "__main__":  # pragma: no cover
    main()
