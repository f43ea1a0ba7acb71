# `make test` and `make demo` set themselves up: they create .venv on first use and
# install the package (editable) with its test dependencies. Nothing else is needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: test demo setup templates pictures bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

demo: $(STAMP)
	$(BIN)/talentneeds demo

# benchmarks: per-call overhead, Monte Carlo scaling, whole workbooks vs LibreOffice, a profile
# -> bench/results.md (about 10 minutes on 2 cores; LibreOffice's columns need soffice)
bench: $(STAMP)
	$(BIN)/python -m bench.run

# rebuild the committed templates after changing the template's description
templates: $(STAMP)
	$(BIN)/talentneeds template -o workbook_templates/talent-needs.xlsx --force
	$(BIN)/talentneeds template -o workbook_templates/talent-needs.xlsm --force

# the README's pictures: the computed demo's Needs and Cohort sheets, drawn by LibreOffice
# (needs soffice and pdftoppm: apt-get install libreoffice-calc-nogui poppler-utils)
pictures: $(STAMP)
	$(BIN)/talentneeds demo -o $(VENV)/pictures-demo.xlsx > /dev/null
	$(BIN)/talentneeds render $(VENV)/pictures-demo.xlsx --sheet Needs --sheet Cohort --sheet Plan -o docs/images

clean:
	rm -rf $(VENV) build addin/*.egg-info .pytest_cache .hypothesis
