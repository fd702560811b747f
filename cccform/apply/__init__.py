"""Carrying out a plan: steps, waits, state saved after every completed step."""
