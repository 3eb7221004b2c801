"""The app behind a real sshd on 127.0.0.1, and a relay that counts (and can slow) what crosses.

A private sshd (generated host and user keys, a free port, a ForceCommand that runs the app) and
``ssh -tt`` in an 80×24 pseudo-terminal. Between them, a TCP relay in this process counts the
bytes sshd sends to the client (the wire, SSH framing included) and, when asked, behaves as a
slow link: a bandwidth in bits per second and a one-way delay, both directions.

    link = SshLink(store, folder)                 # raises Missing where sshd or ssh is not there
    with link:                                     # sshd, relay and client started; all stopped after
        link.relay.server_bytes                    # bytes sshd → client so far
        link.client.send(b"\\x1ba")                 # a key typed at the cashier's terminal
"""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path

from bench.common import REPO, Missing, PtyProcess

SSHD_CANDIDATES = ("/usr/sbin/sshd", "/usr/local/sbin/sshd", "/sbin/sshd")


def find_sshd() -> str:
    for path in (shutil.which("sshd"), *SSHD_CANDIDATES):
        if path and os.access(path, os.X_OK):
            return path
    raise Missing("sshd not installed (apt-get install -y openssh-server)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Relay:
    """Accepts one connection on a free port and carries it to ``target``, counting both ways.

    With ``bits_per_s``, each chunk leaves after the previous one has been sent at that rate and
    arrives ``delay_s`` later (a serial line then a long cable): a 64 kbit/s, 100 ms link.
    """

    def __init__(self, target: int, bits_per_s: float | None = None, delay_s: float = 0.0) -> None:
        self.target = target
        self.rate = bits_per_s / 8 if bits_per_s else None  # bytes per second
        self.delay = delay_s
        self.server_bytes = 0  # sshd → client, delivered
        self.client_bytes = 0
        self.last_server_at = 0.0  # monotonic time of the last delivery to the client
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        client, _ = self.listener.accept()
        server = socket.create_connection(("127.0.0.1", self.target))
        for sock in (client, server):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._pump(server, client, True)
        self._pump(client, server, False)

    def _pump(self, source: socket.socket, sink: socket.socket, from_server: bool) -> None:
        queue: deque[tuple[float, bytes]] = deque()
        ready = threading.Condition()
        state = {"busy_until": 0.0, "open": True}

        def read() -> None:
            while True:
                try:
                    data = source.recv(65536)
                except OSError:
                    data = b""
                now = time.monotonic()
                with ready:
                    if not data:
                        state["open"] = False
                        ready.notify()
                        return
                    if self.rate:  # in pieces, as a serial line lets them out
                        for at in range(0, len(data), 256):
                            piece = data[at : at + 256]
                            state["busy_until"] = max(now, state["busy_until"]) + len(piece) / self.rate
                            queue.append((state["busy_until"] + self.delay, piece))
                    else:
                        queue.append((now, data))
                    ready.notify()

        def write() -> None:
            while True:
                with ready:
                    while not queue and state["open"]:
                        ready.wait()
                    if not queue:
                        try:
                            sink.shutdown(socket.SHUT_WR)
                        except OSError:
                            pass
                        return
                    due, data = queue.popleft()
                wait = due - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                try:
                    sink.sendall(data)
                except OSError:
                    return
                with self._lock:
                    if from_server:
                        self.server_bytes += len(data)
                        self.last_server_at = time.monotonic()
                    else:
                        self.client_bytes += len(data)

        threading.Thread(target=read, daemon=True).start()
        threading.Thread(target=write, daemon=True).start()

    def close(self) -> None:
        self.listener.close()


class SshLink:
    """sshd + relay + ``ssh -tt`` in an 80×24 pty; the app is sshd's ForceCommand on ``store``."""

    def __init__(self, store: Path, folder: Path, env: dict[str, str],
                 bits_per_s: float | None = None, delay_s: float = 0.0) -> None:
        self.sshd = find_sshd()
        self.ssh = shutil.which("ssh")
        if not self.ssh or not shutil.which("ssh-keygen"):
            raise Missing("ssh or ssh-keygen not installed (apt-get install -y openssh-client)")
        self.store, self.folder, self.env = store, folder, env
        self.bits_per_s, self.delay_s = bits_per_s, delay_s
        self.server: subprocess.Popen[bytes] | None = None
        self.relay: Relay | None = None
        self.client: PtyProcess | None = None

    def _configure(self) -> Path:
        folder = self.folder
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("host_key", "user_key"):
            if not (folder / name).exists():
                subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / name)],
                               check=True, capture_output=True)
        (folder / "authorized_keys").write_text((folder / "user_key.pub").read_text())
        os.chmod(folder / "authorized_keys", 0o600)
        # sshd gives the command a bare environment: the app's is written into the command
        keep = ("CARNET_CONFIG", "CARNET_DATA_DIR", "CARNET_PRINTER", "PATH", "HOME", "LANG", "LC_ALL")
        exports = "".join(f"export {k}='{self.env[k]}'\n" for k in keep if k in self.env)
        command = folder / "app.sh"
        command.write_text(
            f"#!/bin/sh\n{exports}export TEXTUAL_ANIMATIONS=none\ncd '{REPO}'\n"
            f"exec '{sys.executable}' -m carnet_tui --db '{self.store}'\n"
        )
        os.chmod(command, 0o755)
        self.port = free_port()
        config = folder / "sshd_config"
        config.write_text("\n".join((
            f"Port {self.port}", "ListenAddress 127.0.0.1", f"HostKey {folder / 'host_key'}",
            f"PidFile {folder / 'sshd.pid'}", f"AuthorizedKeysFile {folder / 'authorized_keys'}",
            "StrictModes no", "UsePAM no", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password", f"ForceCommand {command}", "Compression no",
            "AllowTcpForwarding no", "X11Forwarding no", "PrintMotd no", "PrintLastLog no",
            "LogLevel ERROR", "",
        )))
        return config

    def __enter__(self) -> SshLink:
        config = self._configure()
        if os.geteuid() == 0:
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation folder
        self.server = subprocess.Popen([self.sshd, "-D", "-e", "-f", str(config)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                break
            except OSError:
                if self.server.poll() is not None or time.monotonic() > deadline:
                    error = self.server.stderr.read().decode(errors="replace") if self.server.stderr else ""
                    raise Missing(f"sshd did not start: {error.strip()[:200]}") from None
                time.sleep(0.05)
        self.relay = Relay(self.port, self.bits_per_s, self.delay_s)
        env = dict(self.env, TERM=self.env.get("TERM", "xterm-256color"))
        argv = [self.ssh, "-tt", "-F", "/dev/null", "-i", str(self.folder / "user_key"),
                "-p", str(self.relay.port), "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "Compression=no", "-o", "LogLevel=ERROR",
                "-o", "BatchMode=yes", f"{getpass.getuser()}@127.0.0.1"]
        self.client = PtyProcess(argv, env)
        return self

    def settle(self, quiet: float = 0.5, timeout: float = 30.0) -> float:
        """Wait until sshd has sent nothing for ``quiet`` s; returns when its last byte came."""
        assert self.client is not None and self.relay is not None
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            self.client._read(0.02)  # the client's pty drained: ssh never blocks on it
            last = max(self.relay.last_server_at, start)
            if time.monotonic() - last > quiet:
                break
        return self.relay.last_server_at

    def __exit__(self, *_exc: object) -> None:
        if self.client is not None:
            self.client.stop()
        if self.relay is not None:
            self.relay.close()
        if self.server is not None:
            self.server.terminate()
            try:
                self.server.wait(5)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
