"""Story clustering: ANN candidate search and the incremental clusterer."""
