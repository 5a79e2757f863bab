"""Crawler: finds MCP servers in public sources, fetches their artifacts, extracts their tools and stores them."""
