"""Fixtures of the assessment tests: uploads go to a temporary MEDIA_ROOT, never into the repository."""

import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test stores files under its own temporary directory (Django's storage follows the setting)."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root
