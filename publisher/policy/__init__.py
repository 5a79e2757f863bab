"""Recommended policies: one intermediate model per server and preset, compiled to every format people use.

`model.build_server_policy` turns classifications into a `ServerPolicy`; one module per output format
compiles it (`gateway_json`, `intercept_yaml`, `claude_code`, `disabled_tools`, `cedar`); `validate` checks
every output against its format's own rules; `writer.write_all_policies` writes the catalog's files.
"""
