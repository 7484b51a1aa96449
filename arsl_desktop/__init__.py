"""ArSL Desktop: real-time word-level Arabic Sign Language recognition."""

__version__ = "0.1.0"
