"""The README's pictures come from examples/render_readme_images.py: it must keep working."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_image_script_renders_both_pictures(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "render_readme_images", ROOT / "examples" / "render_readme_images.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(["--out", str(tmp_path), "--no-browser"])
    for name in ("graph.png", "step_through.png"):
        data = (tmp_path / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert 10_000 < len(data) < 200_000  # a real picture, small enough for the repo
        assert (ROOT / "docs" / "images" / name).exists()  # the committed copy the README shows
