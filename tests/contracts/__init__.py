"""Contract tests: sandbox answers checked against the partners' documented field trees."""
