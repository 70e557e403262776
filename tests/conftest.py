import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).parent))

# More examples in CI, a quick run on a laptop; each property test sets its own budget relative to these.
settings.register_profile("ci", max_examples=1000, deadline=None)
settings.register_profile("dev", max_examples=300, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")


@pytest.fixture(autouse=True)
def _private_cache_directory(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never let a test read or write the user's real parse cache."""
    monkeypatch.setenv("VPCE_CHECKS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "parse-cache"))
