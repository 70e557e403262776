"""The checkov front end: the same rules, run inside ``checkov --external-checks-dir``.

:mod:`.graph` turns checkov's Terraform graph into the core's model (standard library only, so it can
be tested without checkov); :mod:`.checks` is the only module that imports checkov. Nothing here
imports python-hcl2: checkov's environment holds its own fork under the same name.
"""
