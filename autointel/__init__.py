"""autointel: Chinese auto-industry news into an evidence-backed knowledge base."""

__version__ = "0.1.0"
