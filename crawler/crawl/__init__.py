"""The crawl: discovery (sources -> merged servers), a durable work queue, and fetching (artifacts -> tools)."""
