"""The real renderers, for ``make docs`` and the tests: mermaid-cli (with Chromium) and Graphviz's ``dot``.

They are development tools of the repository (``make diagram-tools`` installs them: the
mermaid-cli version pinned in ``tools/package-lock.json``, Debian's ``chromium`` and
``graphviz``); the package itself never runs them.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Sequence

TOOLS = Path("tools")
MERMAID_CLI = TOOLS / "node_modules" / ".bin" / "mmdc"
PUPPETEER_CONFIG = TOOLS / "puppeteer.json"
TIMEOUT = 300


class RendererMissing(RuntimeError):
    """A renderer that is not installed (run ``make diagram-tools``)."""


class RenderError(RuntimeError):
    """A renderer refused its input: the message holds what it said."""


def mermaid_command(root: Path) -> list[str]:
    """The mermaid-cli command line (without input and output), or :class:`RendererMissing`."""
    cli = root / MERMAID_CLI
    if not cli.exists() or shutil.which("chromium") is None:
        raise RendererMissing(f"mermaid-cli ({MERMAID_CLI}) or chromium is not installed: run `make diagram-tools`")
    return [str(cli), "--quiet", "--puppeteerConfigFile", str(root / PUPPETEER_CONFIG)]


def render_mermaid(root: Path, sources: Sequence[str], directory: Path, extension: str = "svg") -> list[Path]:
    """Render each Mermaid source to ``directory`` in one Chromium run; returns the files in order."""
    directory.mkdir(parents=True, exist_ok=True)
    page = directory / "diagrams.md"
    page.write_text("".join(f"```mermaid\n{source}```\n\n" for source in sources), encoding="utf-8")
    output = directory / "rendered.md"
    _run([*mermaid_command(root), "--input", str(page), "--output", str(output), "--outputFormat", extension])
    return [directory / f"rendered-{number}.{extension}" for number in range(1, len(sources) + 1)]


def render_mermaid_png(root: Path, source: str, output: Path) -> None:
    """Render one Mermaid source to a PNG on a white background (the README's picture)."""
    page = output.with_suffix(".mmd")
    page.write_text(source, encoding="utf-8")
    try:
        command = [*mermaid_command(root), "--input", str(page), "--output", str(output)]
        _run([*command, "--backgroundColor", "white", "--scale", "2"])
    finally:
        page.unlink(missing_ok=True)


def render_dot(source: str, fmt: str = "json") -> str:
    """Graphviz's ``dot -T<fmt>`` output for a DOT source, or :class:`RendererMissing`/:class:`RenderError`."""
    if shutil.which("dot") is None:
        raise RendererMissing("graphviz (dot) is not installed: run `make diagram-tools`")
    return _run(["dot", f"-T{fmt}"], source)


def _run(command: list[str], text: str | None = None) -> str:
    completed = subprocess.run(command, input=text, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    if completed.returncode != 0:
        raise RenderError(f"{Path(command[0]).name} failed ({completed.returncode}): {completed.stderr[-3000:]}")
    return completed.stdout
