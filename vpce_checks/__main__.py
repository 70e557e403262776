"""``python -m vpce_checks``: the same as the ``vpce-checks`` command."""

import sys

from vpce_checks.cli import main

sys.exit(main())
