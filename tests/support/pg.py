"""A throwaway PostgreSQL server for the tests (or the one ``CARNET_TEST_PG`` names).

``server()`` starts a cluster once per session: initdb into a temp folder owned by an unprivileged
user (PostgreSQL refuses to run as root), a Unix socket in that folder, no TCP. It is stopped and
removed at exit, whatever the outcome. ``fresh_database()`` empties the test database between tests
(drop and re-create the public schema: faster than a new database each time).
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ENV = "CARNET_TEST_PG"
DBNAME = "carnet_test"
_started: dict[str, object] = {}


def bin_dir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


def available() -> bool:
    return bool(os.environ.get(ENV)) or bin_dir() is not None


def _as_user(user: str | None, args: list[str], **kw) -> subprocess.CompletedProcess[str]:
    cmd = ["runuser", "-u", user, "--", *args] if user else args
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: {done.stderr.strip() or done.stdout.strip()}")
    return done


def _user() -> str | None:
    """None when not root (run as ourselves); else an unprivileged account to run the server."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("no unprivileged user to run PostgreSQL")


def server() -> str:
    """The URL of the test database (created on first use)."""
    if os.environ.get(ENV):
        return os.environ[ENV]
    if "url" in _started:
        return str(_started["url"])
    bins = bin_dir()
    if bins is None:
        raise RuntimeError("PostgreSQL is not installed (pg_ctl not found)")
    user = _user()
    root = Path(tempfile.mkdtemp(prefix="carnet-pg-"))
    os.chmod(root, 0o755)
    data = root / "data"
    data.mkdir()
    if user:
        shutil.chown(root, user)
        shutil.chown(data, user)
    _as_user(user, [str(bins / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                    "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], cwd="/")
    # fast and throwaway: nothing here must survive a power cut (the benchmarks start their own)
    options = f"-k {root} -c listen_addresses='' -c fsync=off -c synchronous_commit=off " \
              "-c full_page_writes=off -c max_connections=60"
    _as_user(user, [str(bins / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-t", "60",
                    "-o", options, "start"], cwd="/")
    _started.update(root=root, data=data, user=user, bins=bins)
    atexit.register(stop)
    _watch(root, data, user, bins)
    _as_user(user, [str(bins / "createdb"), "-h", str(root), "-U", "postgres", DBNAME], cwd="/")
    url = f"postgresql://postgres@/{DBNAME}?host={root}"
    _started["url"] = url
    return url


def _watch(root: Path, data: Path, user: str | None, bins: Path) -> None:
    """Stop and remove the cluster when this process ends however it ends (kill -9, a timeout):
    a detached shell polls our pid (atexit covers the normal exit, faster)."""
    ctl = f"{bins / 'pg_ctl'} -D {data} -m immediate -w stop"
    if user:
        ctl = f"runuser -u {user} -- {ctl}"
    script = (f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 1; done; "
              f"[ -d {root} ] && {{ {ctl} >/dev/null 2>&1; rm -rf {root}; }}")
    subprocess.Popen(["sh", "-c", script], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True, cwd="/")


def restart(timeout: float = 60) -> None:
    """Restart the server of ``server()`` (the drill of a server restarted during a sale)."""
    root, data, user, bins = (_started[k] for k in ("root", "data", "user", "bins"))
    # -l: the new server must not inherit our pipes (run() would wait for them to close)
    _as_user(user, [str(bins / "pg_ctl"), "-D", str(data), "-l", str(Path(str(root)) / "log"),  # type: ignore[arg-type]
                    "-m", "fast", "-w", "-t", str(int(timeout)), "restart"], cwd="/")


def stop() -> None:
    root = _started.pop("root", None)
    if root is None:
        return
    data, user, bins = _started.pop("data"), _started.pop("user"), _started.pop("bins")
    _started.pop("url", None)
    try:
        _as_user(user, [str(bins / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],  # type: ignore[arg-type]
                 cwd="/")
    except RuntimeError:
        pass
    shutil.rmtree(root, ignore_errors=True)  # type: ignore[arg-type]


def connect_raw(url: str):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(url, autocommit=True)


def fresh_database(url: str | None = None) -> str:
    """Empty the test database (every table, sequence and function of ours) and return its URL."""
    url = url or server()
    for attempt in range(50):
        try:
            with connect_raw(url) as conn:
                # a desk left behind by a killed test must not hold a lock on what is dropped
                conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = current_database() AND pid <> pg_backend_pid()")
                conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
                conn.execute("CREATE SCHEMA public")
            return url
        except Exception:
            if attempt == 49:
                raise
            time.sleep(0.1)
    return url
