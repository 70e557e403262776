"""Filesystem functions and the module files they may read.

Terraform resolves a relative path against its working directory, the root module's directory
(which is why modules write ``"${path.module}/file"``). Here a file is read only when it lies in
the tree of the module whose expression reads it (symbolic links resolved), is a regular file and
is within the size limit; any other file makes the result unknown, since it is not part of the
configuration under review. A missing file inside the tree is an error, as in Terraform.
https://developer.hashicorp.com/terraform/language/functions (Filesystem Functions)
"""

from __future__ import annotations

import base64
import os
import posixpath
import re
import stat
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from vpce_checks.loader import inputs
from vpce_checks.loader.conversions import EvalError, SetValue, unknowable
from vpce_checks.loader.functions.base import Environment, builtin, string
from vpce_checks.loader.functions.crypto import DIGESTS


@dataclass(frozen=True)
class ModuleFiles:
    """The files of one module's tree, read-only, with Terraform's path rules."""

    working_directory: str
    """The root module's directory: what relative paths are relative to."""
    module_directory: str
    """The directory of the module whose expressions read files: only its tree is read."""
    max_bytes: int
    max_entries: int = 10_000

    def _resolve(self, path: str) -> str:
        """The real path of ``path``; Unknowable when it is outside the module's tree or needs $HOME."""
        if path.startswith("~"):
            if len(path) > 1 and path[1] not in "/\\":
                raise EvalError("cannot expand user-specific home dir")
            raise unknowable()  # the home directory is not part of the configuration
        joined = path if os.path.isabs(path) else os.path.join(self.working_directory, path)
        inputs.seen(inputs.REAL, joined)
        inputs.seen(inputs.REAL, self.module_directory)
        real = os.path.realpath(joined)
        tree = os.path.realpath(self.module_directory)
        if real != tree and not real.startswith(tree.rstrip(os.sep) + os.sep):
            raise unknowable()
        return real

    def read(self, path: str) -> bytes:
        """The bytes of a file of the module."""
        real = self._resolve(path)
        inputs.seen(inputs.KIND, real)
        try:
            info = os.stat(real)
        except FileNotFoundError as error:
            raise EvalError(
                f"no file exists at {path}; this function works only with files that are distributed"
                " as part of the configuration source code"
            ) from error
        except OSError as error:
            raise unknowable() from error
        if stat.S_ISDIR(info.st_mode):
            raise EvalError(f"{path} is a directory, not a file")
        if not stat.S_ISREG(info.st_mode) or info.st_size > self.max_bytes:
            inputs.file_unread(real)
            raise unknowable()
        try:
            with open(real, "rb") as handle:
                content = handle.read(self.max_bytes + 1)
        except OSError as error:
            inputs.file_unread(real)
            raise unknowable() from error
        inputs.file_read(real, content)
        return content

    def exists(self, path: str) -> bool:
        """``fileexists()``."""
        real = self._resolve(path)
        inputs.seen(inputs.KIND, real)
        try:
            info = os.stat(real)
        except FileNotFoundError:
            return False
        except OSError as error:
            raise unknowable() from error
        if stat.S_ISREG(info.st_mode):
            return True
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise EvalError(f"{path} is {kind}")

    def glob(self, base: str, pattern: str) -> list[str]:
        """``fileset()``: the regular files under ``base`` matching ``pattern``, relative to ``base``."""
        real = self._resolve(base)
        matcher = _glob_pattern(pattern)
        found: list[str] = []
        entries = 0
        for directory, subdirectories, names in os.walk(real):
            inputs.seen(inputs.ENTRIES, directory)
            entries += len(names) + len(subdirectories)
            if entries > self.max_entries:
                raise unknowable()
            subdirectories.sort()
            for name in names:
                full = os.path.join(directory, name)
                relative = os.path.relpath(full, real).replace(os.sep, "/")
                if matcher(relative) and os.path.isfile(full):
                    found.append(relative)
        return found

    def absolute(self, path: str) -> str:
        """``abspath()``: relative paths joined to the working directory, cleaned, with forward slashes."""
        joined = path if os.path.isabs(path) else os.path.join(os.path.abspath(self.working_directory), path)
        return clean(joined.replace(os.sep, "/"))


