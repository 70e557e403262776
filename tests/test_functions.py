"""Every built-in function against its documentation: the documented examples and the edge cases.

Each table cites the documentation page its examples come from (``DOCS`` + the function name,
unless another page is given); the edge cases follow the implementations the pages describe
(go-cty's standard library and Terraform's own functions). ERROR means Terraform rejects the call
(an error that ``try()`` and ``can()`` see); UNKNOWN means the value cannot be known statically.
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from vpce_checks.core.values import PartialString, ResourceRef, Unknown
from vpce_checks.loader import syntax
from vpce_checks.loader.conversions import EvalError
from vpce_checks.loader.evaluate import Evaluator, finalize
from vpce_checks.loader.functions import EVALUATOR_FUNCTIONS, FUNCTIONS, Environment
from vpce_checks.loader.module import load_directory

DOCS = "https://developer.hashicorp.com/terraform/language/functions/"
TOFU = "https://opentofu.org/docs/language/functions/"
ERROR = "<error>"
UNKNOWN = "<unknown>"
DATA = Path(__file__).parent / "data" / "functions"


class Names:
    """A scope with a few names for the tables: ``ref`` (two subnet ids), ``unknown``, ``key``/``key8``."""

    VALUES: dict[str, Any] = {
        "refs": [ResourceRef("aws_subnet.a", "id"), ResourceRef("aws_subnet.b", "id")],
        "ref_a": ResourceRef("aws_subnet.a", "id"),
        "ref_b": ResourceRef("aws_subnet.b", "id"),
        "ref_sg": ResourceRef("aws_security_group.x", "id"),
        "ref_zone": ResourceRef("aws_subnet.a", "availability_zone"),
        "region": Unknown("var.region"),
        "unknown": Unknown("var.unknown"),
        "key": (DATA / "rsa-pkcs1.pem").read_text(encoding="utf-8"),
        "key8": (DATA / "rsa-pkcs8.pem").read_text(encoding="utf-8"),
        "ciphertext": (DATA / "rsa-ciphertext.b64").read_text(encoding="utf-8").strip(),
    }

    def lookup(self, name: str) -> Any:
        if name not in self.VALUES:
            raise EvalError(f"no name {name}")
        return self.VALUES[name]

    def environment(self) -> Environment:
        return Environment()


def evaluate(expression: str) -> Any:
    """The expression's value, ERROR for an evaluation error, UNKNOWN for an unknown value."""
    try:
        value = finalize(Evaluator(Names()).value(syntax.parse_expression(expression, "test")))
    except EvalError:
        return ERROR
    return UNKNOWN if isinstance(value, Unknown) else value


