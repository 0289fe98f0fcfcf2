"""The browser drivers and drawing helpers that the tests and the evaluation both use (never a report)."""
