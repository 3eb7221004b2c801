"""The tests' private sshd: the one harness of bench/sshd.py (see its docstring for why it lives
there), named here so that the tests find it with their other helpers."""

from bench.sshd import PrivateSshd, available, free_port

__all__ = ["PrivateSshd", "available", "free_port"]
