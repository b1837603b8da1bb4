"""LLP certificates: the Leadership Learning Portal back end."""

__version__ = "0.1.0"