TABLES: dict[str, list[tuple[str, Any]]] = {
    # Numeric functions ---------------------------------------------------------------------------
    "abs": [  # DOCS/abs
        ("abs(23)", 23),
        ("abs(0)", 0),
        ("abs(-12.4)", 12.4),
        ('abs("-3")', 3),
        ('abs("x")', ERROR),
        ("abs(null)", ERROR),
        ("abs(unknown)", UNKNOWN),
    ],
    "ceil": [  # DOCS/ceil
        ("ceil(5)", 5),
        ("ceil(5.1)", 6),
        ("ceil(-5.1)", -5),
        ("ceil([])", ERROR),
    ],
    "floor": [  # DOCS/floor
        ("floor(5)", 5),
        ("floor(4.9)", 4),
        ("floor(-4.1)", -5),
    ],
    "log": [  # DOCS/log
        ("log(50, 10)", 1.6989700043360185),
        ("log(16, 2)", 4),
        ("log(0, 10) < -1000000", True),
        ("log(-1, 10)", ERROR),
    ],
    "max": [  # DOCS/max
        ("max(12, 54, 3)", 54),
        ("max([12, 54, 3]...)", 54),
        ('max(1, "7")', 7),
        ("max()", ERROR),
    ],
    "min": [  # DOCS/min
        ("min(12, 54, 3)", 3),
        ("min([12, 54, 3]...)", 3),
        ('min("x", 1)', ERROR),
    ],
    "parseint": [  # DOCS/parseint
        ('parseint("100", 10)', 100),
        ('parseint("FF", 16)', 255),
        ('parseint("-10", 16)', -16),
        ('parseint("1011111011101111", 2)', 48879),
        ('parseint("aA", 62)', 656),
        ('parseint("12", 2)', ERROR),
        ('parseint("ff", 16)', 255),
        ('parseint("1_000", 10)', ERROR),
        ('parseint("10", 1)', ERROR),
        ('parseint("", 10)', ERROR),
    ],
    "pow": [  # DOCS/pow
        ("pow(3, 2)", 9),
        ("pow(4, 0)", 1),
        ("pow(2, -1)", 0.5),
    ],
    "signum": [  # DOCS/signum
        ("signum(-13)", -1),
        ("signum(0)", 0),
        ("signum(344)", 1),
    ],
    # String functions ----------------------------------------------------------------------------
    "chomp": [  # DOCS/chomp
        ('chomp("hello\\n")', "hello"),
        ('chomp("hello\\r\\n")', "hello"),
        ('chomp("hello\\n\\n")', "hello"),
        ('chomp("hello\\n world")', "hello\n world"),
    ],
    "endswith": [  # DOCS/endswith
        ('endswith("hello world", "world")', True),
        ('endswith("hello world", "hello")', False),
        ('endswith("com.amazonaws.${region}.s3", ".s3")', True),
        ('endswith("com.amazonaws.${region}.s3", "ssm")', False),
        ('endswith("com.amazonaws.${region}", "s3")', UNKNOWN),
    ],
    "format": [  # DOCS/format
        ('format("Hello, %s!", "Ander")', "Hello, Ander!"),
        ('format("There are %d lights", 4)', "There are 4 lights"),
        ('format("%d", "4")', "4"),
        ('format("%d", 4.5)', ERROR),
        ('format("%v", 1000000)', "1e+06"),
        ('format("%v|%v|%v", "text", 123456, true)', "text|123456|true"),
        ('format("%#v", "text")', '"text"'),
        ('format("%v", {b = 1, a = [true, null]})', '{"a":[true,null],"b":1}'),
        ('format("%t", "true")', "true"),
        ('format("%t", 1)', ERROR),
        ('format("%.2f", 3.14159)', "3.14"),
        ('format("%f", 3.14)', "3.140000"),
        ('format("%08.3f|%-8.1f|%+.1f", -3.14159, 2.5, 2.25)', "-003.142|2.5     |+2.2"),
        ('format("%e|%E", 123456, 0.000123)', "1.234560e+05|1.230000E-04"),
        ('format("%g|%g|%G|%.3g", 0.00001, 123456, 1e21, 1234567)', "1e-05|123456|1E+21|1.23e+06"),
        ('format("%x|%X|%#x|%o|%#o|%b|%#08x", 255, 255, 255, 8, 8, 5, 255)', "ff|FF|0xff|10|010|101|0x000000ff"),
        ('format("%5d|%-5d|%05d|%+d|% d|%.3d", 42, 42, -42, 42, 42, 7)', "   42|42   |-0042|+42| 42|007"),
        ('format("%5s|%-5s|%.2s|%05s", "ab", "cd", "xyz", "q")', "   ab|cd   |xy|0000q"),
        ('format("%q", "a\\"b<")', '"a\\"b\\u003c"'),
        ('format("%[2]s %[1]s", "a", "b")', "b a"),
        ('format("%[2]s %s", "a", "b")', ERROR),
        ('format("100%%")', "100%"),
        ('format("%s")', ERROR),
        ('format("%z", 1)', ERROR),
        ('format("%", 1)', ERROR),
        ('format("%s", null)', ERROR),
        ('format("%v", null)', "null"),
        ('format("%s", [])', ERROR),
        ('format("%s extra", "a", "b")', "a extra"),
        ('format("com.amazonaws.%s.s3", region)', PartialString),
        ('format("%5s", region)', UNKNOWN),
    ],
    "formatlist": [  # DOCS/formatlist
        (
            'formatlist("Hello, %s!", ["Valentina", "Ander", "Olivia", "Sam"])',
            ["Hello, Valentina!", "Hello, Ander!", "Hello, Olivia!", "Hello, Sam!"],
        ),
        (
            'formatlist("%s, %s!", "Salutations", ["Valentina", "Ander"])',
            ["Salutations, Valentina!", "Salutations, Ander!"],
        ),
        ('formatlist("%s=%s", ["a", "b"], ["1"])', ERROR),
        ('formatlist("%s", [])', []),
        ('formatlist("x")', ["x"]),
        ('formatlist("%s", unknown)', UNKNOWN),
    ],
    "indent": [  # DOCS/indent
        ('"  items: ${indent(2, "[\\n  foo,\\n  bar,\\n]\\n")}"', "  items: [\n    foo,\n    bar,\n  ]\n  "),
        ('indent(4, "a")', "a"),
    ],
    "join": [  # DOCS/join
        ('join("-", ["foo", "bar", "baz"])', "foo-bar-baz"),
        ('join(", ", ["foo", "bar", "baz"])', "foo, bar, baz"),
        ('join(", ", ["foo"])', "foo"),
        ('join(",", ["a"], ["b", 1, true])', "a,b,1,true"),
        ('join(",", [null])', ERROR),
        ('join(",")', ERROR),
        ('join(".", ["com.amazonaws", region, "s3"])', PartialString),
    ],
    "lower": [  # DOCS/lower
        ('lower("HELLO")', "hello"),
        ('lower("АЛЛО!")', "алло!"),
        ('lower("İ")', UNKNOWN),
        ('lower("COM.AMAZONAWS.${region}.S3")', PartialString),
    ],
    "regex": [  # DOCS/regex
        ('regex("[a-z]+", "53453453.345345aaabbbccc23454")', "aaabbbccc"),
        ('regex("(\\\\d\\\\d\\\\d\\\\d)-(\\\\d\\\\d)-(\\\\d\\\\d)", "2019-02-01")', ["2019", "02", "01"]),
        (
            'regex("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://terraform.io/docs/")',
            {"scheme": "https", "authority": "terraform.io"},
        ),
        ('regex("[a-z]+", "53453453.34534523454")', ERROR),
        ('regex("(a)(?P<n>b)", "ab")', ERROR),
        ('regex("(a)|(b)", "b")', [None, "b"]),
        ('regex("(?<year>\\\\d+)", "in 2024")', {"year": "2024"}),
        ('regex("a$", "a\\n")', ERROR),
        ('regex("(?m)a$", "a\\nb")', "a"),
        ('regex("\\\\s+", "a\\u000bb")', ERROR),
        ('regex("[[:digit:]]+", "ab12")', "12"),
        ('regex("(a)\\\\1", "aa")', ERROR),
        ('regex("(?=a)", "a")', ERROR),
        ('regex("\\\\pL+", "abc")', UNKNOWN),
        ('regex("[", "a")', ERROR),
    ],
    "regexall": [  # DOCS/regexall
        ('regexall("[a-z]+", "1234abcd5678efgh9")', ["abcd", "efgh"]),
        ('length(regexall("[a-z]+", "1234abcd5678efgh9"))', 2),
        ('length(regexall("[a-z]+", "123456789")) > 0', False),
        ('regexall("a*", "baaac")', ["", "aaa", ""]),
        ('regexall("(\\\\w)=(\\\\d)", "a=1 b=2")', [["a", "1"], ["b", "2"]]),
    ],
    "replace": [  # DOCS/replace
        ('replace("1 + 2 + 3", "+", "-")', "1 - 2 - 3"),
        ('replace("hello world", "/w.*d/", "everybody")', "hello everybody"),
        ('replace("hello world", "/(h)(e)/", "$2$1")', "ehllo world"),
        ('replace("hello world", "/(?P<first>h)/", "$${first}$${first}")', "hhello world"),
        ('replace("abxd", "/x*/", "-")', "-a-b-d-"),
        ('replace("a.b", "/", "-")', "a.b"),
        ('replace("abc", "", "-")', "-a-b-c-"),
        ('replace("com.amazonaws.REGION.s3", "REGION", region)', PartialString),
        ('replace("x", "/(/", "y")', ERROR),
    ],
    "split": [  # DOCS/split
        ('split(",", "foo,bar,baz")', ["foo", "bar", "baz"]),
        ('split(",", "foo")', ["foo"]),
        ('split(",", "")', [""]),
        ('split("", "abc")', ["a", "b", "c"]),
    ],
    "startswith": [  # DOCS/startswith
        ('startswith("hello world", "hello")', True),
        ('startswith("hello world", "world")', False),
        ('startswith("com.amazonaws.${region}.s3", "com.amazonaws.")', True),
        ('startswith("com.amazonaws.${region}.s3", "aws.")', False),
        ('startswith("${region}.s3", "us-")', UNKNOWN),
    ],
    "strcontains": [  # DOCS/strcontains
        ('strcontains("hello world", "wor")', True),
        ('strcontains("hello world", "wod")', False),
    ],
    "strrev": [  # DOCS/strrev
        ('strrev("hello")', "olleh"),
        ('strrev("a ☃")', "☃ a"),
        ('strrev("e\\u0301x")', "xé"),
        ('strrev("a\\u0308\\u0301")', UNKNOWN),
    ],
    "substr": [  # DOCS/substr
        ('substr("hello world", 1, 4)', "ello"),
        ('substr("🤔🤷", 0, 1)', "🤔"),
        ('substr("hello world", -5, -1)', "world"),
        ('substr("hello world", 6, 10)', "world"),
        ('substr("hello", 0, 0)', ""),
        ('substr("hello", 5, 2)', ""),
        ('substr("hello", 9, 2)', ""),
        ('substr("hello", -9, 2)', "he"),
        ('substr("hello", 1.5, 2)', ERROR),
    ],
    "templatestring": [  # DOCS/templatestring (and TOFU/templatestring)
        ('templatestring("Hello, $${name}!", {name = "Jodie"})', "Hello, Jodie!"),
        ('templatestring("%%{ for x in xs }$${x};%%{ endfor }", {xs = ["a", "b"]})', "a;b;"),
        ('templatestring("$${other}", {name = "x"})', ERROR),
        ('templatestring("$${x}", [])', ERROR),
        ('templatestring("$${x}", {x = [1]})', [1]),
        ('templatestring("x", {"not valid" = 1})', ERROR),
    ],
    "title": [  # DOCS/title
        ('title("hello world")', "Hello World"),
        ('title("hello-world_x y.z")', "Hello-World_x Y.Z"),
    ],
    "trim": [  # DOCS/trim
        ('trim("?!hello?!", "!?")', "hello"),
        ('trim("foobar", "far")', "oob"),
        ('trim("   hello! world.!  ", "! ")', "hello! world."),
    ],
    "trimprefix": [  # DOCS/trimprefix
        ('trimprefix("helloworld", "hello")', "world"),
        ('trimprefix("helloworld", "cat")', "helloworld"),
        ('trimprefix("hellohelloworld", "hello")', "helloworld"),
        ('trimprefix("com.amazonaws.${region}.s3", "com.")', PartialString),
    ],
    "trimspace": [  # DOCS/trimspace
        ('trimspace("  hello\\n\\n")', "hello"),
        ('trimspace("\\u00a0x\\u3000")', "x"),
        ('trimspace("\\u001cx")', "\x1cx"),
    ],
    "trimsuffix": [  # DOCS/trimsuffix
        ('trimsuffix("helloworld", "world")', "hello"),
        ('trimsuffix("helloworld", "cat")', "helloworld"),
    ],
    "upper": [  # DOCS/upper
        ('upper("hello")', "HELLO"),
        ('upper("алло!")', "АЛЛО!"),
        ('upper("ß")', UNKNOWN),
    ],
    # Collection functions ------------------------------------------------------------------------
    "alltrue": [  # DOCS/alltrue
        ('alltrue(["true", true])', True),
        ("alltrue([true, false])", False),
        ("alltrue([])", True),
        ("alltrue([null])", False),
        ("alltrue([unknown, false])", UNKNOWN),
        ('alltrue(["yes"])', ERROR),
    ],
    "anytrue": [  # DOCS/anytrue
        ('anytrue(["true"])', True),
        ("anytrue([true])", True),
        ("anytrue([true, false])", True),
        ("anytrue([])", False),
        ("anytrue([unknown, true])", True),
        ("anytrue([unknown, false])", UNKNOWN),
    ],
    "chunklist": [  # DOCS/chunklist
        ('chunklist(["a", "b", "c", "d", "e"], 2)', [["a", "b"], ["c", "d"], ["e"]]),
        ('chunklist(["a", "b", "c", "d", "e"], 1)', [["a"], ["b"], ["c"], ["d"], ["e"]]),
        ('chunklist(["a", "b"], 0)', [["a", "b"]]),
        ('chunklist(["a"], -1)', ERROR),
        ("chunklist([], 3)", []),
    ],
    "coalesce": [  # DOCS/coalesce
        ('coalesce("a", "b")', "a"),
        ('coalesce("", "b")', "b"),
        ("coalesce(1, 2)", 1),
        ('coalesce(["", "b"]...)', "b"),
        ('coalesce(null, 1, "a")', "1"),
        ("coalesce(null)", ERROR),
        ('coalesce(unknown, "b")', UNKNOWN),
        ('coalesce(ref_a, "b")', ResourceRef("aws_subnet.a", "id")),
    ],
    "coalescelist": [  # DOCS/coalescelist
        ('coalescelist(["a", "b"], ["c", "d"])', ["a", "b"]),
        ('coalescelist([], ["c", "d"])', ["c", "d"]),
        ('coalescelist([[], ["c", "d"]]...)', ["c", "d"]),
        ("coalescelist([], [])", ERROR),
        ('coalescelist("a")', ERROR),
    ],
    "compact": [  # DOCS/compact
        ('compact(["a", "", "b", null, "c"])', ["a", "b", "c"]),
        ('compact([1, ""])', ["1"]),
        ('compact([ref_a, ""])', [ResourceRef("aws_subnet.a", "id")]),
        ('compact([unknown, "a"])', UNKNOWN),
        ("compact([[]])", ERROR),
    ],
    "concat": [  # DOCS/concat
        ('concat(["a", ""], ["b", "c"])', ["a", "", "b", "c"]),
        ("concat([])", []),
        ('concat("a")', ERROR),
        ('concat(toset(["a"]))', ERROR),
    ],
    "contains": [  # DOCS/contains
        ('contains(["a", "b", "c"], "a")', True),
        ('contains(["a", "b", "c"], "d")', False),
        ('contains(["1"], 1)', False),
        ("contains([], 1)", False),
        ("contains(refs, ref_b)", True),
        ('contains(refs, "subnet-0123")', UNKNOWN),
        ('contains({a = 1}, "a")', ERROR),
    ],
    "distinct": [  # DOCS/distinct
        ('distinct(["a", "b", "a", "c", "d", "b"])', ["a", "b", "c", "d"]),
        ('distinct([1, "1"])', ["1"]),
        ("distinct([[1], [1]])", [[1]]),
        ("distinct([ref_a, ref_b, ref_a])", [ResourceRef("aws_subnet.a", "id"), ResourceRef("aws_subnet.b", "id")]),
        ("distinct([ref_a, unknown])", UNKNOWN),
        ("distinct([ref_a, ref_sg])", UNKNOWN),
    ],
    "element": [  # DOCS/element
        ('element(["a", "b", "c"], 1)', "b"),
        ('element(["a", "b", "c"], 3)', "a"),
        ('element(["a", "b", "c"], length(["a", "b", "c"])-1)', "c"),
        ('element(["a"], -1)', ERROR),
        ("element([], 0)", ERROR),
        ('element(toset(["a"]), 0)', ERROR),
        ("element(refs, 3)", ResourceRef("aws_subnet.b", "id")),
        ("element(refs, unknown)", UNKNOWN),
    ],
    "flatten": [  # DOCS/flatten
        ('flatten([["a", "b"], [], ["c"]])', ["a", "b", "c"]),
        ('flatten([[["a", "b"], []], ["c"]])', ["a", "b", "c"]),
        ("flatten([{a = 1}, [2]])", [{"a": 1}, 2]),
        ("flatten([refs, [ref_sg]])", [*Names.VALUES["refs"], ResourceRef("aws_security_group.x", "id")]),
        ("flatten([unknown])", UNKNOWN),
        ('flatten("a")', ERROR),
    ],
    "index": [  # DOCS/index_function
        ('index(["a", "b", "c"], "b")', 1),
        ('index(["a"], "z")', ERROR),
        ("index([], 1)", ERROR),
        ('index(toset(["a"]), "a")', ERROR),
        ("index(refs, ref_b)", 1),
    ],
    "keys": [  # DOCS/keys
        ("keys({a=1, c=2, d=3})", ["a", "c", "d"]),
        ("keys({b = unknown, a = 1})", ["a", "b"]),
        ("keys([])", ERROR),
        ("keys(unknown)", UNKNOWN),
    ],
    "length": [  # DOCS/length
        ("length([])", 0),
        ('length(["a", "b"])', 2),
        ('length({"a" = "b"})', 1),
        ('length("hello")', 5),
        ('length("\\r\\n")', 1),
        ("length(refs)", 2),
        ("length(5)", ERROR),
        ("length(null)", ERROR),
        ('length("${region}")', UNKNOWN),
    ],
    "lookup": [  # DOCS/lookup
        ('lookup({a="ay", b="bee"}, "a", "what?")', "ay"),
        ('lookup({a="ay", b="bee"}, "c", "what?")', "what?"),
        ('lookup({a="ay"}, "c")', ERROR),
        ('lookup(["a"], 0, "x")', ERROR),
        ("lookup({a = 1}, unknown, 2)", UNKNOWN),
    ],
    "matchkeys": [  # DOCS/matchkeys
        (
            'matchkeys(["i-123", "i-abc", "i-def"], ["us-west", "us-east", "us-east"], ["us-east"])',
            ["i-abc", "i-def"],
        ),
        ('matchkeys(["a"], ["x", "y"], ["x"])', ERROR),
        ('matchkeys(["a"], ["x"], [])', []),
        ('matchkeys(refs, ["us-east-1a", "us-east-1b"], ["us-east-1b"])', [ResourceRef("aws_subnet.b", "id")]),
    ],
    "merge": [  # DOCS/merge
        ('merge({a="b", c="d"}, {e="f", c="z"})', {"a": "b", "c": "z", "e": "f"}),
        ('merge({a="b"}, {a=[1,2], c="z"}, {d=3})', {"a": [1, 2], "c": "z", "d": 3}),
        ("merge()", {}),
        ("merge(null, {a = 1})", {"a": 1}),
        ("merge(null)", None),
        ("merge([])", ERROR),
        ("merge({a = 1}, unknown)", UNKNOWN),
    ],
    "one": [  # DOCS/one
        ("one([])", None),
        ('one(["hello"])', "hello"),
        ('one(["hello", "goodbye"])', ERROR),
        ("one(toset([]))", None),
        ('one(toset(["hello"]))', "hello"),
        ('one(toset(["hello", "goodbye"]))', ERROR),
        ("one([ref_a])", ResourceRef("aws_subnet.a", "id")),
        ("one(null)", ERROR),
    ],
    "range": [  # DOCS/range
        ("range(3)", [0, 1, 2]),
        ("range(1, 4)", [1, 2, 3]),
        ("range(1, 8, 2)", [1, 3, 5, 7]),
        ("range(1, 4, 0.5)", [1, 1.5, 2, 2.5, 3, 3.5]),
        ("range(4, 1)", [4, 3, 2]),
        ("range(10, 5, -2)", [10, 8, 6]),
        ("range(0)", []),
        ("range(-2)", [0, -1]),
        ("range(1, 2, 0)", ERROR),
        ("range(1, 5, -1)", ERROR),
        ("length(range(1025))", ERROR),
    ],
    "reverse": [  # DOCS/reverse
        ("reverse([1, 2, 3])", [3, 2, 1]),
        ('reverse(toset(["b", "a"]))', ["b", "a"]),
        ("reverse({})", ERROR),
    ],
    "setintersection": [  # DOCS/setintersection
        ('setintersection(["a", "b"], ["b", "c"], ["b", "d"])', ["b"]),
        ('setintersection(["a", 1], ["1"])', ["1"]),
        ("setintersection(refs, [ref_b])", [ResourceRef("aws_subnet.b", "id")]),
    ],
    "setproduct": [  # DOCS/setproduct
        (
            'setproduct(["development", "staging", "production"], ["app1", "app2"])',
            [
                ["development", "app1"],
                ["development", "app2"],
                ["staging", "app1"],
                ["staging", "app2"],
                ["production", "app1"],
                ["production", "app2"],
            ],
        ),
        ('setproduct(["staging"], ["a", "b"], ["1"])', [["staging", "a", "1"], ["staging", "b", "1"]]),
        ('setproduct([], ["a"])', []),
        ('setproduct(["a"])', ERROR),
    ],
    "setsubtract": [  # DOCS/setsubtract
        ('setsubtract(["a", "b", "c"], ["a", "c"])', ["b"]),
        ("setsubtract(refs, [ref_b])", [ResourceRef("aws_subnet.a", "id")]),
        ("setsubtract(refs, [ref_sg])", UNKNOWN),
        ("setsubtract(refs, [unknown])", UNKNOWN),
    ],
    "setunion": [  # DOCS/setunion
        ('setunion(["a", "b"], ["b", "c"], ["d"])', ["a", "b", "c", "d"]),
        ("setunion([3, 1], [2])", [1, 2, 3]),
        ("setunion([ref_a], refs)", [ResourceRef("aws_subnet.a", "id"), ResourceRef("aws_subnet.b", "id")]),
    ],
    "slice": [  # DOCS/slice
        ('slice(["a", "b", "c", "d"], 1, 3)', ["b", "c"]),
        ('slice(["a"], 1, 1)', []),
        ('slice(["a"], 0, 2)', ERROR),
        ('slice(["a", "b"], 2, 1)', ERROR),
        ('slice(toset(["a"]), 0, 1)', ERROR),
        ("slice(refs, 0, 1)", [ResourceRef("aws_subnet.a", "id")]),
        ("slice(sort(refs), 0, 1)", UNKNOWN),
    ],
    "sort": [  # DOCS/sort
        ('sort(["e", "d", "a", "x"])', ["a", "d", "e", "x"]),
        ("sort([3, 10, 1])", ["1", "10", "3"]),
        ("sort([null])", ERROR),
        ("length(sort(refs))", 2),
        ("sort([unknown])", UNKNOWN),
    ],
    "sum": [  # DOCS/sum
        ("sum([10, 13, 6, 4.5])", 33.5),
        ('sum(["1", 2])', 3),
        ("sum([])", ERROR),
        ("sum({a = 1})", ERROR),
        ("sum([null])", ERROR),
        ("sum([unknown])", UNKNOWN),
    ],
    "transpose": [  # DOCS/transpose
        ('transpose({"a" = ["1", "2"], "b" = ["2", "3"]})', {"1": ["a"], "2": ["a", "b"], "3": ["b"]}),
        ("transpose({})", {}),
    ],
    "values": [  # DOCS/values
        ("values({a=3, c=2, d=1})", [3, 2, 1]),
        ("values([])", ERROR),
    ],
    "zipmap": [  # DOCS/zipmap
        ('zipmap(["a", "b"], [1, 2])', {"a": 1, "b": 2}),
        ('zipmap(["a", "a"], [1, 2])', {"a": 2}),
        ('zipmap(["a"], [])', ERROR),
        ("zipmap([null], [1])", ERROR),
        ('zipmap(["a", "b"], refs)', {"a": ResourceRef("aws_subnet.a", "id"), "b": ResourceRef("aws_subnet.b", "id")}),
    ],
    "list": [("list(1)", ERROR)],  # removed in Terraform 0.12 (DOCS/list)
    "map": [('map("a", 1)', ERROR)],  # removed in Terraform 0.12 (DOCS/map)
    # Encoding functions --------------------------------------------------------------------------
    "base64decode": [  # DOCS/base64decode
        ('base64decode("SGVsbG8gV29ybGQ=")', "Hello World"),
        ('base64decode("SGVsbG8gV29ybGQ")', ERROR),
        ('base64decode("/w==")', ERROR),
    ],
    "base64encode": [  # DOCS/base64encode
        ('base64encode("Hello World")', "SGVsbG8gV29ybGQ="),
    ],
    "base64gzip": [  # DOCS/base64gzip: the bytes are Go's DEFLATE stream
        ('base64gzip("test")', UNKNOWN),
    ],
    "base64gunzip": [  # TOFU/base64gunzip
        ('base64gunzip("H4sIAAAAAAAA/ypJLS4BAAAA//8BAAD//wx+f9gEAAAA")', "test"),
        ('base64gunzip("dGVzdA==")', ERROR),
    ],
    "csvdecode": [  # DOCS/csvdecode
        (
            'csvdecode("a,b,c\\n1,2,3\\n4,5,6")',
            [{"a": "1", "b": "2", "c": "3"}, {"a": "4", "b": "5", "c": "6"}],
        ),
        ('csvdecode("a,b\\r\\n1,\\"x\\"\\"y,\\nz\\"\\r\\n")', [{"a": "1", "b": 'x"y,\nz'}]),
        ('csvdecode("a,b\\n1\\n")', ERROR),
        ('csvdecode("a\\nx\\"y\\n")', ERROR),
        ('csvdecode("")', ERROR),
        ('csvdecode("a\\n\\n1\\n")', [{"a": "1"}]),
    ],
    "jsondecode": [  # DOCS/jsondecode
        ('jsondecode("{\\"hello\\": \\"world\\"}")', {"hello": "world"}),
        ('jsondecode("true")', True),
        ('jsondecode("[1.5, 10, 1e3, null]")', [1.5, 10, 1000, None]),
        ('jsondecode("{\\"a\\": 1, \\"a\\": 2}")', ERROR),
        ('jsondecode("NaN")', ERROR),
        ('jsondecode("{")', ERROR),
    ],
    "jsonencode": [  # DOCS/jsonencode
        ('jsonencode({"hello"="world"})', '{"hello":"world"}'),
        (
            'jsonencode({b = "<&>\\u2028", a = [1, 2.5, null, true, 1e20]})',
            '{"a":[1,2.5,null,true,100000000000000000000],"b":"\\u003c\\u0026\\u003e\\u2028"}',
        ),
        ('jsonencode("\\n\\t\\u0001é")', '"\\n\\t\\u0001é"'),
        ("jsonencode({a = unknown})", UNKNOWN),
    ],
    "textdecodebase64": [  # DOCS/textdecodebase64
        ('textdecodebase64("SABlAGwAbABvACAAVwBvAHIAbABkAA==", "UTF-16LE")', "Hello World"),
        ('textdecodebase64("SGk=", "ISO-8859-1")', "Hi"),
        ('textdecodebase64("SGk", "UTF-8")', ERROR),
        ('textdecodebase64("SGk=", "KOI8-R")', UNKNOWN),
    ],
    "textencodebase64": [  # DOCS/textencodebase64
        ('textencodebase64("Hello World", "UTF-16LE")', "SABlAGwAbABvACAAVwBvAHIAbABkAA=="),
        ('textencodebase64("☃", "ISO-8859-1")', ERROR),
    ],
    "urldecode": [  # TOFU/urldecode
        ('urldecode("https%3A%2F%2Fexample.com%2F")', "https://example.com/"),
        ('urldecode("Hello+World%21")', "Hello World!"),
        ('urldecode("%zz")', ERROR),
    ],
    "urlencode": [  # DOCS/urlencode
        ('urlencode("Hello World!")', "Hello+World%21"),
        ('urlencode("☃")', "%E2%98%83"),
        (
            '"http://example.com/search?q=${urlencode("terraform urlencode")}"',
            "http://example.com/search?q=terraform+urlencode",
        ),
        ('urlencode("foo:bar@localhost?foo=bar&bar=baz")', "foo%3Abar%40localhost%3Ffoo%3Dbar%26bar%3Dbaz"),
        ('urlencode("a-b_c.d~e")', "a-b_c.d~e"),
    ],
    "yamldecode": [  # DOCS/yamldecode
        ('yamldecode("hello: world")', {"hello": "world"}),
        ('yamldecode("true")', True),
        ('yamldecode("{a: &foo [1, 2, 3], b: *foo}")', {"a": [1, 2, 3], "b": [1, 2, 3]}),
        (
            'yamldecode("{a: &foo [1, {c: &bar d}], b: *foo, e: *bar}")',
            {"a": [1, {"c": "d"}], "b": [1, {"c": "d"}], "e": "d"},
        ),
        ('yamldecode("")', None),
        # go-cty-yaml's rules for plain scalars, not PyYAML's YAML 1.1 ones:
        (
            'yamldecode("a: yes\\nb: off\\nc: 012\\nd: 0x1F\\ne: 1_000\\nf: 2001-12-14\\n'
            "g: '1'\\nh: ~\\ni: .inf\\nj: 0o17\\nk: 0b1\")",
            {
                "a": True,
                "b": False,
                "c": 12,
                "d": 31,
                "e": "1_000",
                "f": "2001-12-14T00:00:00Z",
                "g": "1",
                "h": None,
                "i": float("inf"),
                "j": 15,
                "k": "0b1",
            },
        ),
        ('yamldecode("t: 2001-12-14t21:59:43.10-05:00")', {"t": "2001-12-14T21:59:43-05:00"}),
        ('yamldecode("!!str 12")', "12"),
        ('yamldecode("!custom x")', ERROR),
        ('yamldecode(".nan")', ERROR),
        ('yamldecode("a: [")', ERROR),
        ('yamldecode("---\\na\\n---\\nb\\n")', ERROR),
        ('yamldecode("1: one")', {"1": "one"}),
    ],
    "yamlencode": [  # DOCS/yamlencode
        ('yamlencode({"a":"b", "c":"d"})', '"a": "b"\n"c": "d"\n'),
        ('yamlencode({"foo":[1, 2, 3], "bar": "baz"})', '"bar": "baz"\n"foo":\n- 1\n- 2\n- 3\n'),
        (
            'yamlencode({"foo":[1, {"a":"b","c":"d"}, 3], "bar": "baz"})',
            '"bar": "baz"\n"foo":\n- 1\n- "a": "b"\n  "c": "d"\n- 3\n',
        ),
        ("yamlencode(true)", "true\n...\n"),
        ('yamlencode("hello")', '"hello"\n'),
        ("yamlencode({})", "{}\n"),
        ('yamlencode({a = "line 1\\nline 2\\n"})', '"a": |\n  line 1\n  line 2\n'),
        ("yamlencode([unknown])", UNKNOWN),
    ],
    # Filesystem functions: the pure ones (the file readers are tested on real files below) ---------
    "abspath": [('abspath("/a/b/../c")', "/a/c")],  # DOCS/abspath
    "basename": [  # DOCS/basename
        ('basename("foo/bar/baz.txt")', "baz.txt"),
        ('basename("foo/bar/")', "bar"),
        ('basename("")', "."),
        ('basename("/")', "/"),
    ],
    "dirname": [  # DOCS/dirname
        ('dirname("foo/bar/baz.txt")', "foo/bar"),
        ('dirname("foo")', "."),
        ('dirname("/")', "/"),
        ('dirname("foo/bar/")', "foo/bar"),
    ],
    "pathexpand": [  # DOCS/pathexpand: the home directory is not part of the configuration
        ('pathexpand("~/.ssh/id_rsa")', UNKNOWN),
        ('pathexpand("/etc/resolv.conf")', "/etc/resolv.conf"),
        ('pathexpand("~someone/x")', ERROR),
    ],
    # Date and time functions ---------------------------------------------------------------------
    "formatdate": [  # DOCS/formatdate
        ('formatdate("DD MMM YYYY hh:mm ZZZ", "2018-01-02T23:12:01Z")', "02 Jan 2018 23:12 UTC"),
        ('formatdate("EEEE, DD-MMM-YY hh:mm:ss ZZZ", "2018-01-02T23:12:01Z")', "Tuesday, 02-Jan-18 23:12:01 UTC"),
        ('formatdate("EEE, DD MMM YYYY hh:mm:ss ZZZ", "2018-01-02T23:12:01-08:00")', "Tue, 02 Jan 2018 23:12:01 -0800"),
        ('formatdate("MMM DD, YYYY", "2018-01-02T23:12:01Z")', "Jan 02, 2018"),
        ('formatdate("HH:mmaa", "2018-01-02T23:12:01Z")', "11:12pm"),
        ("formatdate(\"h 'o''clock' Z ZZZZ ZZZZZ\", \"2018-01-02T03:12:01+05:30\")", "3 o'clock +05:30 +0530 +05:30"),
        ('formatdate("M/D Z", "2018-01-02T03:12:01.999Z")', "1/2 Z"),
        ('formatdate("YYY", "2018-01-02T23:12:01Z")', ERROR),
        ('formatdate("\'unterminated", "2018-01-02T23:12:01Z")', ERROR),
        ('formatdate("YYYY", "2018-01-02")', ERROR),
        ('formatdate("YYYY", "2018-02-30T00:00:00Z")', ERROR),
    ],
    "timeadd": [  # DOCS/timeadd
        ('timeadd("2017-11-22T00:00:00Z", "10m")', "2017-11-22T00:10:00Z"),
        ('timeadd("2017-11-22T00:00:00Z", "-1h30m")', "2017-11-21T22:30:00Z"),
        ('timeadd("2017-11-22T00:00:00+01:00", "1.5h")', "2017-11-22T01:30:00+01:00"),
        ('timeadd("2017-11-22T00:00:00.5Z", "600ms")', "2017-11-22T00:00:01Z"),
        ('timeadd("2017-11-22T00:00:00Z", "10")', ERROR),
        ('timeadd("2017-11-22T00:00:00Z", "1d")', ERROR),
    ],
    "timecmp": [  # DOCS/timecmp
        ('timecmp("2017-11-22T00:00:00Z", "2017-11-22T00:00:00Z")', 0),
        ('timecmp("2017-11-22T00:00:00Z", "2017-11-22T01:00:00Z")', -1),
        ('timecmp("2017-11-22T01:00:00Z", "2017-11-22T00:00:00Z")', 1),
        ('timecmp("2017-11-22T01:00:00Z", "2017-11-22T00:00:00-01:00")', 0),
        ('timecmp("2017-11-22", "2017-11-22T00:00:00Z")', ERROR),
    ],
    "timestamp": [("timestamp()", UNKNOWN), ("timestamp(1)", ERROR)],  # DOCS/timestamp: reads the clock
    "plantimestamp": [("plantimestamp()", UNKNOWN)],  # DOCS/plantimestamp
    # Hash and crypto functions -------------------------------------------------------------------
    "base64sha256": [
        ('base64sha256("hello world")', "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=")
    ],  # DOCS/base64sha256
    "base64sha512": [  # DOCS/base64sha512
        (
            'base64sha512("hello world")',
            "MJ7MSJwS1utMxA9QyQLytNDtd+5RGnx6m808qG1M2G+YndNbxf9JlnDaNCVbRbDP2DDoH2Bdz33FVC6TrpzXbw==",
        )
    ],
    "bcrypt": [('bcrypt("hello world")', UNKNOWN)],  # DOCS/bcrypt: a random salt
    "md5": [('md5("hello world")', "5eb63bbbe01eeed093cb22bb8f5acdc3")],  # DOCS/md5
    "sha1": [('sha1("hello world")', "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed")],  # DOCS/sha1
    "sha256": [
        ('sha256("hello world")', "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9")
    ],  # DOCS/sha256
    "sha512": [  # DOCS/sha512
        (
            'sha512("hello world")',
            "309ecc489c12d6eb4cc40f50c902f2b4d0ed77ee511a7c7a9bcd3ca86d4cd86f"
            "989dd35bc5ff499670da34255b45b0cfd830e81f605dcf7dc5542e93ae9cd76f",
        )
    ],
    "uuid": [("uuid()", UNKNOWN)],  # DOCS/uuid: random
    "uuidv5": [  # DOCS/uuidv5
        ('uuidv5("dns", "www.terraform.io")', "a5008fae-b28c-5ba5-96cd-82b4c53552d6"),
        ('uuidv5("url", "https://www.terraform.io/")', "9db6f67c-dd95-5ea0-aa5b-e70e5c5f7cf5"),
        ('uuidv5("oid", "1.3.6.1.4")', "af9d40a5-7a36-5c07-b23a-851cd99fbfa5"),
        ('uuidv5("x500", "CN=Example,C=GB")', "84e09961-4aa4-57f8-95b7-03edb1073253"),
        ('uuidv5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.terraform.io")', "a5008fae-b28c-5ba5-96cd-82b4c53552d6"),
        (
            'uuidv5("743ac3c0-3bf7-4a5b-9e6c-59360447c757", "LIBS:diskfont.library")',
            "ede1a974-df7e-5f17-84b9-76208818b2c8",
        ),
        ('uuidv5("nope", "x")', ERROR),
    ],
    "rsadecrypt": [  # DOCS/rsadecrypt
        ("rsadecrypt(ciphertext, key)", "Hello, world!"),
        ("rsadecrypt(ciphertext, key8)", "Hello, world!"),
        ('rsadecrypt("AAAA", key)', ERROR),
        ('rsadecrypt(ciphertext, "not a key")', ERROR),
    ],
    # IP network functions ------------------------------------------------------------------------
    "cidrhost": [  # DOCS/cidrhost
        ('cidrhost("10.12.112.0/20", 16)', "10.12.112.16"),
        ('cidrhost("10.12.112.0/20", 268)', "10.12.113.12"),
        ('cidrhost("fd00:fd12:3456:7890:00a2::/72", 34)', "fd00:fd12:3456:7890::22"),
        ('cidrhost("10.0.0.0/24", -1)', "10.0.0.255"),
        ('cidrhost("10.0.0.0/24", -256)', "10.0.0.0"),
        ('cidrhost("10.0.0.0/24", 256)', ERROR),
        ('cidrhost("10.0.0.0/24", -257)', ERROR),
        ('cidrhost("10.0.0.0", 1)', ERROR),
        ('cidrhost("010.0.0.0/8", 1)', "10.0.0.1"),
    ],
    "cidrnetmask": [  # DOCS/cidrnetmask
        ('cidrnetmask("172.16.0.0/12")', "255.240.0.0"),
        ('cidrnetmask("10.0.0.0/0")', "0.0.0.0"),
        ('cidrnetmask("::/64")', ERROR),
    ],
    "cidrsubnet": [  # DOCS/cidrsubnet
        ('cidrsubnet("172.16.0.0/12", 4, 2)', "172.18.0.0/16"),
        ('cidrsubnet("10.1.2.0/24", 4, 15)', "10.1.2.240/28"),
        ('cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)', "fd00:fd12:3456:7800:a200::/72"),
        ('cidrsubnet("10.1.2.3/16", 8, 1)', "10.1.1.0/24"),
        ('cidrsubnet("10.0.0.0/24", 4, 16)', ERROR),
        ('cidrsubnet("10.0.0.0/30", 4, 0)', ERROR),
        ('cidrsubnet("10.0.0.0/16", 8.5, 0)', ERROR),
        ('cidrsubnet("not a cidr", 8, 0)', ERROR),
    ],
    "cidrsubnets": [  # DOCS/cidrsubnets
        ('cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)', ["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"]),
        (
            'cidrsubnets("fd00:fd12:3456:7890::/56", 16, 16, 16, 32)',
            [
                "fd00:fd12:3456:7800::/72",
                "fd00:fd12:3456:7800:100::/72",
                "fd00:fd12:3456:7800:200::/72",
                "fd00:fd12:3456:7800:300::/88",
            ],
        ),
        ('cidrsubnets("10.0.0.0/24")', []),
        ('cidrsubnets("10.0.0.0/24", 1, 1, 1)', ERROR),
        ('cidrsubnets("10.0.0.0/24", 0)', ERROR),
        ('cidrsubnets("10.0.0.0/8", 33)', ERROR),
    ],
    "cidrcontains": [  # TOFU/cidrcontains
        ('cidrcontains("192.168.2.0/20", "192.168.2.1")', True),
        ('cidrcontains("192.168.2.0/20", "192.126.2.1")', False),
        ('cidrcontains("fd00:a:b:c::/64", "fd00:a:b:c:d::1")', True),
        ('cidrcontains("192.168.2.0/20", "192.168.2.0/24")', True),
        ('cidrcontains("192.168.2.0/24", "192.168.0.0/20")', False),
        ('cidrcontains("192.168.2.0/20", "fd00::1")', ERROR),
    ],
    # Type conversion functions -------------------------------------------------------------------
    "tobool": [  # DOCS/tobool
        ("tobool(true)", True),
        ('tobool("true")', True),
        ("tobool(null)", None),
        ('tobool("no")', ERROR),
        ("tobool(1)", ERROR),
    ],
    "tolist": [  # DOCS/tolist
        ('tolist(["a", "b", "c"])', ["a", "b", "c"]),
        ('tolist(["a", "b", 3])', ["a", "b", "3"]),
        ("tolist([1, true])", ERROR),
        ("tolist({a = 1})", ERROR),
        ('tolist(toset(["b", "a"]))', ["a", "b"]),
        ("tolist(null)", None),
    ],
    "tomap": [  # DOCS/tomap
        ('tomap({"a" = "foo", "b" = true})', {"a": "foo", "b": "true"}),
        ('tomap(["a"])', ERROR),
    ],
    "tonumber": [  # DOCS/tonumber
        ("tonumber(1)", 1),
        ('tonumber("1")', 1),
        ("tonumber(null)", None),
        ('tonumber("no")', ERROR),
        ('tonumber("0x10")', ERROR),
        ('tonumber("1e3")', 1000),
    ],
    "toset": [  # DOCS/toset
        ('toset(["a", "b", "c"])', ["a", "b", "c"]),
        ('toset(["a", "b", 3])', ["3", "a", "b"]),
        ('toset(["c", "b", "b"])', ["b", "c"]),
        ("toset([ref_b, ref_a, ref_b])", [ResourceRef("aws_subnet.b", "id"), ResourceRef("aws_subnet.a", "id")]),
        ('toset("a")', ERROR),
    ],
    "tostring": [  # DOCS/tostring
        ('tostring("hello")', "hello"),
        ("tostring(1)", "1"),
        ("tostring(true)", "true"),
        ("tostring(null)", None),
        ("tostring([])", ERROR),
        ("tostring(ref_a)", ResourceRef("aws_subnet.a", "id")),
    ],
    "sensitive": [('sensitive("x")', "x")],  # DOCS/sensitive
    "nonsensitive": [('nonsensitive("x")', "x")],  # DOCS/nonsensitive
    "issensitive": [('issensitive("x")', UNKNOWN)],  # DOCS/issensitive: sensitivity is not tracked
    "ephemeralasnull": [('ephemeralasnull("x")', UNKNOWN)],  # DOCS/ephemeralasnull: nor is ephemerality
    # The evaluator's own: they take expressions or templates ------------------------------------
    "try": [  # DOCS/try
        ('try({a = 1}.b, "fallback")', "fallback"),
        ('try(tonumber("x"), 0)', 0),
        ('try({a = 1}.a, "fallback")', 1),
        ("try(unknown.x, 1)", UNKNOWN),
        ("try(ref_a, 1)", ResourceRef("aws_subnet.a", "id")),
        ("try(ref_zone, 1)", UNKNOWN),
        ("try({}.a)", ERROR),
    ],
    "can": [  # DOCS/can
        ("can({a = 1}.a)", True),
        ("can({a = 1}.b)", False),
        ('can(regex("^ami-", "ami-123"))', True),
        ('can(regex("^ami-", "x"))', False),
        ("can(unknown.x)", UNKNOWN),
        ("can(1, 2)", ERROR),
    ],
}


