"""Open-data maturity of each organisation (issue 14 item 4): levels and criteria
(`levels.py`), the evidence read for the whole catalogue (`evidence.py`), each criterion's value
(`measures.py`), the next steps (`steps.py`) and the organisation's and the comparison's report
(`report.py`). `docs/maturity.md` defines the levels and cites the sources."""
