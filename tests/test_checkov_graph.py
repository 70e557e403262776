"""Reading checkov's graph vertices into the core's model (no checkov needed: vertices are plain dicts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vpce_checks.checkov_adapter.graph import configurations
from vpce_checks.core.model import Configuration
from vpce_checks.core.values import PartialString, ResourceRef, Unknown


def resource(directory: Path, address: str, config: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A resource vertex as checkov builds it: attributes wrapped in one-item lists under config_."""
    block_name = address.split(".", 2)[-1] if address.startswith("module.") else address
    resource_type, name = block_name.split(".", 1)
    return {
        "block_type_": "resource",
        "block_name_": block_name,
        "__address__": address,
        "file_path_": str(directory / "main.tf"),
        "__start_line__": extra.pop("start", 1),
        "__end_line__": extra.pop("end", 1),
        "config_": {resource_type: {name: {**config, "__address__": address}}},
        **extra,
    }


def variable(directory: Path, name: str, default: Any = None, start: int = 1, end: int = 1) -> dict[str, Any]:
    vertex: dict[str, Any] = {
        "block_type_": "variable",
        "block_name_": name,
        "__address__": name,
        "file_path_": str(directory / "variables.tf"),
        "__start_line__": start,
        "__end_line__": end,
    }
    if default is not None:
        vertex["default"] = default
    return vertex


def only(vertices: list[dict[str, Any]]) -> Configuration:
    (config,) = configurations(vertices)
    return config


def attributes(config: Configuration, address: str) -> Any:
    found = config.resource(address)
    assert found is not None, address
    return found.attributes


def test_references_follow_checkovs_quoted_count_indexes_and_splats(tmp_path: Path) -> None:
    config = only(
        [
            resource(tmp_path, "aws_subnet.a[0]", {"availability_zone": ["eu-west-1a"]}),
            resource(tmp_path, "aws_subnet.a[1]", {"availability_zone": ["eu-west-1b"]}),
            resource(
                tmp_path,
                "aws_vpc_endpoint.x",
                {
                    "subnet_ids": ["aws_subnet.a[*].id"],
                    "security_group_ids": [['aws_subnet.a["1"].availability_zone', "${aws_subnet.a[0].id}"]],
                    "vpc_id": ["${aws_vpc.main.id}"],
                },
            ),
        ]
    )
    values = attributes(config, "aws_vpc_endpoint.x")
    assert values["subnet_ids"] == [ResourceRef("aws_subnet.a[0]", "id"), ResourceRef("aws_subnet.a[1]", "id")]
    # A written attribute of the referenced instance is its value; "${x}" alone is x itself.
    assert values["security_group_ids"] == ["eu-west-1b", ResourceRef("aws_subnet.a[0]", "id")]
    # A resource the configuration does not declare is unknown, not a reference to follow.
    assert isinstance(values["vpc_id"], Unknown)


def test_templates_keep_their_known_parts_and_expressions_are_unknown(tmp_path: Path) -> None:
    config = only(
        [
            resource(
                tmp_path,
                "aws_vpc_endpoint.x",
                {
                    "service_name": ["com.amazonaws.${data.aws_region.current.name}.ecr.dkr"],
                    "private_dns_enabled": ["coalesce(var.dns,true)"],
                    "subnet_ids": ["[for s in aws_subnet.a : s.id]"],
                    "vpc_endpoint_type": ["Interface"],
                },
            )
        ]
    )
    values = attributes(config, "aws_vpc_endpoint.x")
    assert isinstance(values["service_name"], PartialString)
    assert values["service_name"].known_suffix == ".ecr.dkr"
    assert isinstance(values["private_dns_enabled"], Unknown)
    assert isinstance(values["subnet_ids"], Unknown)
    assert values["vpc_endpoint_type"] == "Interface"


def test_variable_defaults_keep_the_written_order(tmp_path: Path) -> None:
    (tmp_path / "variables.tf").write_text('variable "services" {\n  default = ["sts", "logs",]\n}\n', encoding="utf-8")
    config = only(
        [
            # checkov sorts list defaults; the file says sts first.
            variable(tmp_path, "services", ["logs", "sts"], start=1, end=3),
            resource(
                tmp_path, "aws_vpc_endpoint.x", {"service_name": ['com.amazonaws.eu-west-1.${var.services["0"]}']}
            ),
        ]
    )
    assert attributes(config, "aws_vpc_endpoint.x")["service_name"] == "com.amazonaws.eu-west-1.sts"