CASES = [
    pytest.param(expression, expected, id=f"{function}: {expression}")
    for function, table in TABLES.items()
    for expression, expected in table
]


@pytest.mark.parametrize(("expression", "expected"), CASES)
def test_function(expression: str, expected: Any) -> None:
    value = evaluate(expression)
    if expected is PartialString:
        assert isinstance(value, PartialString)
    else:
        assert value == expected
        assert type(value) is type(expected) or isinstance(expected, (int, float)) and isinstance(value, (int, float))


def test_every_built_in_function_has_a_table() -> None:
    """A function added without documented examples fails here."""
    tested = set(TABLES) | FILE_FUNCTIONS_TESTED
    assert set(FUNCTIONS) | EVALUATOR_FUNCTIONS <= tested
    assert tested - set(FUNCTIONS) <= EVALUATOR_FUNCTIONS


def test_partial_strings_keep_their_known_parts() -> None:
    """The known text around an unknown region survives format, join, replace, lower and trimprefix."""
    for expression in (
        'format("com.amazonaws.%s.s3", region)',
        'join(".", ["com.amazonaws", region, "s3"])',
        'replace("com.amazonaws.REGION.s3", "REGION", region)',
        'lower("COM.AMAZONAWS.${region}.S3")',
        'trimprefix("x.com.amazonaws.${region}.s3", "x.")',
    ):
        value = evaluate(expression)
        assert isinstance(value, PartialString), expression
        assert value.known_prefix == "com.amazonaws." and value.known_suffix == ".s3", expression


