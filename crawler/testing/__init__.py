"""Offline stand-ins for the public services the crawler talks to, for tests and benchmarks."""
