"""Module calls: inputs, outputs, addresses, sources, guards, and the community module model."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from helpers import NETWORK as SHARED_NETWORK
from helpers import pairs

from vpce_checks.cli import main
from vpce_checks.core.community_modules import find_model
from vpce_checks.core.engine import analyze
from vpce_checks.core.model import Configuration
from vpce_checks.core.registry import all_rules
from vpce_checks.core.values import PartialString
from vpce_checks.loader.module import load_directory
from vpce_checks.scan import scan_paths

NETWORK = (
    """
provider "aws" {
  region = "us-east-1"
}
"""
    + SHARED_NETWORK
)


GATEWAY_MODULE = """
variable "vpc_id" {}
variable "route_table_ids" {
  default = []
}
resource "aws_vpc_endpoint" "s3" {
  # vpce-checks:skip=VPCE001:route tables are attached by the platform team
  vpc_id            = var.vpc_id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = var.route_table_ids
}
output "id" {
  value = aws_vpc_endpoint.s3.id
}
"""

# The vpc-endpoints module's behaviour written out as Terraform, in this project's own words, so
# that the built-in model can be compared with reading real module files on the same inputs.
VPC_ENDPOINTS_EQUIVALENT = """
variable "create" {
  default = true
}
variable "vpc_id" {
  default = null
}
variable "endpoints" {
  default = {}
}
variable "security_group_ids" {
  default = []
}
variable "subnet_ids" {
  default = []
}
locals {
  wanted = { for name, spec in var.endpoints : name => spec if var.create && try(spec.create, true) }
}
data "aws_vpc_endpoint_service" "found" {
  for_each     = local.wanted
  service      = try(each.value.service, null)
  service_name = try(each.value.service_name, null)
}
resource "aws_vpc_endpoint" "this" {
  for_each          = local.wanted
  vpc_id            = var.vpc_id
  service_name      = try(each.value.service_endpoint, data.aws_vpc_endpoint_service.found[each.key].service_name)
  vpc_endpoint_type = try(each.value.service_type, "Interface")
  security_group_ids = (try(each.value.service_type, "Interface") == "Interface"
    ? distinct(concat(var.security_group_ids, try(each.value.security_group_ids, []))) : null)
  subnet_ids = (try(each.value.service_type, "Interface") == "Interface"
    ? distinct(concat(var.subnet_ids, try(each.value.subnet_ids, []))) : null)
  route_table_ids = (try(each.value.service_type, "Interface") == "Gateway"
    ? try(each.value.route_table_ids, null) : null)
  private_dns_enabled = (try(each.value.service_type, "Interface") == "Interface"
    ? try(each.value.private_dns_enabled, null) : null)
}
output "endpoints" {
  value = aws_vpc_endpoint.this
}
"""


def write(root: Path, files: dict[str, str]) -> Path:
    """Write files (paths relative to root) and return root."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def load(root: Path) -> Configuration:
    return load_directory(str(root), "root")


def test_inputs_outputs_and_addresses_cross_the_module_boundary(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "root/main.tf": NETWORK
            + """
            module "gw" {
              count  = 2
              source = "../modules/gw"
              vpc_id = aws_vpc.main.id
              route_table_ids = count.index == 0 ? [aws_route_table.private.id] : []
            }
            resource "aws_vpc_endpoint_route_table_association" "extra" {
              vpc_endpoint_id = module.gw[1].id
              route_table_id  = aws_route_table.private.id
            }
            """,
            "modules/gw/main.tf": GATEWAY_MODULE,
        },
    )
    config = load(tmp_path / "root")
    first = config.resource("module.gw[0].aws_vpc_endpoint.s3")
    second = config.resource("module.gw[1].aws_vpc_endpoint.s3")
    assert first is not None and second is not None
    assert first.module == "module.gw[0]" and first.location.file == "modules/gw/main.tf"
    assert str(first.get("vpc_id")) == "aws_vpc.main.id"
    assert [str(item) for item in first.get("route_table_ids")] == ["aws_route_table.private.id"]
    association = config.resource("aws_vpc_endpoint_route_table_association.extra")
    assert association is not None and str(association.get("vpc_endpoint_id")) == "module.gw[1].aws_vpc_endpoint.s3.id"
    assert first.suppressions and first.suppressions[0].rule == "VPCE001"
    assert pairs(analyze(config)) == set()  # the second endpoint's table comes from the association


def test_a_module_with_unknown_count_makes_maybe_resources(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "root/main.tf": NETWORK
            + """
            variable "enabled" {}
            module "gw" {
              count  = var.enabled ? 1 : 0
              source = "../modules/gw"
              vpc_id = aws_vpc.main.id
            }
            """,
            "modules/gw/main.tf": GATEWAY_MODULE.replace("# vpce-checks:skip", "# no skip"),
        },
    )
    config = load(tmp_path / "root")
    endpoint = config.resource("module.gw[*].aws_vpc_endpoint.s3")
    assert endpoint is not None and endpoint.certain is False
    assert analyze(config) == []


