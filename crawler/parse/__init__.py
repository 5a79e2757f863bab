"""Pure parsers for curated lists and registry dumps: text or decoded JSON/YAML in, records out, no I/O."""
