"""The built-in Learning Record Store: the xAPI HTTP API (xAPI 1.0.3 / 2.0.0 Part Three)."""
