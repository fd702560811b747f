"""What cccform manages: the state models, the local store and its lock."""
