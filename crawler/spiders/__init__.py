"""Spiders: one configurable news spider serves every outlet in sources.yaml."""
