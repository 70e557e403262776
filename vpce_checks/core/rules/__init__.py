"""One module per rule: its metadata, its documentation and its logic together."""
