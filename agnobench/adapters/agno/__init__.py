"""Agno adapter: an offline mock model and the operations of the built-in scenarios."""
