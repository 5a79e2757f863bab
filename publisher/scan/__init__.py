"""`mcp-catalog scan`: a risk report for one machine's (or one CI job's) MCP setup.

`targets` turns command-line arguments into subjects, `resolve` finds each subject's tools (catalog, static
extraction, live only when asked), `runner.run_scan` classifies and assembles a `ScanReport`, `combination`
finds the cross-server "lethal trifecta", and one module per output format renders the report.
"""