def test_core_namespace_and_unknown_function_names() -> None:
    """OpenTofu's core:: prefix names the built-ins; a function not built in is unknown, not an error."""
    from vpce_checks.loader.functions import call

    assert call("core::upper", ["x"], Environment()) == "X"
    assert isinstance(call("provider::aws::arn_parse", ["arn:aws:s3:::b"], Environment()), Unknown)
    assert evaluate('provider::terraform::encode_expr("x")') == UNKNOWN


# The file functions, on files of a module written for the test ------------------------------------

TEXT = "hello\n"
FILES = {
    "files/text.txt": TEXT.encode(),
    "files/binary.bin": b"\xff\x00",
    "files/endpoints.json": b'{"ssm": {"private_dns": true}, "s3": {"type": "Gateway"}}',
    "templates/greeting.tpl": b"Hello, ${name}!%{ for item in items }\n- ${item}%{ endfor }",
    "templates/value.tpl": b"${value}",
    "templates/loop.tpl": b'${templatefile("templates/value.tpl", {value = 1})}',
    "sub/a.txt": b"a",
    "sub/deep/b.txt": b"b",
    "files/big.txt": b"x" * 5000,
}
FILE_TABLE: list[tuple[str, Any]] = [
    # DOCS/file, DOCS/filebase64, DOCS/fileexists, DOCS/fileset, DOCS/templatefile, DOCS/filemd5 ...
    ('file("files/text.txt")', TEXT),
    ('file("${path.module}/files/text.txt")', TEXT),
    ('file("files/binary.bin")', UNKNOWN),  # not UTF-8: an error in Terraform
    ('try(file("files/binary.bin"), "binary")', "binary"),
    ('filebase64("files/binary.bin")', "/wA="),
    ('try(file("files/missing.txt"), "missing")', "missing"),
    ('can(file("files"))', False),
    ('file("../outside.txt")', UNKNOWN),
    ('file("link-outside.txt")', UNKNOWN),
    ('try(file("../outside.txt"), "fallback")', UNKNOWN),
    ('file("~/.bashrc")', UNKNOWN),
    ('jsondecode(file("files/endpoints.json")).s3.type', "Gateway"),
    ('filemd5("files/text.txt")', hashlib.md5(TEXT.encode()).hexdigest()),
    ('filesha1("files/text.txt")', hashlib.sha1(TEXT.encode()).hexdigest()),
    ('filesha256("files/text.txt")', hashlib.sha256(TEXT.encode()).hexdigest()),
    ('filesha512("files/text.txt")', hashlib.sha512(TEXT.encode()).hexdigest()),
    ('filebase64sha256("files/text.txt")', base64.b64encode(hashlib.sha256(TEXT.encode()).digest()).decode()),
    ('filebase64sha512("files/text.txt")', base64.b64encode(hashlib.sha512(TEXT.encode()).digest()).decode()),
    ('fileexists("files/text.txt")', True),
    ('fileexists("files/missing.txt")', False),
    ('can(fileexists("files"))', False),
    ('fileexists("../outside.txt")', UNKNOWN),
    ('fileset(path.module, "files/*.txt")', ["files/big.txt", "files/text.txt"]),
    ('fileset("sub", "**")', ["a.txt", "deep/b.txt"]),
    ('fileset(path.module, "sub/**/*.txt")', ["sub/a.txt", "sub/deep/b.txt"]),
    ('fileset(".", "{files,sub}/?.txt")', ["sub/a.txt"]),
    ('fileset("nowhere", "*")', []),
    ('templatefile("templates/greeting.tpl", { name = "Ana", items = ["x", "y"] })', "Hello, Ana!\n- x\n- y"),
    ('templatefile("templates/value.tpl", { value = [1, 2] })', [1, 2]),
    ('try(templatefile("templates/greeting.tpl", {}), "no vars")', "no vars"),
    ('try(templatefile("templates/loop.tpl", {}), "no recursion")', "no recursion"),
    ('templatefile("templates/greeting.tpl", { name = var.unknown, items = [] })', PartialString),
    ("path.root", "."),
    ("path.module", "."),
    ("path.cwd", UNKNOWN),
]
FILE_FUNCTIONS_TESTED = {
    "file",
    "filebase64",
    "fileexists",
    "fileset",
    "filemd5",
    "filesha1",
    "filesha256",
    "filesha512",
    "filebase64sha256",
    "filebase64sha512",
    "templatefile",
}


