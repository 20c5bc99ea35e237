# Everything a fresh machine needs: `make run` and `make test` create .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then $(BIN)/archive-bot serve; else $(BIN)/archive-bot chat; fi

test: $(STAMP)
	$(BIN)/ruff check bot index tests
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/archive-bot bench --passages 100000 --queries 200

clean:
	rm -rf $(VENV) data/index
