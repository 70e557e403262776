"""The plan front end: the JSON of a Terraform or OpenTofu plan read into the rule core's model.

``terraform show -json tfplan`` holds what reading the files can only guess: every variable's
value, every module expanded (registry and git modules included), every ``count`` and
``for_each`` resolved. This package turns it into the same :class:`~vpce_checks.core.model.Configuration`
the HCL loader builds, for the same rules, in phases: :mod:`.document` reads the file once and
tells a plan from what is not one, :mod:`.configuration` follows the references of the plan's
``configuration``, :mod:`.attributes` rebuilds each attribute, :mod:`.sources` finds the blocks in
the Terraform files beside the plan, :mod:`.build` assembles the model. Like the rule core it
imports only the standard library (and the loader's stdlib-only block scanner), so that the
checkov front end can run it inside checkov's environment: :func:`load_plan` takes a path.
"""

from vpce_checks.plan.build import load_plan
from vpce_checks.plan.document import sniff

__all__ = ["load_plan", "sniff"]
