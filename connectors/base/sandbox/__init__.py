"""Sandbox kit: the deterministic world, fault injection and a loopback server for platform simulators."""
