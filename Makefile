# Two entry points, each setting up what it needs in .venv: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo lab notebooks test lint bench images operators site site-test clean

NEEDS_311 = @$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	{ echo "chainrule needs Python 3.11 or newer; try: make $(MAKECMDGOALS) PYTHON=python3.12"; exit 1; }

$(BIN)/python:
	$(NEEDS_311)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project's metadata changes.
$(VENV)/.demo-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[notebooks,data]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.demo-installed

demo: $(VENV)/.demo-installed
	$(BIN)/chainrule demo moons
	$(BIN)/chainrule demo digits

# The course in JupyterLab, with this checkout's chainrule in its kernel.
$(VENV)/.lab-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[lab]'
	touch $@ $(VENV)/.demo-installed

# Jupyter refuses to run as root without --allow-root (a container's usual user).
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)
lab: $(VENV)/.lab-installed
	$(BIN)/jupyter lab $(AS_ROOT) notebooks/

# Every notebook top to bottom, in a fresh environment holding only what `make demo` installs
# (plus nbclient, which runs them), so a notebook importing anything more fails here.
DEMO_CHECK := build/demo-venv
notebooks:
	$(NEEDS_311)
	rm -rf $(DEMO_CHECK)
	$(PYTHON) -m venv $(DEMO_CHECK)
	$(DEMO_CHECK)/bin/python -m pip install --quiet -e '.[notebooks,data]' nbclient
	$(DEMO_CHECK)/bin/python tests/run_notebooks.py notebooks/*.ipynb

test: $(VENV)/.dev-installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Value's operators, written from the table of ops in autograd/ops.py (run after changing it).
operators: $(VENV)/.dev-installed
	$(BIN)/python tools/write_operators.py

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python tools/write_operators.py --check

# The README's pictures: a graph, a step-through state, and the view in Chromium (commit the PNGs).
images: $(VENV)/.demo-installed
	$(BIN)/python examples/render_readme_images.py

bench: $(VENV)/.demo-installed
	$(BIN)/python benchmarks/engine.py
	$(BIN)/python benchmarks/training.py
	$(BIN)/python benchmarks/recurrent.py
	$(BIN)/python benchmarks/gpt.py
	$(BIN)/python benchmarks/hostile_files.py

# The course as a static JupyterLite site in build/site/, rebuilt from scratch (site/build.py).
$(VENV)/.site-installed: site/requirements.txt $(VENV)/.dev-installed
	$(BIN)/python -m pip install --quiet -r site/requirements.txt
	touch $@

site: $(VENV)/.site-installed
	$(BIN)/python site/build.py

# Every notebook run in the site, in headless Chromium with the network blocked (slow: minutes;
# two at a time, SITE_JOBS=1 for one). Prints a table: pass/fail, time to kernel ready, run time.
SITE_JOBS ?= 2
site-test: site
	$(BIN)/python -m pytest tests_site -p no:cacheprovider --tb=short -n $(SITE_JOBS)

clean:
	rm -rf $(VENV) $(DEMO_CHECK) build .pytest_cache .hypothesis .ruff_cache .mypy_cache chainrule-out
