"""Shared helpers: load Terraform written inline in a test into the model, and analyze it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from vpce_checks.core.engine import analyze
from vpce_checks.core.findings import Finding
from vpce_checks.core.model import Configuration
from vpce_checks.loader.module import LoadOptions, load_directory

NETWORK = """
resource "aws_vpc" "main" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}
resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  availability_zone = "us-east-1a"
}
resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.main.id
  availability_zone = "us-east-1b"
}
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}
resource "aws_security_group" "endpoints" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}
"""
"""A VPC with DNS on, two subnets in us-east-1a/b, a route table and a security group open to HTTPS."""


def load_hcl(tmp_path: Path, files: dict[str, str] | str, options: LoadOptions | None = None) -> Configuration:
    """Write the files (or one main.tf) into tmp_path and load that directory."""
    if isinstance(files, str):
        files = {"main.tf": files}
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return load_directory(str(tmp_path), "mod", options)


def findings_of(tmp_path: Path, files: dict[str, str] | str) -> list[Finding]:
    """Every finding on the given Terraform."""
    return analyze(load_hcl(tmp_path, files))


def pairs(findings: list[Finding]) -> set[tuple[str, str]]:
    """(rule ID, address) of each unsuppressed finding."""
    return {(finding.rule_id, finding.address) for finding in findings if not finding.suppressed}


def tree_snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` with its bytes (None for a directory): equal before and after a read-only scan."""
    return {
        str(path.relative_to(root)): (None if path.is_dir() else path.read_bytes())
        for path in sorted(root.rglob("*"))
        if not path.is_symlink()
    }
