"""The static site: a page per tool and per server, browse pages, search, feeds and a JSON API mirror.

`builder.build_site` is the entry point. Data is loaded once from the catalog into plain dicts
(`loader`), turned into page contexts by pure functions (`pages`, `prose`, `params`, `related`), and
rendered by jinja2 with autoescaping; `writer` rewrites only the files whose content changed.
"""
