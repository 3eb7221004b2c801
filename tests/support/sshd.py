"""A private sshd on 127.0.0.1 for the tests: generated host and user keys, one ``ForceCommand``.

What docs/DEPLOY.md sets up for a real counter, in a throwaway folder: public keys only, no password,
no forwarding of any kind, the command forced whatever the client asks. It logs in as the account
running the tests (root in CI: ``PermitRootLogin prohibit-password``, keys only). ``stop()`` always
ends the daemon; use it as a context manager.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import socket
import subprocess
import time
from pathlib import Path

SSHD = shutil.which("sshd", path="/usr/sbin:/usr/local/sbin:/sbin:" + os.environ.get("PATH", ""))
SSH = shutil.which("ssh")
SSH_KEYGEN = shutil.which("ssh-keygen")


def available() -> str | None:
    """None when a private sshd can be run here, else why not (for a skip)."""
    if not (SSHD and SSH and SSH_KEYGEN):
        return "openssh-server and openssh-client are needed (.ci/run installs them)"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateSshd:
    def __init__(self, folder: Path, command: list[str], env: dict[str, str] | None = None) -> None:
        """``command``: what every login runs (the ForceCommand), ``env`` exported before it."""
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.user = pwd.getpwuid(os.getuid()).pw_name
        self.port = free_port()
        self.host_key = folder / "host_ed25519"
        self.user_key = folder / "user_ed25519"
        for key in (self.host_key, self.user_key):
            subprocess.run([SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
        # the forced command: a script, so that the environment it needs is set by the server side
        script = folder / "counter.sh"
        exports = "".join(f"export {name}={shlex.quote(value)}\n" for name, value in (env or {}).items())
        script.write_text(f"#!/bin/sh\n{exports}exec {shlex.join(command)}\n", encoding="utf-8")
        script.chmod(0o755)
        public = self.user_key.with_suffix(".pub").read_text(encoding="utf-8")
        (folder / "authorized_keys").write_text("restrict,pty " + public, encoding="utf-8")
        (folder / "known_hosts").write_text(
            f"[127.0.0.1]:{self.port} " + self.host_key.with_suffix(".pub").read_text(encoding="utf-8"),
            encoding="utf-8")
        self.config = folder / "sshd_config"
        self.config.write_text(
            "\n".join([
                f"Port {self.port}",
                "ListenAddress 127.0.0.1",
                f"HostKey {self.host_key}",
                f"PidFile {folder / 'sshd.pid'}",
                f"AuthorizedKeysFile {folder / 'authorized_keys'}",
                "StrictModes no",  # the throwaway folder lives in /tmp
                "UsePAM no",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "AllowTcpForwarding no",
                "AllowAgentForwarding no",
                "AllowStreamLocalForwarding no",
                "X11Forwarding no",
                "PermitTunnel no",
                "PermitUserEnvironment no",
                "ClientAliveInterval 15",
                "ClientAliveCountMax 4",
                f"ForceCommand {script}",
                "LogLevel ERROR",
                "",
            ]),
            encoding="utf-8",
        )
        if os.geteuid() == 0:
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # the privilege separation folder
        self.log = open(folder / "sshd.log", "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(self.config)],
                                        stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_listening()

    def _wait_listening(self, limit: float = 10.0) -> None:
        end = time.monotonic() + limit
        while time.monotonic() < end:
            if self.process.poll() is not None:
                raise RuntimeError(f"sshd ended: {(self.folder / 'sshd.log').read_text(errors='replace')}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("sshd never listened")

    def client_argv(self, *extra: str) -> list[str]:
        """``ssh -tt`` to this daemon with its key only: no config file, no agent, no prompt."""
        return [
            SSH or "ssh", "-tt", "-F", "/dev/null", "-i", str(self.user_key), "-p", str(self.port),
            "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=yes", "-o", f"UserKnownHostsFile={self.folder / 'known_hosts'}",
            "-o", "LogLevel=ERROR", *extra, f"{self.user}@127.0.0.1",
        ]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.log.close()

    def __enter__(self) -> PrivateSshd:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
