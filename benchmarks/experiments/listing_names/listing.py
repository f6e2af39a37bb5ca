"""Print the listing names of every story in a store, with its titles, to read them by hand.

Usage: .venv/bin/python benchmarks/experiments/listing_names/listing.py STORE.db > names.txt
(run it before and after a change and compare the two files; README.md here).
"""

from __future__ import annotations

import sys

from storylens.cluster.pipeline import list_stories
from storylens.store import open_store

if __name__ == "__main__":
    with open_store(sys.argv[1]) as store:
        for story in list_stories(store):
            titles = " || ".join(a["title"] or "" for a in story["articles"])
            print(story["top_entities"], "|", titles[:120])
