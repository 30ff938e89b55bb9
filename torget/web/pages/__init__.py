"""The HTML pages: one router module per domain noun, thin over the domain library.

Public pages (home, search, dataset, data service, organisation, about, accessibility) read
without JavaScript; publisher pages (log-in, dashboard, forms) are under `/publish`. Dataset and
data-service pages are served by `dcat_routes` at the records' own URLs when a browser asks.
"""
