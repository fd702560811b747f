"""What the user wrote: strict models and the YAML loader."""
