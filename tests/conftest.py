import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).parent))

# More examples in CI (CI=true), a quicker run on a laptop: 4 property tests, about 1,800 runs by default.
settings.register_profile("ci", max_examples=2500, deadline=None)
settings.register_profile("dev", max_examples=450, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")


@pytest.fixture(autouse=True)
def _private_cache_directory(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never let a test read or write the user's real result cache."""
    monkeypatch.setenv("VPCE_CHECKS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "result-cache"))


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Colour and progress depend on these; a test that wants them sets them itself."""
    for name in ("FORCE_COLOR", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
