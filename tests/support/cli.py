"""The carnet-tui command in a real subprocess, with a clean environment and stdin given as text."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def clean_env(tmp_path: Path) -> dict[str, str]:
    """No settings file, data folder or database of the user may leak into a test."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARNET_")}
    env["CARNET_CONFIG"] = str(tmp_path / "absent-config.toml")
    env["CARNET_DATA_DIR"] = str(tmp_path / "data")
    return env


def run(db: Path | str, *args: str, env: dict[str, str], stdin: str = "",
        cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``carnet-tui --db DB ARGS…`` with ``stdin`` piped (a PIN twice: ``"1234\\n1234\\n"``)."""
    return subprocess.run(
        [sys.executable, "-m", "carnet_tui", "--db", str(db), *args],
        input=stdin, capture_output=True, text=True, env=env, cwd=cwd, timeout=120,
    )


def refused(result: subprocess.CompletedProcess, needle: str, code: int = 2) -> None:
    assert result.returncode == code, result
    assert needle in result.stderr + result.stdout, result
    assert "Traceback" not in result.stderr + result.stdout, result.stderr


def rows(db: Path | str, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def execute(db: Path | str, *statements: str) -> None:
    """Change the file behind the application's back, as someone with sqlite3 would."""
    conn = sqlite3.connect(db)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()