def test_inputs_without_a_value_are_unknown_even_when_checkov_rendered_them(tmp_path: Path) -> None:
    breadcrumbs = {"subnet_ids": [{"type": "variable", "name": "subnets", "path": str(tmp_path / "variables.tf")}]}
    vertices = [
        variable(tmp_path, "subnets"),
        variable(tmp_path, "region", "eu-west-1"),
        resource(tmp_path, "aws_vpc_endpoint.x", {"subnet_ids": [[]]}, rendering_breadcrumbs_=breadcrumbs),
    ]
    value = attributes(only(vertices), "aws_vpc_endpoint.x")["subnet_ids"]
    assert isinstance(value, Unknown) and value.origin == "var.subnets"


def test_tfvars_files_make_defaults_unreliable(tmp_path: Path) -> None:
    (tmp_path / "terraform.tfvars").write_text('region = "us-east-1"\n', encoding="utf-8")
    vertices = [
        variable(tmp_path, "region", "eu-west-1"),
        resource(tmp_path, "aws_subnet.a", {"availability_zone": ['var.region["0"]']}),
    ]
    assert isinstance(attributes(only(vertices), "aws_subnet.a")["availability_zone"], Unknown)


def test_nested_blocks_and_maps(tmp_path: Path) -> None:
    config = only(
        [
            resource(
                tmp_path,
                "aws_route_table.private",
                {
                    "route": [{"cidr_block": ["0.0.0.0/0"], "nat_gateway_id": ["aws_nat_gateway.a.id"]}],
                    "tags": [{"Name": "private"}],
                },
            ),
            resource(tmp_path, "aws_nat_gateway.a", {}),
        ]
    )
    values = attributes(config, "aws_route_table.private")
    assert values["route"] == [{"cidr_block": "0.0.0.0/0", "nat_gateway_id": ResourceRef("aws_nat_gateway.a", "id")}]
    assert values["tags"] == {"Name": "private"}


def test_module_resources_reference_within_their_module(tmp_path: Path) -> None:
    module = {"path": str(tmp_path / "main.tf"), "name": "net", "nested_tf_module": None}
    config = only(
        [
            resource(tmp_path, "module.net.aws_subnet.a", {}, source_module_object_=module),
            resource(
                tmp_path,
                "module.net.aws_vpc_endpoint.x",
                {"subnet_ids": [["aws_subnet.a.id"]]},
                source_module_object_=module,
            ),
        ]
    )
    endpoint = config.resource("module.net.aws_vpc_endpoint.x")
    assert endpoint is not None and endpoint.module == "module.net"
    assert endpoint.attributes["subnet_ids"] == [ResourceRef("module.net.aws_subnet.a", "id")]


