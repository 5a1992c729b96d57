"""The store connector (scaffolded by `omnikop connector new store`; see README.md for the TODO list)."""
