"""The kernel: what every app builds on. It imports no app (tests/test_layers.py holds it to that)."""
