"""Everything solved: solve runs, schedule versions and their views (a later issue)."""
