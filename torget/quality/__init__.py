"""Quality: the EU portal's metadata quality score (MQA) with hints to win points back
(`mqa.py`, `hints.py`, `report.py`), and the checks of high-value datasets (`hvd.py`)."""
