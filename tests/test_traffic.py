"""The traffic file of `vpce-checks cost --traffic`: its format, and errors that name the file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vpce_checks.views.traffic import TrafficError, read_traffic

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = """\
# GB a month
default:
  s3: 800
  ecr.dkr: 150.5
vpcs:
  aws_vpc.main:
    s3: 2500
    sts: 40
  module.net.aws_vpc.this[0]:
"""


def write(tmp_path: Path, text: str, name: str = "traffic.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_default_and_per_vpc_entries_merge_per_service(tmp_path: Path) -> None:
    traffic = read_traffic(write(tmp_path, EXAMPLE))
    assert traffic.default == {"s3": 800.0, "ecr.dkr": 150.5}
    assert traffic.for_vpc("aws_vpc.main") == {"s3": 2500.0, "ecr.dkr": 150.5, "sts": 40.0}
    assert traffic.for_vpc("aws_vpc.other") == {"s3": 800.0, "ecr.dkr": 150.5}
    assert traffic.for_vpc("module.net.aws_vpc.this[0]") == traffic.default
    assert traffic.lines == {"aws_vpc.main": 6, "module.net.aws_vpc.this[0]": 9}


def test_json_traffic_file(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n\t"vpcs": {"aws_vpc.main": {"s3": 1e3}}\n}\n', "traffic.json")
    assert read_traffic(path).for_vpc("aws_vpc.main") == {"s3": 1000.0}


def test_the_documented_example_reads(tmp_path: Path) -> None:
    docs = (ROOT / "docs" / "cost-and-diagrams.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"^```yaml\n(.*?)^```$", docs, flags=re.M | re.S)
    traffic = read_traffic(write(tmp_path, example))
    assert traffic.for_vpc("aws_vpc.main") == {"s3": 2500.0, "ecr.dkr": 150.0, "ssm": 2.0, "sts": 40.0}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "traffic.yaml: the traffic file is empty"),
        ("- s3\n", "traffic.yaml: expected a mapping with `default:` and/or `vpcs:`"),
        ("default:\n  s3: 1\nservices:\n  s3: 2\n", "traffic.yaml:3: services: unknown key 'services'"),
        ("default:\n  s3: lots\n", "traffic.yaml:2: default.s3: expected GB a month (a number, 0 or more), got 'lots'"),
        ("default:\n  s3: -5\n", "traffic.yaml:2: default.s3: expected GB a month (a number, 0 or more), got -5"),
        ("default:\n  s3: true\n", "traffic.yaml:2: default.s3: expected GB a month"),
        ("default:\n  s3: .nan\n", "traffic.yaml:2: default.s3: expected GB a month"),
        ("default: 500\n", "traffic.yaml:1: default: expected a mapping of services to GB a month"),
        ("vpcs:\n  - aws_vpc.main\n", "traffic.yaml:1: vpcs: expected a mapping of VPC addresses"),
        (
            "vpcs:\n  aws_vpc.main:\n    s3: 1\n    sts: [1]\n",
            "traffic.yaml:4: vpcs.aws_vpc.main.sts: expected GB a month",
        ),
        ("default:\n  1: 5\n", "traffic.yaml:1: default: a service must be named"),
        ("default:\nvpcs:\n", "traffic.yaml: the traffic file names no service"),
        ("default:\n  s3: [1\n", "traffic.yaml:3: not valid YAML"),
    ],
)
def test_errors_name_the_file_line_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(TrafficError) as raised:
        read_traffic(path)
    assert str(raised.value).replace(str(tmp_path) + "/", "").startswith(message), str(raised.value)


def test_json_errors_name_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "default": {"s3": 1,}\n}\n', "t.json")
    with pytest.raises(TrafficError, match=r"t\.json:2: not valid JSON"):
        read_traffic(path)
    path = write(tmp_path, '{"default": {"s3": "1"}}', "u.json")
    with pytest.raises(TrafficError, match=r"u\.json: default\.s3: expected GB a month"):
        read_traffic(path)


def test_a_missing_or_binary_file(tmp_path: Path) -> None:
    with pytest.raises(TrafficError, match="nothing.yaml: cannot read the traffic file"):
        read_traffic(str(tmp_path / "nothing.yaml"))
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(TrafficError, match="b.yaml: the traffic file is not UTF-8 text"):
        read_traffic(str(binary))
