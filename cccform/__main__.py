"""`python -m cccform`."""

from cccform.cli.entry import run

run()
