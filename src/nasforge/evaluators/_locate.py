"""Finding a user's function by its import path, never by pickling its code.

A path is ``package.module:function`` (the module found on ``sys.path`` or in the current directory) or
``/path/to/script.py:function`` (a function of a script run as ``python script.py``: another process imports the
file under a name other than ``__main__``, so the script's own search does not run again).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nasforge._script_guard import UnguardedScript, guard_message, importing
from nasforge.exceptions import ValidationError


class ObjectiveError(ValidationError):
    """The objective function cannot run at all (it cannot be imported here, or its script starts a search when
    imported): the same for every trial, so a search stops at once instead of failing every trial."""


def describe(function: object) -> str:
    """How a function is named in messages."""
    return getattr(function, "__qualname__", None) or repr(function)


def path_of(function: Callable[..., Any], owner: str) -> tuple[str, str | None]:
    """``(import path, problem)`` of ``function``: ``problem`` (one line) says why another process cannot import
    it (a lambda, a closure or nested function, a function of an interactive session); the path then names it for
    messages and the stored spec only."""
    module = getattr(function, "__module__", None) or "__main__"
    qualname = getattr(function, "__qualname__", None) or getattr(function, "__name__", None) or repr(function)
    why = None
    if qualname == "<lambda>" or qualname.endswith(".<lambda>"):
        why = "is a lambda"
    elif "<locals>" in qualname:
        why = "is defined inside another function (a closure)"
    elif "." in qualname:
        why = "is a method"  # a bound or class method: its object is not found by path
    if module in ("__main__", "__mp_main__"):
        script = getattr(sys.modules.get(module), "__file__", None)
        if script is None:
            why = why or "is defined in an interactive session"
        else:
            module = str(Path(script).resolve())
    path = f"{module}:{qualname}"
    if why is None:
        return path, None
    return path, (f"The 'objective' {describe(function)!r} of {owner} {why}: worker processes and Ray import the "
                  "objective by its path ('module:function'), which it does not have. Define it with 'def' at the "
                  "top level of a module or script, or run it in this process (n_workers=1).")


def split_path(path: object, parameter: str = "function") -> tuple[str, str]:
    """``(module or script, attribute)`` of ``path``; ValidationError unless it looks like ``module:function``."""
    module, sep, attr = path.rpartition(":") if isinstance(path, str) else ("", "", "")
    if not sep or not module or not attr or not all(part.isidentifier() for part in attr.split(".")):
        raise ValidationError(f"The '{parameter}' parameter of FunctionEvaluator must be an import path "
                              f"'package.module:function' or 'script.py:function'. Got {path!r} instead.")
    return module, attr


def is_script(module: str) -> bool:
    """True for the script form of a path (a file name) rather than a module name."""
    return module.endswith(".py") or os.sep in module or "/" in module


def _from_script(script: str, path: str) -> Any:
    """The module of ``script``: the running ``__main__`` when it is that file (this process, or a spawned worker,
    which imports it as ``__mp_main__``), else the file imported under a name of its own."""
    target = Path(script).resolve()
    for name in ("__main__", "__mp_main__"):
        main = sys.modules.get(name)
        file = getattr(main, "__file__", None)
        if file is not None and Path(file).resolve() == target:
            return main
    name = "nasforge_script_" + "".join(c if c.isalnum() else "_" for c in str(target))
    if name in sys.modules:
        return sys.modules[name]
    if not target.is_file():
        raise ObjectiveError(f"The objective {path!r} cannot be imported: the script {str(target)!r} does not "
                             "exist here.")
    spec = importlib.util.spec_from_file_location(name, target)
    if spec is None or spec.loader is None:
        raise ObjectiveError(f"The objective {path!r} cannot be imported: {str(target)!r} is not a Python file.")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    folder = str(target.parent)
    if folder not in sys.path:  # as `python script.py` has it: the script imports the modules beside it
        sys.path.append(folder)  # appended: a user's module never shadows an installed one
    try:
        with importing(str(target)):
            spec.loader.exec_module(module)
    except UnguardedScript:
        del sys.modules[name]
        raise ObjectiveError(guard_message(str(target))) from None
    except SystemExit as exc:
        del sys.modules[name]
        raise ObjectiveError(f"The objective {path!r} cannot be imported: the script called sys.exit({exc.code!r}) "
                             "while it was imported (keep the script's own run under "
                             "'if __name__ == \"__main__\":').") from None
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _import(module: str, root: str | None) -> Any:
    """Import ``module`` from ``sys.path``, else from the current directory, else from ``root`` (where it was
    found when the study was made)."""
    top = module.split(".")[0]
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name.split(".")[0] != top:
            raise  # the module itself was found; something it imports was not
        missing = exc
    for folder in (os.getcwd(), root):
        if folder and folder not in sys.path and (Path(folder, top).is_dir() or Path(folder, top + ".py").is_file()):
            sys.path.append(folder)  # appended: a user's module never shadows an installed one
            importlib.invalidate_caches()
            return importlib.import_module(module)
    raise missing


def locate(path: str, root: str | None = None) -> Callable[..., Any]:
    """The function at ``path`` (see the module's docstring); ObjectiveError, one line, when it cannot be found."""
    module_name, attr = split_path(path)
    try:
        module = _from_script(module_name, path) if is_script(module_name) else _import(module_name, root)
    except ObjectiveError:
        raise
    except UnguardedScript as exc:
        raise ObjectiveError(guard_message(exc.script)) from None
    except Exception as exc:  # the user's module failed to import: say which error, in one line
        first = str(exc).splitlines()[0] if str(exc) else ""
        raise ObjectiveError(f"The objective {path!r} cannot be imported: {type(exc).__name__}: {first}") from None
    found: Any = module
    for part in attr.split("."):
        if not hasattr(found, part):
            raise ObjectiveError(f"The objective {path!r} cannot be found: module {module_name!r} has no "
                                 f"attribute {part!r}.")
        found = getattr(found, part)
    if not callable(found):
        raise ObjectiveError(f"The objective {path!r} is not a function (it is a {type(found).__name__}).")
    return found  # type: ignore[no-any-return]


def module_root(function: Callable[..., Any]) -> str | None:
    """The folder that makes ``function``'s module importable (stored so that a later run finds it from another
    directory); None for a script's function or a module without a file."""
    module = sys.modules.get(getattr(function, "__module__", "") or "")
    file = getattr(module, "__file__", None)
    if module is None or file is None or module.__name__ in ("__main__", "__mp_main__"):
        return None
    folder = Path(file).resolve().parent
    for _ in range(module.__name__.count(".") + (1 if Path(file).name == "__init__.py" else 0)):
        folder = folder.parent
    return str(folder)
