"""Build the course as a static JupyterLite site in build/site/, from scratch every time.

Everything comes from pinned registry versions: JupyterLite from PyPI (site/requirements.txt),
Pyodide and Viz.js from npm (site/package.json, site/package-lock.json), the pure-Python wheels
the notebooks import from PyPI (Pyodide's lock versions, plus site/wheels.txt), and chainrule's
own wheel from this checkout. Nothing is fetched from a CDN, now or when the site runs.

Run it with `make site`; the README section "Open the course in your browser" says how to bump.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from autograd.viz.layout import VIZ_JS  # the file name the browser branch loads Viz.js from

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "site"
OUT = ROOT / "build" / "site"
WORK = ROOT / "build" / "site-work"  # the JupyterLite "lite dir"; also holds downloads
PYODIDE_DIR = WORK / "static" / "pyodide"  # where the Pyodide kernel's build addon looks

# Files of the npm `pyodide` package the runtime needs (no wheels: those are added below).
PYODIDE_FILES = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"]
# Packages of Pyodide's lock shipped, with their dependencies: what the kernel itself imports
# (micropip, IPython, jedi for completion) and what chainrule's notebooks need.
FROM_LOCK = ["micropip", "ipython", "jedi", "tqdm", "sortedcontainers"]
# Wheels of site/wheels.txt that become lock entries: name -> (imports, depends).
NEW_ENTRIES = {
    "hypothesis": (["hypothesis"], ["sortedcontainers"]),
    "names": (["names"], []),
    "graphviz": (["graphviz"], []),
}
# chainrule's entry: `import autograd` or `import nn` in a cell loads it and these (nn.data
# imports names, nn.progress tqdm, autograd.viz graphviz, autograd.testing hypothesis indirectly).
CHAINRULE_DEPENDS = ["graphviz", "hypothesis", "names", "tqdm"]
SDIST_ONLY = {"names"}  # on PyPI as an sdist only: pip builds its (pure) wheel
PIPLITE_ONLY = ["comm"]  # wheels the kernel installs through piplite, not the lock
APPS = ["lab", "notebooks", "tree"]  # JupyterLab, and Notebook's pages (notebooks/, tree/)
PYTHON = "3.14"  # Pyodide 314's Python: wheels are chosen for it


def canon(name: str) -> str:
    """A distribution name in PEP 503 form (``Prompt_Toolkit`` -> ``prompt-toolkit``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def run(*args: str | Path, cwd: Path = ROOT) -> None:
    """Run a command, echoing it; stop the build if it fails."""
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=cwd, check=True)


def clean() -> None:
    """Remove every output of a previous build: an incremental JupyterLite build can silently
    drop the pyodideUrl setting, and the kernel then goes to a CDN."""
    for path in (OUT, WORK):
        shutil.rmtree(path, ignore_errors=True)
    (ROOT / ".jupyterlite.doit.db").unlink(missing_ok=True)
    WORK.mkdir(parents=True)


def npm_packages() -> Path:
    """Install site/package.json's exact versions (from its lockfile) under build/; return
    the node_modules folder."""
    npm = WORK / "npm"
    npm.mkdir()
    for name in ("package.json", "package-lock.json"):
        shutil.copy(HERE / name, npm / name)
    run("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", cwd=npm)
    return npm / "node_modules"


def wheels(requirements: list[str], dest: Path) -> dict[str, Path]:
    """Download the wheels of ``requirements`` for Pyodide's Python, no dependencies (build
    the wheel of an sdist-only package); return them by canonical name."""
    dest.mkdir(parents=True, exist_ok=True)
    built = [r for r in requirements if canon(r.split("==")[0]) in SDIST_ONLY]
    download = [r for r in requirements if r not in built]
    pip = [sys.executable, "-m", "pip"]
    target = ["--python-version", PYTHON, "--implementation", "py", "--abi", "none"]
    run(
        *pip,
        "download",
        "--quiet",
        "--no-deps",
        "--only-binary=:all:",
        "--platform",
        "any",
        *target,
        "--dest",
        dest,
        *download,
    )
    if built:
        run(*pip, "wheel", "--quiet", "--no-deps", "--wheel-dir", dest, *built)
    found = {}
    for path in dest.glob("*.whl"):
        if not path.name.endswith("-none-any.whl"):
            raise SystemExit(f"{path.name} is not a pure-Python wheel: Pyodide cannot load it")
        found[canon(path.name.split("-")[0])] = path
    return found


