# Everything a fresh machine needs: `make run` and `make test` create .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test eval train bench clean

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

eval: $(STAMP)
	$(BIN)/archive-bot eval data/questions/dev.jsonl data/archive

train: $(STAMP)
	$(BIN)/archive-bot train data/questions/train.jsonl data/archive --dev data/questions/dev.jsonl --out index/ranker.json

bench: $(STAMP)
	$(BIN)/archive-bot bench --passages 100000 --queries 200

clean:
	rm -rf $(VENV) data/index
