"""The course in the browser: every notebook of build/site/ (made by `make site`) opened in
JupyterLite in headless Chromium and run top to bottom on Pyodide, with the network blocked.

Run with `make site-test` (it builds the site clean first). Slow (minutes), so `make test` does
not collect it. Each notebook gets a fresh browser context (empty cache and storage, as a first
visit). Any request that is not to the local server is aborted and fails the run: offline, a
hang is what a CDN fallback looks like.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests_site.serve import SITE, blocking_router

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
READY_TIMEOUT = 300  # s from opening a notebook to an idle kernel (a loaded 2-core machine is slow)
RUN_TIMEOUT = 600  # s for one notebook's cells

# Resolves once the notebook's kernel has started and answered kernel_info.
KERNEL_READY = """async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  await panel.sessionContext.ready;
  const kernel = panel.sessionContext.session.kernel;
  await kernel.info;
  return kernel.name;
}"""
# Runs every cell in order (stopping at an error, as Jupyter does, unless the cell is tagged
# raises-exception), then reports each code cell's error, if any, and whether it ran.
RUN_ALL = """async () => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  const ok = await app.commands.execute("notebook:run-all-cells");
  const cells = [];
  const model = panel.content.model;
  for (let i = 0; i < model.cells.length; i++) {
    const cell = model.cells.get(i);
    if (cell.type !== "code") continue;
    const outputs = cell.outputs.toJSON();
    const tags = cell.getMetadata("tags") || [];
    const expected = tags.includes("raises-exception");  // Jupyter's tag for a wanted error
    const error = expected ? null : outputs.find((o) => o.output_type === "error");
    cells.push({
      index: i,
      ran: cell.executionCount !== null,
      error: error ? `${error.ename}: ${error.evalue}` : null,
      text: outputs.map((o) => JSON.stringify(o.text || o.data || "")).join(" ").slice(0, 300),
    });
  }
  return { ok, cells };
}"""


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs_in_the_site(
    notebook: str, browser: Any, server: str, record: dict[str, Any]
) -> None:
    attempts: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", blocking_router(server, attempts))
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    try:
        start = time.perf_counter()
        page.goto(f"{server}/notebooks/index.html?path={notebook}")
        page.wait_for_function(
            "window.jupyterapp && window.jupyterapp.shell.currentWidget"
            " && window.jupyterapp.shell.currentWidget.sessionContext",
            timeout=READY_TIMEOUT * 1000,
        )
        page.set_default_timeout(READY_TIMEOUT * 1000)
        kernel = page.evaluate(KERNEL_READY)
        record["ready"] = time.perf_counter() - start
        assert kernel == "python", f"{notebook} opened with kernel {kernel!r}"

        page.set_default_timeout(RUN_TIMEOUT * 1000)
        start = time.perf_counter()
        outcome = page.evaluate(RUN_ALL)
        record["run"] = time.perf_counter() - start
        errors = [c for c in outcome["cells"] if c["error"]]
        not_run = [c["index"] for c in outcome["cells"] if not c["ran"]]
        again = [c["index"] for c in outcome["cells"] if "run the cell again" in c["text"]]
        problems = []
        if errors:
            problems.append(f"cell {errors[0]['index']} raised {errors[0]['error']}")
        if not_run:
            problems.append(f"cells not run: {not_run}")
        if again:
            problems.append(f"cells asking to be run again: {again}")
        if attempts:
            problems.append(f"requests that would leave the machine: {attempts[:5]}")
        record["why"] = "; ".join(problems)
        shot = SITE.parent / "site-test-shots" / f"{Path(notebook).stem}.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot))
        assert not problems and outcome["ok"], (
            f"{notebook}: {record['why']}; console: {console[-5:]}"
        )
        record["status"] = "pass"
    except Exception as error:
        record["why"] = record["why"] or str(error).splitlines()[0][:200]
        raise
    finally:
        context.close()
