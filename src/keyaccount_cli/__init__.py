"""kam — key-account relationship maps, from the command line."""

__version__ = "0.1.0"
