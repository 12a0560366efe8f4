"""The differential suite: kb check against a plain MkDocs 1.6 build, which is the oracle.

Every test here carries the `differential` marker; run only them with
`.venv/bin/python -m pytest tests/differential -m differential`. To check a kb other than the installed
one (say a snapshot of HEAD), put its `scripts` folder first on PYTHONPATH: kb runs as
`python -m kb.cli` in a subprocess that inherits the environment.

Hypothesis settings: profile "differential" (the default here) runs few examples without shrinking,
which keeps the suite under 90 s on 2 cores; KB_DIFF_PROFILE=thorough runs 60 examples per configuration
and shrinks failures to a minimal site; KB_DIFF_PROFILE=ci draws the same examples on every run. Failing
examples are kept in tests/artifacts/hypothesis (git-ignored) and tried first on the next run.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings
from hypothesis.database import DirectoryBasedExampleDatabase

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "differential"

_DATABASE = DirectoryBasedExampleDatabase(str(REPO / "tests" / "artifacts" / "hypothesis"))
_COMMON = {
    "deadline": None,
    "database": _DATABASE,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
}
settings.register_profile(
    "differential",
    max_examples=5,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    **_COMMON,  # type: ignore[arg-type]
)
settings.register_profile("thorough", max_examples=60, **_COMMON)  # type: ignore[arg-type]
settings.register_profile(  # the same examples on every run
    "ci",
    max_examples=5,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=_COMMON["suppress_health_check"],
)
PROFILE = settings.get_profile(os.environ.get("KB_DIFF_PROFILE", "differential"))
