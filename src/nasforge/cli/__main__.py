"""``python -m nasforge.cli``."""

from nasforge.cli import main

main()
