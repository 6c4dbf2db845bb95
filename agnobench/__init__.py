"""agnobench: benchmark and profiling toolkit for the Agno agent framework."""

__version__ = "0.1.0"
