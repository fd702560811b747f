"""`cccform import`: a configuration directory written from what exists live.

`read.py` reads the account (List calls only), `compose.py` turns what it read into the
files' text (pure), `output.py` checks and writes them.
"""