def test_an_input_without_caller_value_or_default_is_unknown_and_silent(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "root/main.tf": 'variable "rts" {}\nmodule "gw" {\n  source = "../gw"\n  route_table_ids = var.rts\n}\n',
            "gw/main.tf": GATEWAY_MODULE.replace("# vpce-checks:skip", "# no skip"),
        },
    )
    config = load(tmp_path / "root")
    endpoint = config.resource("module.gw.aws_vpc_endpoint.s3")
    assert endpoint is not None and not isinstance(endpoint.get("route_table_ids"), list)
    assert analyze(config) == []


def test_a_module_calling_itself_is_skipped_with_a_note(tmp_path: Path) -> None:
    write(tmp_path, {"loop/main.tf": 'module "again" {\n  source = "./"\n}\n', "loop/a.tf": GATEWAY_MODULE})
    config = load(tmp_path / "loop")
    assert [note.message for note in config.notes] == [
        "module.again: the module calls itself (directly or through other modules); its resources are not analysed"
    ]
    assert config.complete is False


def test_module_expansion_is_capped(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "root/main.tf": """
            module "many" {
              source   = "../m"
              for_each = toset([for i in range(600) : tostring(i)])
            }
            """,
            "m/main.tf": 'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n',
        },
    )
    config = load(tmp_path / "root")
    assert config.resources == [] and "more than 500 module instances" in config.notes[0].message


def test_nested_downloaded_modules_are_found_by_their_manifest_key(tmp_path: Path) -> None:
    manifest = {
        "Modules": [
            {"Key": "", "Source": "", "Dir": "."},
            {"Key": "vpc", "Source": "acme/vpc/aws", "Dir": ".terraform/modules/vpc"},
            {"Key": "vpc.endpoints", "Source": "acme/endpoints/aws", "Dir": ".terraform/modules/vpc.endpoints"},
        ]
    }
    write(
        tmp_path,
        {
            "main.tf": 'module "vpc" {\n  source = "acme/vpc/aws"\n}\n',
            ".terraform/modules/modules.json": json.dumps(manifest),
            ".terraform/modules/vpc/main.tf": 'module "endpoints" {\n  source = "acme/endpoints/aws"\n}\n',
            ".terraform/modules/vpc.endpoints/main.tf": GATEWAY_MODULE.replace("# vpce-checks:skip", "# no"),
        },
    )
    config = load(tmp_path)
    endpoint = config.resource("module.vpc.module.endpoints.aws_vpc_endpoint.s3")
    assert endpoint is not None and endpoint.location.file == "root/.terraform/modules/vpc.endpoints/main.tf"
    assert config.notes == []


def test_an_unreadable_module_makes_absences_unreliable_and_hides_attachments(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": NETWORK
            + """
            module "remote" {
              source = "git::https://example.com/x.git"
              endpoint = aws_vpc_endpoint.s3.id
            }
            resource "aws_vpc_endpoint" "s3" {
              vpc_id       = aws_vpc.main.id
              service_name = "com.amazonaws.us-east-1.s3"
            }
            resource "aws_vpc_endpoint" "ecr_dkr" {
              vpc_id              = aws_vpc.main.id
              service_name        = "com.amazonaws.us-east-1.ecr.dkr"
              vpc_endpoint_type   = "Interface"
              subnet_ids          = [aws_subnet.a.id, aws_subnet.b.id]
              security_group_ids  = [aws_security_group.endpoints.id]
              private_dns_enabled = true
            }
            """
        },
    )
    config = load(tmp_path)
    assert config.escaped == {"aws_vpc_endpoint.s3"} and not config.complete
    assert pairs(analyze(config)) == set()
    (tmp_path / "main.tf").write_text(
        (tmp_path / "main.tf").read_text().replace("git::https://example.com/x.git", "./gone")
    )
    assert "does not exist" in load(tmp_path).notes[0].message


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("terraform-aws-modules/vpc/aws//modules/vpc-endpoints", True),
        ("registry.terraform.io/terraform-aws-modules/vpc/aws//modules/vpc-endpoints", True),
        ("git::https://github.com/terraform-aws-modules/terraform-aws-vpc.git//modules/vpc-endpoints?ref=v5.8.1", True),
        ("github.com/terraform-aws-modules/terraform-aws-vpc//modules/vpc-endpoints", True),
        ("git@github.com:terraform-aws-modules/terraform-aws-vpc.git//modules/vpc-endpoints", True),
        ("terraform-aws-modules/vpc/aws", False),
        ("acme/vpc/aws//modules/vpc-endpoints", False),
    ],
)
def test_the_community_module_is_recognised_by_its_sources(source: str, expected: bool) -> None:
    found = find_model(source)
    assert (found is not None and found[0].name == "terraform-aws-modules/vpc/aws//modules/vpc-endpoints") is expected


