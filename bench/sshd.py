"""The one private sshd of the tests and the bench, and the bench's relay that counts (and can slow)
what crosses.

``PrivateSshd``: what docs/DEPLOY.md sets up for a real counter, in a throwaway folder: generated
host and user keys, public keys only, no password, no forwarding of any kind, one ``ForceCommand``
whatever the client asks. It logs in as the account running it (root in CI: ``PermitRootLogin
prohibit-password``, keys only). ``stop()`` always ends the daemon; use it as a context manager.
tests/test_ssh.py uses it through ``tests/support/sshd.py``.

``SshLink`` (the bench): a ``PrivateSshd`` running the app, a TCP relay in this process that counts
the bytes sshd sends to the client (the wire, SSH framing included) and, when asked, behaves as a
slow link (bits per second, a one-way delay), and ``ssh -tt`` through the relay in an 80×24 pty.

    link = SshLink(store, folder, env)            # raises Missing where sshd or ssh is not there
    with link:                                     # sshd, relay and client started; all stopped after
        link.relay.server_bytes                    # bytes sshd → client so far
        link.client.send(b"\\x1ba")                 # a key typed at the cashier's terminal

Why here, in bench/: the tests already import bench (tests/test_door_race.py uses
bench.door_bench) and bench imports nothing of tests/, so bench → tests would make a cycle while
tests → bench follows the existing direction. The module needs only the standard library and
bench.common.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path

from bench.common import REPO, Missing, PtyProcess

SSHD = shutil.which("sshd", path="/usr/sbin:/usr/local/sbin:/sbin:" + os.environ.get("PATH", ""))
SSH = shutil.which("ssh")
SSH_KEYGEN = shutil.which("ssh-keygen")
HOST_ALIAS = "carnet-private-sshd"  # the known_hosts name of the daemon, whatever port reaches it


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
    """sshd on a free port of 127.0.0.1 with its ForceCommand; started on construction."""

    def __init__(self, folder: Path, command: list[str], env: dict[str, str] | None = None,
                 cwd: Path | None = None, extra_config: tuple[str, ...] = ()) -> None:
        """``command``: what every login runs (the ForceCommand), ``env`` exported before it, in
        ``cwd`` when given; ``extra_config``: more sshd_config lines (the bench's ``Compression no``)."""
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
        chdir = f"cd {shlex.quote(str(cwd))}\n" if cwd is not None else ""
        script.write_text(f"#!/bin/sh\n{exports}{chdir}exec {shlex.join(command)}\n", encoding="utf-8")
        script.chmod(0o755)
        public = self.user_key.with_suffix(".pub").read_text(encoding="utf-8")
        (folder / "authorized_keys").write_text("restrict,pty " + public, encoding="utf-8")
        (folder / "known_hosts").write_text(  # under an alias: the same key whichever port (a relay's)
            f"{HOST_ALIAS} " + self.host_key.with_suffix(".pub").read_text(encoding="utf-8"),
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
                *extra_config,
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

    def client_argv(self, *extra: str, port: int | None = None) -> list[str]:
        """``ssh -tt`` to this daemon with its key only: no config file, no agent, no prompt.
        ``port``: another way in to it (a relay in front), checked against the same host key."""
        return [
            SSH or "ssh", "-tt", "-F", "/dev/null", "-i", str(self.user_key), "-p", str(port or self.port),
            "-o", f"HostKeyAlias={HOST_ALIAS}",
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
    """``PrivateSshd`` + relay + ``ssh -tt`` in an 80×24 pty; the app is sshd's ForceCommand on ``store``."""

    # sshd gives the command a bare environment: these of the bench's are exported to it
    KEEP = ("CARNET_CONFIG", "CARNET_DATA_DIR", "CARNET_PRINTER", "PATH", "HOME", "LANG", "LC_ALL")

    def __init__(self, store: Path, folder: Path, env: dict[str, str],
                 bits_per_s: float | None = None, delay_s: float = 0.0) -> None:
        why = available()
        if why is not None:
            raise Missing(why)
        self.store, self.folder, self.env = store, folder, env
        self.bits_per_s, self.delay_s = bits_per_s, delay_s
        self.server: PrivateSshd | None = None
        self.relay: Relay | None = None
        self.client: PtyProcess | None = None

    def __enter__(self) -> SshLink:
        exports = {k: self.env[k] for k in self.KEEP if k in self.env}
        exports["TEXTUAL_ANIMATIONS"] = "none"
        try:
            app = [sys.executable, "-m", "carnet_tui", "--db", str(self.store)]
            self.server = PrivateSshd(self.folder, app, exports, cwd=REPO, extra_config=("Compression no",))
        except RuntimeError as exc:
            raise Missing(f"sshd did not start: {str(exc).strip()[:200]}") from None
        self.relay = Relay(self.server.port, self.bits_per_s, self.delay_s)
        env = dict(self.env, TERM=self.env.get("TERM", "xterm-256color"))
        self.client = PtyProcess(self.server.client_argv("-o", "Compression=no", port=self.relay.port), env)
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
            self.server.stop()
