"""retold: find where a news story is told again."""

__version__ = "0.1.0"
