"""Plot classes and helpers that the widgets share."""
