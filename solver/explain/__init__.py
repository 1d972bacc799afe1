"""Why coverage stays below 100%, in the coordinator's words (issue 7)."""