def _module_with_files(tmp_path: Path, expressions: list[str]) -> Path:
    root = tmp_path / "root"
    for name, data in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    (tmp_path / "outside.txt").write_text("outside", encoding="utf-8")
    (root / "link-outside.txt").symlink_to(tmp_path / "outside.txt")
    attributes = "".join(f"  v{index} = {expression}\n" for index, expression in enumerate(expressions))
    (root / "main.tf").write_text(
        f'variable "unknown" {{}}\nresource "test_thing" "probe" {{\n{attributes}}}\n', encoding="utf-8"
    )
    return root


def test_file_functions_read_the_module_tree_only(tmp_path: Path) -> None:
    root = _module_with_files(tmp_path, [expression for expression, _ in FILE_TABLE])
    probe = load_directory(str(root), "root").resource("test_thing.probe")
    assert probe is not None
    for index, (expression, expected) in enumerate(FILE_TABLE):
        value = probe.get(f"v{index}")
        if expected is PartialString:
            assert isinstance(value, PartialString), expression
        else:
            assert (UNKNOWN if isinstance(value, Unknown) else value) == expected, expression


def test_files_over_the_size_limit_are_unknown(tmp_path: Path) -> None:
    root = _module_with_files(tmp_path, ['file("files/big.txt")', 'fileexists("files/big.txt")'])
    previous = syntax.limits
    syntax.set_limits(syntax.Limits(max_file_bytes=2000))
    try:
        probe = load_directory(str(root), "root").resource("test_thing.probe")
    finally:
        syntax.set_limits(previous)
    assert probe is not None
    assert isinstance(probe.get("v0"), Unknown)
    assert probe.get("v1") is True


