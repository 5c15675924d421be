"""Hypothesis profiles for the parsers' property tests.

CI runs the "ci" profile (the default): at least 1,000 examples per property. To run
100,000 examples each on your machine (minutes, not seconds):

    HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest tests/properties -p no:randomly
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile(
    "ci", max_examples=1_000, deadline=None, suppress_health_check=_QUIET, print_blob=True
)
settings.register_profile(
    "thorough", max_examples=100_000, deadline=None, suppress_health_check=_QUIET
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
