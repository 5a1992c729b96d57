"""The foundation every other package stands on: the database base and sessions, the configuration file and
the cooperatives (tenants) it names.

A leaf: it imports nothing of omnikop's other packages, so any of them may import it without a cycle.
"""
