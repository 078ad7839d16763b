"""A built network as a standalone Python source file that needs only torch.

The module tree is written out as nested constructor calls. ``torch.nn`` layers are rebuilt from their
constructor arguments (read back from the layer's attributes). Other classes (the spaces' own blocks) are copied
with their ``forward`` and helper methods, while their ``__init__`` is replaced by one that takes the submodules
and attributes directly, so the search-time construction logic is not needed; the helper functions, constants
and dataclasses their methods use are copied along. The weights are loaded into the result with
``load_state_dict`` and :func:`nasforge.export.export_model` checks that the outputs agree.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import keyword
import textwrap
import types
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import torch
from torch import nn

from nasforge.exceptions import ValidationError

# Modules the generated code may import besides torch: numpy (the input preprocessing) and the standard library
# pieces blocks use.
_ALLOWED_PACKAGES = {"torch", "numpy", "math", "dataclasses", "collections", "typing", "functools", "itertools",
                     "operator"}
_CONTAINERS = (nn.Sequential, nn.ModuleList, nn.ModuleDict)
_MODULE_INTERNALS = set(vars(nn.Module()))

_BASE = '''
class _Exported(nn.Module):
    """A block rebuilt from its submodules, parameters and attributes (no search-time constructor needed)."""

    def __init__(self, children=None, parameters=None, buffers=None, **attributes):
        super().__init__()
        for name, child in (children or {}).items():
            setattr(self, name, child)
        for name, shape in (parameters or {}).items():
            setattr(self, name, nn.Parameter(torch.empty(shape)))
        for name, shape in (buffers or {}).items():
            self.register_buffer(name, torch.empty(shape))
        for name, value in attributes.items():
            setattr(self, name, value)
'''


class ExportError(ValidationError):
    """A network that cannot be written as standalone source (a layer or value with no source form)."""


class _Emitter:
    """Collects what the generated file needs while it writes the module tree."""

    def __init__(self) -> None:
        self.imports: dict[str, str] = {"torch": "import torch", "nn": "from torch import nn"}
        self.definitions: dict[str, str] = {}  # name -> source, in dependency order
        self._origin: dict[str, object] = {}

    # ----- the tree
    def module(self, m: nn.Module, indent: int = 0) -> str:
        """The constructor expression of ``m`` and its submodules (defining the classes it needs)."""
        cls = type(m)
        if cls in _CONTAINERS:  # exactly these classes: a subclass may have its own forward
            return self._container(m, indent)
        if cls.__module__.startswith("torch.nn.modules") and not list(m.children()):
            return self._torch_layer(m)
        if cls.__module__.startswith("torch."):
            raise ExportError(f"Cannot export {cls.__module__}.{cls.__qualname__}: torch modules with submodules "
                              "(or parametrizations such as spectral norm) have no standalone source form.")
        return self._custom(m, indent)

    def _container(self, m: nn.Module, indent: int) -> str:
        pad = " " * (indent + 4)
        children = list(m.named_children())
        if isinstance(m, nn.ModuleDict):
            body = ",\n".join(f"{pad}{k!r}: {self.module(c, indent + 4)}" for k, c in children)
            return f"nn.ModuleDict({{\n{body}}})"
        if [k for k, _ in children] != [str(i) for i in range(len(children))]:
            raise ExportError(f"Cannot export a {type(m).__name__} with named entries {[k for k, _ in children]}.")
        body = ",\n".join(f"{pad}{self.module(c, indent + 4)}" for _, c in children)
        if isinstance(m, nn.ModuleList):
            return f"nn.ModuleList([\n{body}])" if children else "nn.ModuleList()"
        return f"nn.Sequential(\n{body})" if children else "nn.Sequential()"

    def _torch_layer(self, m: nn.Module) -> str:
        cls = type(m)
        args = []
        for name, param in inspect.signature(cls.__init__).parameters.items():
            if name in ("self", "device", "dtype") or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                continue
            if not hasattr(m, name):
                if param.default is param.empty:
                    raise ExportError(f"Cannot export {cls.__name__}: its argument {name!r} is not kept on the layer.")
                continue
            value = getattr(m, name)
            if isinstance(value, torch.Tensor) or (value is None and name == "bias"):  # bias: a tensor or None
                value = value is not None
            if param.default is not param.empty and _same(value, param.default):
                continue
            args.append(f"{name}={self.value(value)}")
        return f"nn.{cls.__name__}({', '.join(args)})"

    def _custom(self, m: nn.Module, indent: int) -> str:
        self.define_class(type(m), exported=True)
        pad = " " * (indent + 4)
        parts = []
        children = list(m.named_children())
        if children:
            entries = ",\n".join(f"{pad}    {k!r}: {self.module(c, indent + 8)}" for k, c in children)
            parts.append(f"{pad}children={{\n{entries}}}")
        own_params = {k: tuple(p.shape) for k, p in m._parameters.items() if p is not None}
        own_buffers = {k: tuple(b.shape) for k, b in m._buffers.items() if b is not None}
        if own_params:
            parts.append(f"{pad}parameters={own_params!r}")
        if own_buffers:
            parts.append(f"{pad}buffers={own_buffers!r}")
        for name, value in vars(m).items():
            if name not in _MODULE_INTERNALS:
                if not name.isidentifier() or keyword.iskeyword(name):  # written as a keyword argument
                    raise ExportError(f"Cannot export {type(m).__name__}: its attribute {name!r:.80} is not a "
                                      "Python identifier.")
                parts.append(f"{pad}{name}={self.value(value)}")
        return f"{type(m).__name__}(\n" + ",\n".join(parts) + ")" if parts else f"{type(m).__name__}()"

    # ----- values and definitions
    def value(self, v: Any) -> str:
        """The source of an attribute value: literals, containers of them, dataclasses (defined on the way)."""
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            self.define_class(type(v), exported=False)
            fields = ", ".join(f"{f.name}={self.value(getattr(v, f.name))}" for f in dataclasses.fields(v))
            return f"{type(v).__name__}({fields})"
        if isinstance(v, list | tuple):
            inner = ", ".join(self.value(x) for x in v)
            return f"[{inner}]" if isinstance(v, list) else f"({inner}{',' if len(v) == 1 else ''})"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{self.value(k)}: {self.value(x)}" for k, x in v.items()) + "}"
        if v is None or isinstance(v, bool | int | float | str):
            text = repr(v)
            if text in ("nan", "inf", "-inf"):
                return f"float({text!r})"
            return text
        raise ExportError(f"Cannot export a value of type {type(v).__name__} ({v!r:.60}): only numbers, strings, "
                          "lists, tuples, dicts and dataclasses of them have a source form.")

    def define_class(self, cls: type, exported: bool) -> None:
        """Copy ``cls``'s source (``exported``: with the generic constructor instead of its own)."""
        if self._claim(cls.__name__, cls):
            return
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
        node = tree.body[0]
        assert isinstance(node, ast.ClassDef)
        if exported:  # the generic constructor replaces the class's own
            node.body = [b for b in node.body if not (isinstance(b, ast.FunctionDef) and b.name == "__init__")] \
                or [ast.Pass()]
            node.bases = [ast.Name("_Exported", ast.Load())]
            self.definitions.setdefault("_Exported", _BASE.strip())
        self._dependencies(cls, node)
        self.definitions[cls.__name__] = ast.unparse(node)

    def define_function(self, fn: types.FunctionType) -> None:
        """Copy a helper function's source and what it uses."""
        if self._claim(fn.__name__, fn):
            return
        node = ast.parse(textwrap.dedent(inspect.getsource(fn))).body[0]
        self._dependencies(fn, node)
        self.definitions[fn.__name__] = ast.unparse(node)

    def _claim(self, name: str, obj: object) -> bool:
        """True if ``obj`` is already defined; raises if another object already took ``name``."""
        if name in self._origin:
            if self._origin[name] is not obj:
                raise ExportError(f"Cannot export: two different definitions are named {name!r}.")
            return True
        self._origin[name] = obj
        return False

    def _dependencies(self, owner: object, node: ast.AST) -> None:
        """Define or import every global name the code of ``owner`` reads (decorators and bodies)."""
        namespace = vars(inspect.getmodule(owner))
        for name in _global_names(node):
            if name in namespace:
                self._resolve(name, namespace[name])

    def _resolve(self, name: str, obj: object) -> None:
        if isinstance(obj, types.ModuleType):
            self._import(name, f"import {obj.__name__} as {name}" if obj.__name__ != name else f"import {name}",
                         obj.__name__)
        elif getattr(obj, "__module__", "").startswith("nasforge."):
            if isinstance(obj, type):
                self.define_class(obj, exported=issubclass(obj, nn.Module))
            elif isinstance(obj, types.FunctionType):
                self.define_function(obj)
            else:
                if not self._claim(name, obj):
                    self.definitions[name] = f"{name} = {self.value(obj)}"
        elif isinstance(obj, type | types.FunctionType | types.BuiltinFunctionType):
            qual = obj.__qualname__
            self._import(name, f"from {obj.__module__} import {qual}" + (f" as {name}" if qual != name else ""),
                         obj.__module__)
        elif isinstance(obj, bool | int | float | str | tuple) and not self._claim(name, obj):
            self.definitions[name] = f"{name} = {self.value(obj)}"

    def _import(self, name: str, line: str, module: str) -> None:
        if module.split(".")[0] not in _ALLOWED_PACKAGES:
            raise ExportError(f"Cannot export: the network's code uses {module!r}; the standalone file may import "
                              f"only torch and {sorted(_ALLOWED_PACKAGES - {'torch'})}.")
        if self.imports.get(name, line) != line:
            raise ExportError(f"Cannot export: the name {name!r} is imported two different ways.")
        self.imports[name] = line