def test_a_called_module_reads_its_own_files_and_gets_its_path(tmp_path: Path) -> None:
    """path.module is the module's directory relative to the root; a file outside its tree is unknown."""
    root = tmp_path / "root"
    child = root / "modules" / "child"
    child.mkdir(parents=True)
    (root / "shared.txt").write_text("root file", encoding="utf-8")
    (child / "own.txt").write_text("own file", encoding="utf-8")
    (child / "main.tf").write_text(
        'output "own" { value = file("${path.module}/own.txt") }\n'
        'output "path" { value = path.module }\n'
        'output "root_file" { value = file("${path.root}/shared.txt") }\n'
        'output "relative" { value = fileexists("own.txt") }\n',
        encoding="utf-8",
    )
    (root / "main.tf").write_text(
        'module "child" { source = "./modules/child" }\n'
        'resource "test_thing" "probe" {\n'
        "  own = module.child.own\n  path = module.child.path\n"
        "  root_file = module.child.root_file\n  relative = module.child.relative\n}\n",
        encoding="utf-8",
    )
    probe = load_directory(str(root), "root").resource("test_thing.probe")
    assert probe is not None
    assert probe.get("own") == "own file"
    assert probe.get("path") == "modules/child"
    assert isinstance(probe.get("root_file"), Unknown)  # the root's file is outside the child's tree
    assert isinstance(probe.get("relative"), Unknown)  # relative paths are the root's: outside the tree too


