"""Run notebooks top to bottom in this Python's environment and print each one's run time.

`make notebooks` runs it with an environment holding only what `make demo` installs, so a
notebook that imports anything more fails here. It needs nbclient (and ipykernel), not pytest.
Usage: python tests/run_notebooks.py notebooks/*.ipynb
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

TIMEOUT = 300  # seconds per cell


def run_notebook(path: Path, edits: dict[str, str] | None = None) -> list[str]:
    """Execute a notebook (after replacing each key of `edits` by its value in the cells' source)
    and return the text it printed. Raises nbclient's CellExecutionError on a failing cell."""
    notebook = nbformat.read(path, as_version=4)
    for old, new in (edits or {}).items():
        hits = [cell for cell in notebook.cells if old in cell.source]
        if len(hits) != 1:
            raise ValueError(f"{path.name}: {old!r} occurs in {len(hits)} cells, not one")
        hits[0].source = hits[0].source.replace(old, new)
    NotebookClient(
        notebook, timeout=TIMEOUT, resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    return [
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "stream" and output.get("name") == "stdout"
    ]


def main(paths: list[str]) -> int:
    failed = []
    for name in paths:
        start = time.perf_counter()
        try:
            run_notebook(Path(name))
            verdict = "ok"
        except Exception as error:  # report every notebook, then fail
            failed.append(name)
            verdict = f"FAILED\n{error}"
        print(f"{time.perf_counter() - start:6.1f} s  {name}  {verdict}", flush=True)
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
