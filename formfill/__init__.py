"""formfill: fill agency forms from one canonical client profile, and prove every fill."""

__version__ = "0.1.0"
