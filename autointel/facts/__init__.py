"""Numeric facts: numerals, quantities with units, and (later) the facts built on them."""
