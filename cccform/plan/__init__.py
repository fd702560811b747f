"""The difference between configuration and reality: pure, no I/O."""
