# Every target creates the virtualenv it needs, so a fresh clone needs only python3 and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: example test lint docs bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## example: scan the bundled example Terraform and print its findings
example: $(BIN)/.installed
	@$(BIN)/vpce-checks examples; status=$$?; [ $$status -le 1 ] || exit $$status

## test: run the whole test suite
test: $(BIN)/.installed
	$(BIN)/pytest

## lint: ruff and mypy
lint: $(BIN)/.installed
	$(BIN)/ruff check vpce_checks tests benchmarks
	$(BIN)/ruff format --check vpce_checks tests benchmarks
	$(BIN)/mypy

## docs: regenerate docs/rules/*.md and the README rule table from the rules
docs: $(BIN)/.installed
	$(BIN)/python -m vpce_checks.docs

## bench: time vpce-checks (cold and warm cache) against checkov on a generated 5,000-file monorepo
# checkov lives in a virtualenv of its own: its hcl2 module is a fork that clashes with python-hcl2.
CHECKOV ?= .venv-checkov/bin/checkov
bench: $(BIN)/.installed $(CHECKOV)
	$(BIN)/python benchmarks/run.py --checkov $(CHECKOV)

.venv-checkov/bin/checkov:
	$(PYTHON) -m venv .venv-checkov
	.venv-checkov/bin/pip install --quiet checkov==3.3.30

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
