# storylens — every target sets up .venv itself.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: demo test bench lint train-ner train-ner-neural train-similarity clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# Two comparisons, then the example folder ingested into a fresh embedded (SQLite) store and
# grouped into stories.
demo: $(STAMP)
	mkdir -p out
	$(BIN)/storylens compare examples/flood_a.txt examples/flood_b.txt --html out/compare.html
	$(BIN)/storylens compare examples/flood_a.txt examples/unrelated.txt
	rm -f demo.db demo.db-wal demo.db-shm demo.db.ingest-lock
	$(BIN)/storylens ingest examples --db demo.db
	$(BIN)/storylens stories --db demo.db --html out/stories.html
	$(BIN)/storylens stories --db demo.db --json \
	  | $(BIN)/python -c "import json, sys; print(json.load(sys.stdin)[0]['id'])" > out/largest-story
	$(BIN)/storylens story $$(cat out/largest-story) --db demo.db --html out/story.html

test: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/speed.py

lint: $(STAMP)
	$(BIN)/ruff check storylens tests benchmarks
	$(BIN)/mypy storylens

train-ner: $(STAMP)
	$(BIN)/python -m storylens.nlp.ner.train

# The network half of the NER ensemble (after train-ner, which writes the lexicon it reads).
# A longer job, not run in CI: torch is only needed to train, and its CPU build is pinned.
train-ner-neural: $(STAMP)
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/python -m storylens.nlp.ner.train_neural

clean:
	rm -rf $(VENV) build *.egg-info

train-similarity: $(STAMP)
	$(BIN)/python -m storylens.compare.train
