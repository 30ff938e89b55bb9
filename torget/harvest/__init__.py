"""Harvesting: other catalogues gathered into this one, one transaction per source.

fetch → parse (a source type, `types.py`) → settle against the catalogue's rules → compare with
the last run → apply through `torget.publishing.changes.apply_harvest`; see docs/harvest.md.
"""