@lru_cache(maxsize=128)
def _glob_pattern(pattern: str) -> Callable[[str], bool]:
    """A matcher for doublestar patterns: ``*``, ``?``, ``[...]``, ``{a,b}`` and ``**`` for any directories."""
    regex = _glob_regex(clean(pattern) if pattern else pattern)
    compiled = re.compile(regex)
    return lambda path: compiled.fullmatch(path) is not None


def _glob_regex(pattern: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index) and (index == 0 or pattern[index - 1] == "/"):
            out.append("(?:[^/]*/)*")
            index += 3
        elif (
            pattern.startswith("**", index) and (index == 0 or pattern[index - 1] == "/") and index + 2 == len(pattern)
        ):
            out.append(".*")
            index += 2
        elif char == "*":
            out.append("[^/]*")
            index += 1
        elif char == "?":
            out.append("[^/]")
            index += 1
        elif char == "[":
            end = pattern.find("]", index + 2)
            if end < 0:
                raise EvalError(f"syntax error in pattern {pattern!r}")
            body = pattern[index + 1 : end]
            negated = body.startswith(("^", "!"))
            body = body[1:] if negated else body
            out.append("[" + ("^" if negated else "") + body.replace("\\", "\\\\") + "]")
            index = end + 1
        elif char == "{":
            end = pattern.find("}", index)
            if end < 0:
                raise EvalError(f"syntax error in pattern {pattern!r}")
            choices = pattern[index + 1 : end].split(",")
            out.append("(?:" + "|".join(_glob_regex(choice) for choice in choices) + ")")
            index = end + 1
        elif char == "\\" and index + 1 < len(pattern):
            out.append(re.escape(pattern[index + 1]))
            index += 2
        else:
            out.append(re.escape(char))
            index += 1
    return "".join(out)


def clean(path: str) -> str:
    """Go's ``filepath.Clean`` for slash-separated paths."""
    if path == "":
        return "."
    cleaned = posixpath.normpath(path)
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")  # POSIX keeps two leading slashes; Go does not
    return cleaned


def _files(environment: Environment) -> Any:
    if environment.files is None:
        raise unknowable()
    return environment.files


def _reader(encode: Callable[[bytes], str]) -> Callable[[list[Any], Environment], Any]:
    def implementation(arguments: list[Any], environment: Environment) -> Any:
        return encode(_files(environment).read(string(arguments[0])))

    return implementation


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise EvalError("the file's contents are not valid UTF-8; use filebase64() for binary files") from error


def _base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


_READERS: dict[str, Callable[[bytes], str]] = {
    "file": _text,
    "filebase64": _base64,
    **{f"file{name}": digest for name, digest in DIGESTS.items()},
}
for _name, _encode in _READERS.items():
    builtin(_name, 1)(_reader(_encode))


def read_text(environment: Environment, path: str) -> str:
    """The text of a module file, for ``templatefile()``."""
    return _text(_files(environment).read(path))


@builtin("fileexists", 1)
def _fileexists(arguments: list[Any], environment: Environment) -> Any:
    return _files(environment).exists(string(arguments[0]))


@builtin("fileset", 2)
def _fileset(arguments: list[Any], environment: Environment) -> Any:
    base, pattern = string(arguments[0]), string(arguments[1])
    return SetValue(sorted(_files(environment).glob(base, pattern)))


@builtin("abspath", 1)
def _abspath(arguments: list[Any], environment: Environment) -> Any:
    path = string(arguments[0])
    if path.startswith("/"):
        return clean(path)
    return _files(environment).absolute(path)


@builtin("basename", 1)
def _basename(arguments: list[Any], environment: Environment) -> Any:
    path = string(arguments[0])
    if path == "":
        return "."
    stripped = path.rstrip("/")
    if stripped == "":
        return "/"
    return stripped.rsplit("/", 1)[-1]


@builtin("dirname", 1)
def _dirname(arguments: list[Any], environment: Environment) -> Any:
    path = string(arguments[0])
    return clean(path[: path.rfind("/") + 1])


@builtin("pathexpand", 1)
def _pathexpand(arguments: list[Any], environment: Environment) -> Any:
    path = string(arguments[0])
    if not path.startswith("~"):
        return path
    if len(path) > 1 and path[1] not in "/\\":
        raise EvalError("cannot expand user-specific home dir")
    raise unknowable()  # the home directory of whoever runs Terraform
