"""Debian's Chromium driven by Playwright (from PyPI), for the browser tests, the benchmark and
the README screenshot. Never `playwright install`: it downloads browsers; we use the system's.

    apt-get install chromium   # Debian/Ubuntu; the browser tests need /usr/bin/chromium
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("CHAINRULE_CHROMIUM", "/usr/bin/chromium")
INSTALL_LINE = "sudo apt-get install chromium  (and pip install 'chainrule[dev]' for playwright)"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def missing() -> str | None:
    """Why the browser cannot run here (None if it can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} not found"
    return None


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Chromium (Playwright gives each launch a new, empty profile); open contexts
    on it with ``browser.new_context(...)``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield instance
        finally:
            instance.close()


# ---------------------------------------------------------------- a live Jupyter server

JUPYTER_INSTALL_LINE = "pip install 'chainrule[dev]'  (brings jupyterlab and notebook)"


def jupyter_missing() -> str | None:
    """Why JupyterLab and Notebook 7 cannot be served here (None if they can)."""
    import importlib.util

    for module in ("jupyterlab", "notebook", "nbclient"):
        if importlib.util.find_spec(module) is None:
            return f"the {module} package is not installed"
    return None


class JupyterServer:
    """``jupyter lab`` on 127.0.0.1 serving ``root``: JupyterLab at /lab, Notebook 7 at
    /notebooks. Its own config, data (the notebook-signing secret) and settings folders, no
    update checks or news: nothing leaves the machine."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root.parent / (root.name + "-jupyter")
        self.settings = self.home / "settings"
        self.token = secrets.token_hex(16)
        self.env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(self.home / "config"),
            "JUPYTER_DATA_DIR": str(self.home / "data"),
            "JUPYTER_RUNTIME_DIR": str(self.home / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(self.settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(self.home / "workspaces"),
        }
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> None:
        for name in ("config", "data", "runtime", "workspaces"):
            (self.home / name).mkdir(parents=True, exist_ok=True)
        self.theme("JupyterLab Light")
        self.log = open(self.home / "server.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyterlab",
                "--no-browser",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={self.port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.root}",
                "--LabApp.news_url=",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                "--LabApp.extension_manager=readonly",
                "--ServerApp.allow_root=True",
            ],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("jupyter lab exited: " + self.read_log())
            try:
                with urllib.request.urlopen(
                    f"{self.base}/api/status?token={self.token}", timeout=2
                ):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("jupyter lab did not start: " + self.read_log())

    def read_log(self) -> str:
        return (self.home / "server.log").read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.log.close()

    def theme(self, name: str) -> None:
        """Set the theme pages load with (JupyterLab and Notebook 7 share the setting); no
        news or update checks either (they would ask the network)."""
        folder = self.settings / "@jupyterlab" / "apputils-extension"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "themes.jupyterlab-settings").write_text(json.dumps({"theme": name}))
        quiet = {"fetchNews": "false", "checkForUpdates": False}
        (folder / "notification.jupyterlab-settings").write_text(json.dumps(quiet))

    def sign(self, notebook: Path) -> None:
        """Mark ``notebook`` trusted, as ``jupyter trust`` does, for this server."""
        import nbformat
        from nbformat.sign import NotebookNotary

        nb = nbformat.read(notebook, as_version=4)
        NotebookNotary(data_dir=self.env["JUPYTER_DATA_DIR"]).sign(nb)

    def url(self, front_end: str, notebook: str) -> str:
        """The page of ``notebook`` in "lab" (JupyterLab) or "notebook" (Notebook 7)."""
        path = "lab/tree" if front_end == "lab" else "notebooks"
        return f"{self.base}/{path}/{notebook}?token={self.token}"


@contextmanager
def jupyter_server(root: Path) -> Iterator[JupyterServer]:
    """A started `JupyterServer` for the block; stopped after it."""
    server = JupyterServer(root)
    try:
        server.start()
        yield server
    finally:
        server.stop()