def test_abspath_is_relative_to_the_root_module(tmp_path: Path) -> None:
    root = _module_with_files(tmp_path, ['abspath("files/../sub")'])
    probe = load_directory(str(root), "root").resource("test_thing.probe")
    assert probe is not None and probe.get("v0") == (root / "sub").as_posix()


# Lists of references -----------------------------------------------------------------------------

SUBNETS = """
resource "aws_subnet" "private" {
  count             = 3
  availability_zone = ["us-east-1a", "us-east-1b", "us-east-1c"][count.index]
}
resource "aws_subnet" "a" {}
resource "aws_subnet" "b" {}
resource "aws_security_group" "endpoints" {}
variable "unknown" {}
"""


def _ids(*addresses: str) -> list[ResourceRef]:
    return [ResourceRef(address, "id") for address in addresses]


PRIVATE = [f"aws_subnet.private[{index}]" for index in range(3)]
REFERENCE_TABLE: list[tuple[str, Any]] = [
    # Functions that only move elements keep the references.
    ("slice(aws_subnet.private[*].id, 0, 1)", _ids(PRIVATE[0])),
    ("slice(aws_subnet.private[*].id, 1, 3)", _ids(PRIVATE[1], PRIVATE[2])),
    ("element(aws_subnet.private[*].id, 4)", ResourceRef(PRIVATE[1], "id")),
    ("one([aws_subnet.a.id])", ResourceRef("aws_subnet.a", "id")),
    ("reverse([aws_subnet.a.id, aws_subnet.b.id])", _ids("aws_subnet.b", "aws_subnet.a")),
    ("concat([aws_subnet.a.id], slice(aws_subnet.private[*].id, 0, 1))", _ids("aws_subnet.a", PRIVATE[0])),
    ("flatten([[aws_subnet.a.id], [[aws_subnet.b.id]]])", _ids("aws_subnet.a", "aws_subnet.b")),
    ('compact([aws_subnet.a.id, "", null])', _ids("aws_subnet.a")),
    ("tolist([aws_subnet.a.id, aws_subnet.b.id])", _ids("aws_subnet.a", "aws_subnet.b")),
    ("coalescelist([], aws_subnet.private[*].id)", _ids(*PRIVATE)),
    # The ids of two instances of one resource type are different values, so equality is decided.
    ("setsubtract([aws_subnet.a.id, aws_subnet.b.id], [aws_subnet.b.id])", _ids("aws_subnet.a")),
    ("setunion([aws_subnet.a.id], [aws_subnet.b.id, aws_subnet.a.id])", _ids("aws_subnet.a", "aws_subnet.b")),
    ("setintersection(aws_subnet.private[*].id, [aws_subnet.private[2].id])", _ids(PRIVATE[2])),
    ("distinct([aws_subnet.a.id, aws_subnet.b.id, aws_subnet.a.id])", _ids("aws_subnet.a", "aws_subnet.b")),
    ("toset([aws_subnet.b.id, aws_subnet.b.id])", _ids("aws_subnet.b")),
    ("contains(aws_subnet.private[*].id, aws_subnet.private[1].id)", True),
    ("contains(aws_subnet.private[*].id, aws_subnet.a.id)", False),
    ("index(aws_subnet.private[*].id, aws_subnet.private[2].id)", 2),
    ("aws_subnet.a.id == aws_subnet.b.id", False),
    ("aws_subnet.a.id != aws_subnet.a.id", False),
    (
        'matchkeys(aws_subnet.private[*].id, aws_subnet.private[*].availability_zone, ["us-east-1b"])',
        _ids(PRIVATE[1]),
    ),
    ('zipmap(["x"], [aws_subnet.a.id])', {"x": ResourceRef("aws_subnet.a", "id")}),
    ('try(aws_subnet.a.id, "none")', ResourceRef("aws_subnet.a", "id")),
    # sort() of references keeps the members, not an order: what depends on the order is unknown.
    ("length(sort([aws_subnet.b.id, aws_subnet.a.id]))", 2),
    ("sort([aws_subnet.b.id, aws_subnet.a.id])[0]", UNKNOWN),
    ("element(sort([aws_subnet.b.id, aws_subnet.a.id]), 0)", UNKNOWN),
    ("slice(sort([aws_subnet.b.id, aws_subnet.a.id]), 0, 1)", UNKNOWN),
    ('join(",", sort([aws_subnet.b.id, aws_subnet.a.id]))', UNKNOWN),
    ("[for i, s in sort([aws_subnet.b.id, aws_subnet.a.id]) : i][0]", UNKNOWN),
    ("element(tolist(toset([aws_subnet.a.id, aws_subnet.b.id])), 0)", UNKNOWN),
    ("toset([aws_subnet.a.id])[0]", UNKNOWN),  # a set has no index: an error in Terraform
    # What cannot be decided stays unknown: an unknown element, or ids of different resource types.
    ("setsubtract([aws_subnet.a.id, aws_security_group.endpoints.id], [aws_subnet.b.id])", UNKNOWN),
    ("distinct([aws_subnet.a.id, var.unknown])", UNKNOWN),
    ("compact([aws_subnet.a.id, var.unknown])", UNKNOWN),
    ('contains([aws_subnet.a.id], "subnet-0123456789abcdef0")', UNKNOWN),
    ("flatten([aws_subnet.a.cidr_block_associations])", UNKNOWN),
    ('try(aws_subnet.a.tags_all, "none")', UNKNOWN),
]


