"""abm: an agent-based simulation of Belarus's choice in Russia's war on Ukraine."""

__version__ = "0.1.0"
