"""Providers: one mapping from cccform resources to CCC operations, over a transport."""
