"""The python-hcl2 front end: reads Terraform directories into the core's model.

This package is the only place that imports ``hcl2``.
"""
