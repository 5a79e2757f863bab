"""Sources of MCP servers, one module each, registered by name (see ``crawler.sources.registry``)."""
