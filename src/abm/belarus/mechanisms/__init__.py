"""Cross-actor mechanisms as small pure functions: combat, coordination, economy."""