def pinned(path: Path) -> list[str]:
    """The requirement lines of a pip requirements file, comments dropped."""
    lines = (line.split("#")[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def closure(lock: dict[str, dict], seeds: list[str]) -> list[str]:
    """The lock's keys for ``seeds`` and everything they depend on."""
    keys = {canon(k): k for k in lock}
    seen: list[str] = []
    todo = list(seeds)
    while todo:
        key = keys[canon(todo.pop())]
        if key not in seen:
            seen.append(key)
            todo += lock[key]["depends"]
    return sorted(seen)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def entry(wheel: Path, imports: list[str], depends: list[str]) -> dict:
    """A pyodide-lock.json entry for a pure-Python wheel served beside the lock."""
    name, version = wheel.name.split("-")[:2]
    return {
        "name": canon(name),
        "version": version,
        "file_name": wheel.name,
        "install_dir": "site",
        "sha256": sha256(wheel),
        "package_type": "package",
        "imports": imports,
        "depends": depends,
        "unvendored_tests": False,
    }


def pyodide_tree(modules: Path) -> Path:
    """static/pyodide/: the runtime, a lock listing only what is shipped (each entry pointing
    at the PyPI wheel beside it, with its real hash), chainrule's wheel and Viz.js.
    Returns the folder of wheels to give piplite."""
    PYODIDE_DIR.mkdir(parents=True)
    for name in PYODIDE_FILES:
        shutil.copy(modules / "pyodide" / name, PYODIDE_DIR / name)
    # @viz-js/viz's ES module: Graphviz in WebAssembly, found by autograd.viz.layout beside the lock
    shutil.copy(modules / "@viz-js" / "viz" / "dist" / "viz.js", PYODIDE_DIR / VIZ_JS)

    full = json.loads((modules / "pyodide" / "pyodide-lock.json").read_text())
    keep = closure(full["packages"], FROM_LOCK)
    lock_reqs = [f"{full['packages'][k]['name']}=={full['packages'][k]['version']}" for k in keep]
    got = wheels(lock_reqs + pinned(HERE / "wheels.txt"), PYODIDE_DIR)
    chainrule_wheel = ["wheel", "--quiet", "--no-deps", "--wheel-dir", PYODIDE_DIR, ROOT]
    run(sys.executable, "-m", "pip", *chainrule_wheel)

    packages = {}
    for key in keep:  # Pyodide's entries, pointed at PyPI's files (Pyodide rebuilds its own)
        old = full["packages"][key]
        packages[key] = {**old, "file_name": got[key].name, "sha256": sha256(got[key])}
    for name, (imports, depends) in NEW_ENTRIES.items():
        packages[name] = entry(got[name], imports, depends)
    chainrule = next(PYODIDE_DIR.glob("chainrule-*.whl"))
    packages["chainrule"] = entry(chainrule, ["autograd", "nn"], CHAINRULE_DEPENDS)
    lock = {"info": full["info"], "packages": dict(sorted(packages.items()))}
    (PYODIDE_DIR / "pyodide-lock.json").write_text(json.dumps(lock, indent=1) + "\n")

    piplite = WORK / "piplite"
    piplite.mkdir()
    for name in PIPLITE_ONLY:
        got[name].rename(piplite / got[name].name)
    return piplite


def contents() -> None:
    """The notebooks, and nothing else a run may have left beside them (.hypothesis, models)."""
    (WORK / "contents").mkdir()
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        shutil.copy(notebook, WORK / "contents" / notebook.name)


def lite_config(piplite: Path) -> None:
    """jupyter_lite_config.json (what to build) and jupyter-lite.json (what the site runs with)."""
    build = {
        "LiteBuildConfig": {
            "apps": APPS,
            "contents": [str(WORK / "contents")],
            "output_dir": str(OUT),
            "no_sourcemaps": True,
        },
        "PipliteAddon": {"piplite_urls": [str(p) for p in sorted(piplite.glob("*.whl"))]},
    }
    runtime = {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "chainrule course",
            "exposeAppInBrowser": True,  # the site tests reach window.jupyterapp
            "litePluginSettings": {
                "@jupyterlite/pyodide-kernel-extension:kernel": {"disablePyPIFallback": True}
            },
        },
    }
    (WORK / "jupyter_lite_config.json").write_text(json.dumps(build, indent=1) + "\n")
    (WORK / "jupyter-lite.json").write_text(json.dumps(runtime, indent=1) + "\n")


def check() -> None:
    """The site's contract: an index page, every notebook at the root of its files, the
    settings the tests and the kernel rely on."""
    for page in ["index.html", *(f"{app}/index.html" for app in APPS)]:
        if not (OUT / page).is_file():
            raise SystemExit(f"build/site/{page} is missing")
    config = json.loads((OUT / "jupyter-lite.json").read_text())["jupyter-config-data"]
    if config.get("exposeAppInBrowser") is not True or "pyodide.mjs" not in json.dumps(config):
        raise SystemExit(f"build/site/jupyter-lite.json lacks the site's settings: {config}")
    missing = [
        nb.name
        for nb in (ROOT / "notebooks").glob("*.ipynb")
        if not (OUT / "files" / nb.name).is_file()
    ]
    if missing:
        raise SystemExit(f"notebooks missing from build/site/files: {missing}")


def report_size() -> None:
    """Print the site's size, raw and gzipped (what a server that compresses would send)."""
    files = [p for p in OUT.rglob("*") if p.is_file()]
    raw = sum(p.stat().st_size for p in files)
    packed = sum(len(gzip.compress(p.read_bytes(), compresslevel=6)) for p in files)
    print(f"{len(files)} files, {raw / 1e6:.1f} MB ({packed / 1e6:.1f} MB gzipped)")


def main() -> None:
    clean()
    piplite = pyodide_tree(npm_packages())
    contents()
    lite_config(piplite)
    run(sys.executable, "-m", "jupyterlite_core", "build", cwd=WORK)
    (OUT / ".nojekyll").touch()  # GitHub Pages: serve every file as is
    check()
    report_size()
    print(
        f"built {OUT.relative_to(ROOT)}/: serve it with `python -m http.server -d {OUT.relative_to(ROOT)}`"
    )


if __name__ == "__main__":
    main()
