# sklq developer commands. `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
# torch goes in first so that pip does not pull a multi-GB CUDA build for `torch>=2.2`.
# Elsewhere choose your own, e.g. `make install TORCH_SPEC="torch==2.5.1"`.
TORCH_SPEC ?= torch==2.13.0
EXTRAS ?= test,plot,hdf5,png,docs,distributed
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.sklq-installed

.PHONY: install test test-fast demo lint bench docs clean

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install "$(TORCH_SPEC)"
	$(VPY) -m pip install -e ".[$(EXTRAS)]"
	touch $(STAMP)

test: install
	$(VPY) -m pytest

# Everything but the tests marked slow (subprocesses, worker processes, the docs build).
test-fast: install
	$(VPY) -m pytest -m "not slow"

demo: install
	$(VPY) -m sklq demo

lint: install
	$(VPY) -m ruff check sklq tests benchmarks examples docs

bench: install
	for script in benchmarks/bench_*.py; do $(VPY) $$script || exit 1; done

docs: install
	$(VPY) -m sphinx -W -b html docs docs/_build/html

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
