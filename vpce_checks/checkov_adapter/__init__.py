"""The checkov front end: the analyzer itself, run inside ``checkov --external-checks-dir``.

Inside checkov the adapter reads the Terraform files with the analyzer's own loader and evaluator
(:mod:`.analysis`), parsing them with python-hcl2 8's grammar rebuilt on checkov's lark
(:mod:`.parser`), and takes from checkov's graph only what checkov scanned and where each block is
(:mod:`.vertices`). :mod:`.checks` is the only module that imports checkov. Nothing here imports
python-hcl2: checkov's environment holds its own fork under the same name.
"""

from __future__ import annotations

from vpce_checks.core.registry import Rule, all_rules

FLOOR = (3, 3, 21)
"""The oldest checkov release on which the checks give exactly the pinned release's results.

Bisected over PyPI releases (see the README, "Inside checkov"); below it every check fails, saying so.
"""

UNREADABLE_RULE = "VPCE000"
"""The rule for input the loader cannot read: in checkov it fails on the resources of such input."""


def checkov_rules() -> list[Rule]:
    """The rules that judge resources, each a checkov check of its own: all but :data:`UNREADABLE_RULE`."""
    return [rule for rule in all_rules() if rule.id != UNREADABLE_RULE]


def version_tuple(text: str) -> tuple[int, ...]:
    """``3.2.250`` as ``(3, 2, 250)``; a part that is not a number ends the tuple."""
    parts = []
    for part in text.split("."):
        if not part.isdigit():
            break
        parts.append(int(part))
    return tuple(parts)


def needs(found: str) -> str:
    """The message of a refusal: which checkov the checks need, and which one they found."""
    return f"vpce-checks needs checkov >= {'.'.join(map(str, FLOOR))} (found {found})"