def _global_names(node: ast.AST) -> Iterator[str]:
    """Names read (not assigned) anywhere in ``node``: candidates for module-level globals."""
    local: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.arg):
            local.add(sub.arg)
        elif isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
            local.add(sub.id)
    seen: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and sub.id not in local | seen:
            seen.add(sub.id)
            yield sub.id


def _defined_names(source: str) -> set[str]:
    """The module-level names that ``source`` defines (functions, classes, assignments) and ``build``."""
    names = {"build"}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _same(a: Any, b: Any) -> bool:
    try:
        return type(a) is type(b) and bool(a == b)
    except (TypeError, ValueError, RuntimeError):
        return False


def docstring_literal(text: str) -> str:
    """``text`` as a triple-quoted string literal whose value is exactly ``text``, safe for any text.

    Backslashes are doubled, a double quote is escaped where it could close the literal (before another one or
    at the end), and every character that is not printable (controls, bidirectional overrides) except the newline
    is written as an escape, so the literal can neither end early nor hide code.
    """
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"' if text[i + 1:i + 2] in ('"', "") else ch)
        elif ch == "\n" or ch.isprintable():
            out.append(ch)
        else:
            out.append(repr(ch)[1:-1])  # \x1b, \t, \u202e ...
    literal = '"""' + "".join(out) + '"""'
    if ast.literal_eval(literal) != text:  # pragma: no cover - a guard: the rules above must round-trip
        raise ExportError(f"Cannot write the text {text!r:.80} as a docstring.")
    return literal


