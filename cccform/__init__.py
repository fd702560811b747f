"""cccform: declarative infrastructure as code for Alibaba Cloud Contact Center."""

__version__ = "0.1.0"