ENDPOINT_INPUTS = [
    # S3 left to the Interface default without subnets; ECR without an S3 Gateway endpoint.
    """
    vpc_id = aws_vpc.main.id
    security_group_ids = [aws_security_group.endpoints.id]
    endpoints = {
      s3 = { service = "s3" }
      ecr_api = { service = "ecr.api", subnet_ids = [aws_subnet.a.id, aws_subnet.b.id], private_dns_enabled = true }
      ecr_dkr = { service = "ecr.dkr", subnet_ids = [aws_subnet.a.id] }
    }
    """,
    # Module-wide subnets, a Gateway endpoint without route tables, one entry switched off.
    """
    vpc_id = aws_vpc.main.id
    subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
    endpoints = {
      dynamodb = { service = "dynamodb", service_type = "Gateway" }
      ssm = { service = "ssm", private_dns_enabled = true }
      ssmmessages = { service = "ssmmessages", private_dns_enabled = true, create = false }
      kms = { service_endpoint = "com.amazonaws.us-east-1.kms", private_dns_enabled = true }
    }
    """,
    # Nothing created at all.
    """
    create = false
    vpc_id = aws_vpc.main.id
    endpoints = { sts = { service = "sts" } }
    """,
]


@pytest.mark.parametrize("inputs", ENDPOINT_INPUTS)
def test_the_community_module_model_matches_reading_equivalent_files(tmp_path: Path, inputs: str) -> None:
    def findings(source: str) -> set[tuple[str, str, bool]]:
        root = tmp_path / source.strip("./").replace("/", "_")
        write(root, {"main.tf": NETWORK + f'module "endpoints" {{\n  source = "{source}"\n{inputs}\n}}\n'})
        write(root, {"vpc-endpoints/main.tf": VPC_ENDPOINTS_EQUIVALENT})
        config = load(root)
        assert config.notes == []
        return {(f.rule_id, f.address, f.suppressed) for f in analyze(config)}

    modelled = findings("terraform-aws-modules/vpc/aws//modules/vpc-endpoints")
    assert modelled == findings("./vpc-endpoints")
    if "create = false" not in inputs:
        assert modelled, "each input set should raise something"


def test_endpoint_service_data_source_uses_the_provider_region_or_keeps_the_service(tmp_path: Path) -> None:
    text = """
    data "aws_vpc_endpoint_service" "ssm" {
      service = "ssm"
    }
    data "aws_vpc_endpoint_service" "named" {
      service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123"
    }
    resource "aws_vpc_endpoint" "ssm" {
      service_name = data.aws_vpc_endpoint_service.ssm.service_name
    }
    resource "aws_vpc_endpoint" "named" {
      service_name = data.aws_vpc_endpoint_service.named.service_name
    }
    resource "aws_vpc_endpoint" "region" {
      service_name = replace("com.amazonaws.REGION.s3", "REGION", var.region)
    }
    variable "region" {}
    """
    write(tmp_path, {"main.tf": text})
    config = load(tmp_path)
    assert str(config.resource("aws_vpc_endpoint.ssm").get("service_name")) == "com.amazonaws.${provider region}.ssm"  # type: ignore[union-attr]
    assert config.resource("aws_vpc_endpoint.named").get("service_name") == "com.amazonaws.vpce.us-east-1.vpce-svc-0123"  # type: ignore[union-attr]
    partial = config.resource("aws_vpc_endpoint.region").get("service_name")  # type: ignore[union-attr]
    assert isinstance(partial, PartialString) and partial.known_suffix == ".s3"
    write(tmp_path, {"provider.tf": 'provider "aws" {\n  region = "eu-west-3"\n}\n'})
    assert load(tmp_path).resource("aws_vpc_endpoint.ssm").get("service_name") == "com.amazonaws.eu-west-3.ssm"  # type: ignore[union-attr]


def test_a_directory_used_as_a_module_is_scanned_only_through_its_caller(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "live/main.tf": 'module "gw" {\n  source = "../modules/gw"\n  vpc_id = "vpc-1"\n}\n',
            "modules/gw/main.tf": GATEWAY_MODULE.replace("# vpce-checks:skip", "# no"),
        },
    )
    result = scan_paths([str(tmp_path)], all_rules())
    assert result.modules == 1
    assert {(f.rule_id, f.address) for f in result.findings} == {("VPCE001", "module.gw.aws_vpc_endpoint.s3")}


def test_the_command_line_prints_notes_on_standard_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"main.tf": 'module "vpc" {\n  source = "cloudposse/vpc/aws"\n}\n'})
    code = main([str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 0
    assert "note:" in captured.err and "main.tf:1: module.vpc: source 'cloudposse/vpc/aws'" in captured.err


def test_a_rule_failing_on_one_configuration_does_not_stop_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import vpce_checks.scan as scan

    write(tmp_path, {"a/main.tf": GATEWAY_MODULE, "b/main.tf": GATEWAY_MODULE.replace("# vpce-checks:skip", "# no")})
    real = scan.analyze

    def failing(config: Configuration, rules: object = None) -> object:
        if config.directory.endswith("a") and config.resources:
            raise ValueError("boom")
        return real(config, rules)  # type: ignore[arg-type]

    monkeypatch.setattr(scan, "analyze", failing)
    findings = scan_paths([str(tmp_path)], all_rules()).findings
    assert {(f.rule_id, Path(f.file).name) for f in findings} == {("VPCE000", "a"), ("VPCE001", "main.tf")}
    assert "internal error" in next(f.message for f in findings if f.rule_id == "VPCE000")
