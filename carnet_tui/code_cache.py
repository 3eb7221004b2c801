"""What the standard library compiles at every start, kept compiled between starts.

- ``dataclasses`` compiles each class's ``__init__``, ``__repr__``, ``__eq__``, ``__setattr__``… from
  source text, ``typing`` each forward reference, ``namedtuple`` each ``__new__``: ~650 compiles on the
  way to the sale window (ours and Textual's). Compiling is ~85 % of making a frozen dataclass
  (0.55 → 0.09 ms measured). What runs is what the text compiles to: same text, same mode, no
  ``__future__`` flag inherited (``dataclasses``, ``typing`` and ``collections`` have none).
- ``re`` turns each pattern into the matcher's code in pure Python: ~110 patterns, 25–50 ms. The
  code (a list of numbers) is kept and given to ``_sre.compile`` as ``re`` itself does; the pattern
  made is equal (``==`` compares the code) to the one ``re`` makes.

The same texts and patterns at every login: together 50–90 ms of the counter's start (issue 12,
``sale_ready_ratio``). They are kept with ``marshal`` (the format of ``.pyc`` files) in the user's
cache folder, keyed by the exact text, and handed back instead of being compiled again.

``marshal`` must not read what somebody else could have written: only the user's own file, writable
by nobody else, of this interpreter's bytecode and with a matching checksum, is read. Anything wrong
with it only means compiling as before. ``CARNET_CODE_CACHE=0`` turns it off.
"""

from __future__ import annotations

# only what the interpreter has loaded already: what is imported after ``start`` has its dataclasses,
# forward references and patterns served from the cache (logging's and typing's included)
import builtins
import marshal
import os
import stat
import sys
import zlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import CodeType
    from typing import Any

FILE = f"generated-code-{sys.implementation.cache_tag}.marshal"
KEEP_AT_MOST = 4000  # a start makes ~750; beyond this, what this start did not use is dropped


def _header() -> bytes:
    from importlib._bootstrap_external import MAGIC_NUMBER  # loaded at every start: no import cost

    return MAGIC_NUMBER + bytes([sys.flags.optimize])


def _note(what: str) -> None:
    import logging

    logging.getLogger(__name__).info(what, exc_info=True)


def default_folder() -> str | None:
    """The user's cache folder, as ``platformdirs.user_cache_dir`` says (css_cache's too), without
    importing it before the cache is in place on Linux: ``$XDG_CACHE_HOME`` or ``~/.cache``."""
    if os.environ.get("CARNET_CODE_CACHE") == "0":
        return None
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_CACHE_HOME", "").strip()
        return os.path.join(base if base else os.path.expanduser("~/.cache"), "carnet-tui")
    from platformdirs import user_cache_dir

    return user_cache_dir("carnet-tui", appauthor=False)


