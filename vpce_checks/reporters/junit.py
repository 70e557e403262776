"""The ``junit`` format: JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure...).

One ``<testsuite>`` per rule that ran, in the order given. Each unsuppressed finding is a
``<testcase>`` with a ``<failure>``; each suppressed finding a ``<testcase>`` with ``<skipped>``;
a rule with no finding at all has one passing test case, so a clean run still shows every rule
as checked. A test case is named after the resource address (the file for a finding about a
whole file) and its ``classname`` is the file, so report viewers group findings by file.

The output stays within the Jenkins xunit-plugin ``junit-10.xsd`` schema (the one most JUnit
consumers accept): file and line go into the case's name and failure text, since that schema
has no ``file``/``line`` attributes. No timestamps or times: the output is deterministic.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from typing import Sequence

from vpce_checks.core.findings import Finding
from vpce_checks.core.registry import Rule
from vpce_checks.reporters.run import NO_RUN, Run

SUITES_NAME = "vpce-checks"


def render(findings: Sequence[Finding], rules: Sequence[Rule], baselined: int = 0, run: Run = NO_RUN) -> str:
    """Render ``findings`` (order kept) as a JUnit XML ``<testsuites>`` document ending with a newline.

    ``rules`` are the rules that ran (one suite each); a finding of a rule not among them gets a
    suite of its own after them. ``baselined`` findings are absent, as they are from every format.
    """
    by_rule: dict[str, list[Finding]] = {item.id: [] for item in rules}
    for finding in findings:
        by_rule.setdefault(finding.rule_id, []).append(finding)
    titles = {item.id: f"{item.id} {item.slug}" for item in rules}

    root = ElementTree.Element("testsuites", {"name": SUITES_NAME})
    for rule_id, group in by_rule.items():
        name = titles.get(rule_id) or f"{rule_id} {group[0].slug}"
        root.append(_suite(name, group))
    for key in ("tests", "failures", "errors"):
        root.set(key, str(sum(int(suite.get(key, "0")) for suite in root)))
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"


def _suite(name: str, findings: Sequence[Finding]) -> ElementTree.Element:
    suite = ElementTree.Element("testsuite", {"name": name})
    if not findings:
        ElementTree.SubElement(suite, "testcase", {"name": "no findings", "classname": name})
    for finding in findings:
        suite.append(_case(finding))
    cases = list(suite)
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for case in cases if case.find("failure") is not None)))
    suite.set("errors", "0")
    suite.set("skipped", str(sum(1 for case in cases if case.find("skipped") is not None)))
    return suite


def _case(finding: Finding) -> ElementTree.Element:
    where = f"{finding.file}:{finding.start_line}" if finding.start_line >= 1 else finding.file
    subject = finding.address or finding.file
    case = ElementTree.Element("testcase", {"name": f"{subject} ({where})", "classname": finding.file})
    if finding.suppressed:
        reason = finding.suppression_reason or "suppressed by a skip comment"
        ElementTree.SubElement(case, "skipped", {"message": reason})
    else:
        failure = ElementTree.SubElement(
            case, "failure", {"message": finding.message, "type": f"{finding.severity.value} {finding.rule_id}"}
        )
        details = [f"{where}: {finding.rule_id} {finding.slug} ({finding.severity.value})"]
        if finding.address:
            details.append(f"resource: {finding.address}")
        if finding.vpc:
            details.append(f"vpc: {finding.vpc}")
        details.append(finding.message)
        failure.text = "\n".join(details)
    return case