@pytest.mark.parametrize(("expression", "expected"), REFERENCE_TABLE, ids=[case[0] for case in REFERENCE_TABLE])
def test_functions_keep_references_where_the_result_is_certain(tmp_path: Path, expression: str, expected: Any) -> None:
    (tmp_path / "main.tf").write_text(
        SUBNETS + f'resource "test_thing" "probe" {{\n  value = {expression}\n}}\n', encoding="utf-8"
    )
    probe = load_directory(str(tmp_path), "root").resource("test_thing.probe")
    assert probe is not None
    value = probe.get("value")
    if isinstance(expected, list) and "set" in expression:
        assert isinstance(value, list) and sorted(map(str, value)) == sorted(map(str, expected))
    else:
        assert (UNKNOWN if isinstance(value, Unknown) else value) == expected


def test_the_functions_import_neither_the_evaluator_nor_a_parser() -> None:
    """They run inside checkov's environment, where python-hcl2 is not installed (and lark may not be)."""
    script = (
        "import sys\n"
        "sys.modules['hcl2'] = None\n"
        "sys.modules['lark'] = None\n"
        "import vpce_checks.loader.functions as functions\n"
        "assert 'vpce_checks.loader.evaluate' not in sys.modules\n"
        "assert 'vpce_checks.loader.syntax' not in sys.modules\n"
        "print(functions.call('cidrsubnet', ['10.0.0.0/16', 8, 2], functions.Environment()))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "10.0.2.0/24\n"


def test_the_passing_subnet_sets_are_known_not_silent() -> None:
    """vpce005_pass_subnet_sets_from_functions passes because the rule can count its AZs, not by silence."""
    fixture = Path(__file__).parent.parent / "fixtures" / "vpce005_pass_subnet_sets_from_functions"
    config = load_directory(str(fixture), "fixture")
    interface = [
        r for r in config.resources if r.type == "aws_vpc_endpoint" and r.get("vpc_endpoint_type") == "Interface"
    ]
    assert len(interface) == 3
    for endpoint in interface:
        subnets = endpoint.get("subnet_ids")
        assert isinstance(subnets, list) and len(subnets) >= 2, endpoint.address
        assert all(isinstance(subnet, ResourceRef) for subnet in subnets), endpoint.address
