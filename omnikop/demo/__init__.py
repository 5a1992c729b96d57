"""The demo: the main job on embedded defaults (sandboxes, demo members and mappings, real DAG runs)."""
