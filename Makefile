# The two quick-start commands are `make demo` and `make test`; both set up .venv with uv first.
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := .tools/bin/uv
endif
export UV_PYTHON_DOWNLOADS := never
export NO_MKDOCS_2_WARNING := 1
VENV := .venv
BIN := $(VENV)/bin

.PHONY: all demo test lint types unit docs docs-serve bench clean

all: test

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==0.13.9

$(VENV)/.synced: uv.lock pyproject.toml $(wildcard adapters/*/pyproject.toml) | $(UV)
	$(UV) sync --frozen --all-packages --all-extras --python $(PYTHON)
	@touch $@

demo: $(VENV)/.synced
	$(BIN)/python examples/demo.py

lint: $(VENV)/.synced
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

types: $(VENV)/.synced
	$(BIN)/mypy

unit: $(VENV)/.synced
	$(BIN)/pytest -q
	cd adapters/_template && ../../$(BIN)/pytest -q  # the template passes the contract as copied

docs: $(VENV)/.synced
	$(BIN)/mkdocs build --strict --quiet

test: lint types unit docs

bench: $(VENV)/.synced
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .tools site .mypy_cache .ruff_cache .pytest_cache