class GeneratedCode:
    """The code objects compiled at earlier starts, and the ones compiled in this one."""

    def __init__(self, folder: str | os.PathLike[str] | None) -> None:
        self.path = os.path.join(folder, FILE) if folder is not None else None
        # ("exec" | "eval", text) → code; ("re", pattern, flags) → _sre.compile's arguments
        self.entries: dict[tuple[Any, ...], Any] = {}
        self.used: set[tuple[Any, ...]] = set()
        self.hits = 0
        self.compiled = 0
        self.dirty = False
        # new texts are kept only until the start's first save: what is compiled later (a search
        # pattern, say) is neither held for the whole day nor written to disk
        self.recording = True
        self._load()

    def _load(self) -> None:
        if self.path is None:
            return
        data = read_own_file(self.path)
        if data is None:
            return
        header = _header()
        body = data[len(header) + 4:]
        if data[:len(header)] != header or int.from_bytes(data[len(header):len(header) + 4], "big") \
                != zlib.crc32(body):
            return  # another Python, or damaged: compiled again, and written anew
        try:
            entries = marshal.loads(body)
        except (EOFError, ValueError, TypeError):
            _note("generated code cache ignored")
            return
        if isinstance(entries, dict):
            self.entries = entries

    def _kept(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """The entry for ``key``, else what ``make`` gives (kept while the start records)."""
        found = self.entries.get(key)
        if found is None:
            found = make()
            if not self.recording:
                return found
            self.entries[key] = found
            self.compiled += 1
            self.dirty = True
        else:
            self.hits += 1
        self.used.add(key)
        return found

    def code(self, source: str, mode: str) -> CodeType:
        return self._kept((mode, source),
                          lambda: builtins.compile(source, "<string>", mode, dont_inherit=True))

    def regex(self, pattern: str | bytes, flags: int) -> tuple[Any, ...]:
        """``_sre.compile``'s arguments after the pattern, as ``re._compiler.compile`` computes them
        (CPython 3.11–3.13: the same lines)."""
        # str and bytes apart: comparing "a" with b"a" warns under ``python -bb``
        key = ("re" if type(pattern) is str else "re-bytes", pattern, int(flags))
        return self._kept(key, lambda: _sre_arguments(pattern, flags))

    def install(self) -> Callable[[], None]:
        """Serve the compiles of ``dataclasses``, ``typing``, ``namedtuple`` and ``re`` from here;
        returns what puts the standard library back. Only those modules' globals change, nobody
        else's ``exec``."""
        import _sre
        import collections
        import re
        import re._compiler

        original_regex = re._compiler.compile
        regex = self.regex

        def compile_regex(pattern: Any, flags: int = 0) -> Any:
            if type(pattern) not in (str, bytes) or flags & re.DEBUG:
                return original_regex(pattern, flags)  # a parsed pattern, or printed for debugging
            return _sre.compile(pattern, *regex(pattern, flags))

        re._compiler.compile = compile_regex

        code = self.code

        # as the builtins behave when called from those modules (no __future__ flag, the caller's
        # globals by default), not from this one; the standard library uses only the cached forms
        def exec_(source: Any, globals: Any = None, locals: Any = None, /) -> None:
            if type(source) is str and globals is not None:
                return builtins.exec(code(source, "exec"), globals, locals)
            return builtins.exec(_as_code(source, "exec"), *_callers(globals, locals))

        def eval_(source: Any, globals: Any = None, locals: Any = None, /) -> Any:
            if type(source) is str and globals is not None:
                return builtins.eval(code(source, "eval"), globals, locals)
            return builtins.eval(_as_code(source, "eval"), *_callers(globals, locals))

        def compile_(source: Any, filename: str, mode: str, flags: int = 0, dont_inherit: bool = False,
                     optimize: int = -1, **kwargs: Any) -> Any:
            if type(source) is str and filename == "<string>" and not flags and optimize == -1 and not kwargs:
                return code(source, mode)  # typing's ForwardRef: compile(arg, '<string>', 'eval')
            return builtins.compile(source, filename, mode, flags, True, optimize, **kwargs)

        collections.eval = eval_  # first: importing dataclasses makes inspect's and dis' namedtuples
        import typing

        typing.compile = compile_  # type: ignore[attr-defined]
        import dataclasses

        dataclasses.exec = exec_  # type: ignore[attr-defined]
        patched = ((dataclasses, "exec"), (collections, "eval"), (typing, "compile"))

        def uninstall() -> None:
            re._compiler.compile = original_regex
            for module, name in patched:
                if name in vars(module):
                    delattr(module, name)

        return uninstall

    def save(self) -> None:
        """Write what this start compiled (after the first frames: never on the way to them)."""
        if self.path is None or not self.dirty:
            return
        self.dirty = False
        entries = dict(self.entries)  # a worker thread may make a class meanwhile
        try:
            if len(entries) > KEEP_AT_MOST:  # an upgrade's leftovers: only what this start used
                used = set(self.used)
                entries = {key: code for key, code in entries.items() if key in used}
            body = marshal.dumps(entries)
            write_own_file(self.path, _header() + zlib.crc32(body).to_bytes(4, "big") + body)
        except Exception:  # noqa: BLE001 - a read-only home: compiled at each start, as before
            self.dirty = True
            _note("generated code cache not written")


_installed: GeneratedCode | None = None


def start() -> GeneratedCode:
    """At the very start of the counter, before ``carnet_tui.settings`` and Textual make classes."""
    global _installed
    if _installed is None:
        _installed = GeneratedCode(default_folder())
        _installed.install()
    return _installed


def save() -> None:
    """Keep what the start compiled (the app calls it once its first screens are made); from then
    on, nothing new is recorded."""
    if _installed is not None:
        _installed.save()
        _installed.recording = False


def _sre_arguments(pattern: str | bytes, flags: int) -> tuple[Any, ...]:
    """What ``re._compiler.compile`` passes to ``_sre.compile`` after the pattern (CPython
    3.11–3.13: the same lines)."""
    from re import _compiler, _parser

    parsed = _parser.parse(pattern, flags)
    code = [int(word) for word in _compiler._code(parsed, flags)]  # some are named ints
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex, tuple(indexgroup))


def _as_code(source: Any, mode: str) -> Any:
    if isinstance(source, (str, bytes)):
        return builtins.compile(source, "<string>", mode, dont_inherit=True)
    return source


def _callers(globals: Any, locals: Any) -> tuple[Any, Any]:
    if globals is not None:
        return globals, locals
    frame = sys._getframe(2)  # the frame that called exec/eval in the patched module
    return frame.f_globals, frame.f_locals if locals is None else locals


def read_own_file(path: str | os.PathLike[str]) -> bytes | None:
    """The file's bytes if it is the user's own and nobody else may write it, in a folder of the
    user's that not everybody may write, not through a symbolic link; None otherwise. A file
    written by another account is never read: marshal and pickle data can run or crash code.
    (The folder may be group-writable: with Debian's per-user groups, umask 002 makes it so.)"""
    unsafe = stat.S_IWGRP | stat.S_IWOTH
    try:
        folder = os.stat(os.path.dirname(os.fspath(path)) or ".")
        if folder.st_uid != os.getuid() or folder.st_mode & stat.S_IWOTH:
            return None
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with open(handle, "rb") as file:
            info = os.fstat(file.fileno())
            if info.st_uid != os.getuid() or info.st_mode & unsafe:
                return None
            return file.read()
    except OSError:
        return None


def write_own_file(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` whole or not at all (another desk of the same account may read it at that
    moment), readable by the user alone, in a folder made for the user alone if missing."""
    import tempfile

    folder = os.path.dirname(os.fspath(path))
    os.makedirs(folder, mode=0o700, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".cache-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