def module_source(model: nn.Module, *, header: str = "", constants: dict[str, Any] | None = None,
                  functions: Sequence[Callable[..., Any]] = (), footer: str = "",
                  imports: Sequence[str] = ()) -> str:
    """Python source that defines ``build()``, returning a module with ``model``'s structure (untrained weights).

    Every string from the network or the caller is written as a literal (``repr`` or :func:`docstring_literal`),
    so no name or value can become code.

    Args:
        model: the network; any ``torch.nn`` layers and blocks whose code uses only torch and the standard library.
        header: the file's docstring.
        constants: module-level names written before ``build`` (e.g. ``INPUT_SHAPE``); names must be identifiers.
        functions: nasforge functions copied into the file with what they use (e.g. the input preprocessing).
        footer: source written after ``build`` (nasforge's own template code, never a user's text); the names it
            defines must not clash with the copied definitions.
        imports: import lines the footer needs.

    Raises:
        ExportError: a layer, attribute or function that has no source form.
    """
    emitter = _Emitter()
    tree = emitter.module(model, 4)
    for fn in functions:
        if not isinstance(fn, types.FunctionType):
            raise ExportError(f"Cannot export {fn!r:.80}: only plain Python functions are copied.")
        emitter.define_function(fn)
    for line in imports:
        emitter.imports.setdefault(line, line)
    for name in constants or {}:
        if not name.isidentifier() or keyword.iskeyword(name):
            raise ExportError(f"Cannot export the constant {name!r:.80}: its name is not a Python identifier.")
    taken = set(emitter.definitions) | set(constants or {}) | set(emitter.imports)
    clashes = sorted(taken & _defined_names(footer))
    if clashes:
        raise ExportError(f"Cannot export: the network's code defines {clashes}, names the generated file needs "
                          "for its own functions.")
    lines = [docstring_literal(header) if header else "", "", "from __future__ import annotations", "",
             *sorted(set(emitter.imports.values())), "", ""]
    lines += [f"{d}\n\n" for d in emitter.definitions.values()]
    lines += [f"{k} = {emitter.value(v)}" for k, v in (constants or {}).items()]
    lines += ["", "", "def build() -> nn.Module:", '    """The network, with freshly initialised weights."""',
              f"    return {tree}", ""]
    if footer:
        lines += ["", footer.strip(), ""]
    source = "\n".join(lines)
    # a guard: the file must be one module whose docstring is the header and whose statements are only imports,
    # definitions and assignments (nothing that runs when the file is imported besides them)
    module = ast.parse(source)
    if header and ast.get_docstring(module, clean=False) != header:  # pragma: no cover
        raise ExportError("Cannot export: the header does not round-trip as the file's docstring.")
    return source
