# `make test` and `make demo` set themselves up: they create .venv on first use and
# install the package (editable) with the workbook engine (extra "workbook"), the xlwings
# of the macro-enabled template (extra "classic") and the test dependencies. Nothing else is needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: test demo setup templates pictures bench clean pyodide

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[workbook,classic,test]'
	touch $(STAMP)

setup: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

demo: $(STAMP)
	$(BIN)/talentneeds demo --force

# the xlwings Lite runtime for tests/pyodide: Pyodide 0.27.7 from npm, its numpy/pandas
# wheels (sha256-checked against its pyodide-lock.json), pinned xlwings wheels (needs node, npm)
pyodide: $(STAMP)
	$(BIN)/python tests/pyodide/provision.py

# benchmarks: per-call overhead, Monte Carlo scaling, whole workbooks vs LibreOffice, a profile
# -> bench/results.md (about 10 minutes on 2 cores; LibreOffice's columns need soffice)
bench: $(STAMP)
	$(BIN)/python -m bench.run

# rebuild the committed templates after changing the template's description
templates: $(STAMP)
	$(BIN)/talentneeds template -o workbook_templates/talent-needs.xlsx --force
	$(BIN)/talentneeds template -o workbook_templates/talent-needs.xlsm --force

# the README's pictures: the computed demo's sheets a user reads, drawn by LibreOffice
# (needs soffice and pdftoppm: apt-get install libreoffice-calc-nogui poppler-utils)
pictures: $(STAMP)
	$(BIN)/talentneeds demo --force -o $(VENV)/pictures-demo.xlsx > /dev/null
	$(BIN)/talentneeds render $(VENV)/pictures-demo.xlsx --sheet Dashboard --sheet Needs --sheet Candidates --sheet Cohort \
		--sheet Plan --sheet Scenarios --sheet Checks -o docs/images --force
	rm -f docs/images/*-[0-9].png  # the README shows each sheet's first page

clean:
	rm -rf $(VENV) build addin/*.egg-info .pytest_cache .hypothesis tests/pyodide/node_modules tests/pyodide/.cache tests/ooxml/node_modules