def test_each_root_directory_is_its_own_configuration(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    found = configurations([resource(tmp_path / "a", "aws_vpc.main", {}), resource(tmp_path / "b", "aws_vpc.main", {})])
    assert [Path(config.directory).name for config in found] == ["a", "b"]
    assert all(len(config.resources) == 1 for config in found)


def test_unexpanded_count_may_not_exist_and_skip_comments_are_read(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_vpc_endpoint" "x" {\n  # vpce-checks:skip=VPCE006:uses the endpoint name\n}\n',
        encoding="utf-8",
    )
    config = only([resource(tmp_path, "aws_vpc_endpoint.x", {"count": ["var.on ? 1 : 0"]}, start=1, end=3)])
    endpoint = config.resource("aws_vpc_endpoint.x")
    assert endpoint is not None and not endpoint.certain
    assert [(item.rule, item.reason, item.line) for item in endpoint.suppressions] == [
        ("VPCE006", "uses the endpoint name", 2)
    ]


def test_module_inputs_rendered_by_checkov_name_the_callers_resources(tmp_path: Path) -> None:
    """checkov passes its TFModule object, and renders `var.subnet_ids` as the caller wrote it."""

    class TFModule:  # the attributes checkov's own class has
        path = str(tmp_path / "main.tf")
        name = "endpoints"
        nested_tf_module = None

    (tmp_path / "modules").mkdir()
    endpoint = resource(
        tmp_path / "modules",
        'module.endpoints.aws_vpc_endpoint.this["ssm"]',
        {"subnet_ids": [["${aws_subnet.a.id}"]]},
        source_module_object_=TFModule(),
    )
    config = only([resource(tmp_path, "aws_subnet.a", {"availability_zone": ["eu-west-1a"]}), endpoint])
    assert config.directory == str(tmp_path)
    values = attributes(config, 'module.endpoints.aws_vpc_endpoint.this["ssm"]')
    assert values["subnet_ids"] == [ResourceRef("aws_subnet.a", "id")]


def module_call(directory: Path, name: str, config: dict[str, Any], resolved: list[str]) -> dict[str, Any]:
    """A module vertex; ``__resolved__`` lists the files checkov read for it (empty: not read)."""
    return {
        "block_type_": "module",
        "block_name_": name,
        "__address__": name,
        "file_path_": str(directory / "main.tf"),
        "__start_line__": 1,
        "__end_line__": 5,
        "config_": {name: {**config, "__resolved__": resolved, "__address__": name}},
    }


def test_count_left_by_checkov_decides_existence(tmp_path: Path) -> None:
    config = only(
        [
            resource(tmp_path, "aws_vpc_endpoint.off", {"count": [0]}),
            resource(tmp_path, "aws_vpc_endpoint.on", {"count": [1]}),
            resource(tmp_path, "aws_vpc_endpoint.maybe", {"count": ["var.on ? 1 : 0"]}),
        ]
    )
    assert config.resource("aws_vpc_endpoint.off") is None
    assert [(r.address, r.certain) for r in config.resources] == [
        ("aws_vpc_endpoint.on", True),
        ("aws_vpc_endpoint.maybe", False),
    ]


def test_module_calls_checkov_could_not_expand_or_read(tmp_path: Path) -> None:
    module = {"path": str(tmp_path / "main.tf"), "name": "sandbox", "nested_tf_module": None}
    config = only(
        [
            module_call(tmp_path, "sandbox", {"count": ["var.on ? 1 : 0"], "source": ["./net"]}, ["net/main.tf"]),
            resource(tmp_path, "module.sandbox.aws_vpc_endpoint.s3", {}, source_module_object_=module),
            module_call(
                tmp_path, "shared", {"source": ["git::https://example.com/x.git"], "rt": ["aws_route_table.a.id"]}, []
            ),
            resource(tmp_path, "aws_route_table.a", {}),
        ]
    )
    sandbox = config.resource("module.sandbox.aws_vpc_endpoint.s3")
    assert sandbox is not None and not sandbox.certain
    assert not config.complete and config.escaped == {"aws_route_table.a"}


def test_the_community_module_is_modelled_when_checkov_cannot_download_it(tmp_path: Path) -> None:
    endpoints = [{"s3": {"service": "s3"}, "logs": {"service": "logs", "create": False}}]
    source = ["terraform-aws-modules/vpc/aws//modules/vpc-endpoints"]
    config = only([module_call(tmp_path, "vpce", {"source": source, "endpoints": endpoints}, [])])
    assert config.complete
    assert [(r.address, r.get("vpc_endpoint_type")) for r in config.resources] == [
        ('module.vpce.aws_vpc_endpoint.this["s3"]', "Interface")
    ]


def test_legacy_lists_are_flattened(tmp_path: Path) -> None:
    config = only(
        [
            resource(tmp_path, "aws_vpc_endpoint.a", {"subnet_ids": [[[["subnet-1", "subnet-2"]]]]}),
            resource(tmp_path, "aws_vpc_endpoint.b", {"subnet_ids": [[["['subnet-1', 'subnet-2']"]]]}),
        ]
    )
    assert attributes(config, "aws_vpc_endpoint.a")["subnet_ids"] == ["subnet-1", "subnet-2"]
    assert attributes(config, "aws_vpc_endpoint.b")["subnet_ids"] == ["subnet-1", "subnet-2"]
