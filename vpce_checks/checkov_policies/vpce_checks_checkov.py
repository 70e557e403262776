"""Loaded by ``checkov --external-checks-dir``: registers every vpce-checks rule as a checkov check.

checkov executes this file as a bare module. It finds the ``vpce_checks`` package this directory
belongs to (a clone, or a pip installation) and imports it from there without putting its parent
on ``sys.path``: that directory may also hold python-hcl2, whose ``hcl2`` module would shadow
checkov's own parser. Only the rule core and the checkov adapter are imported; they need nothing
but the standard library and checkov.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def _load_package() -> None:
    if "vpce_checks" in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(
        "vpce_checks", _PACKAGE / "__init__.py", submodule_search_locations=[str(_PACKAGE)]
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"vpce-checks: cannot load the vpce_checks package from {_PACKAGE}")
    package = importlib.util.module_from_spec(spec)
    sys.modules["vpce_checks"] = package
    spec.loader.exec_module(package)


_load_package()

try:
    from vpce_checks.checkov_adapter.checks import register  # noqa: E402 - the package is loaded just above
except Exception as error:  # noqa: BLE001 - a checkov (or environment) the adapter cannot load in
    from vpce_checks.checkov_adapter import needs
    from vpce_checks.checkov_adapter.refusal import checkov_version, refuse

    refuse(f"vpce-checks cannot load in this checkov ({type(error).__name__}: {error}); {needs(checkov_version())}")
else:
    register()
