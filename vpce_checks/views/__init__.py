"""Views beside the rule core: what a VPC's private paths cost, and a picture of them.

They read the model through the core (:mod:`vpce_checks.core.layout`, :mod:`~vpce_checks.core.cost`,
:mod:`~vpce_checks.core.diagram`), never the files again, and turn it into text: Mermaid and
Graphviz for the picture, text, Markdown and JSON for the cost. ``commands`` holds the own
options and the output of ``vpce-checks cost`` and ``vpce-checks diagram`` (the CLI reads and
scans for them as for a scan), ``report`` what a scan's JSON and Markdown reports add.
"""
