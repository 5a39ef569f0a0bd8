"""A small template engine for change-script templates.

Sqitch renders `add` templates with Template Toolkit when it is installed
(it is, wherever Sqitch is packaged) and Template::Tiny otherwise. Users'
templates stick to the common subset, which is what this module implements,
with Template Toolkit's semantics where the two differ:

- ``[% expr %]`` prints a value; ``[%# ... %]`` is a comment;
- ``[% IF expr %]``, ``ELSIF``, ``ELSE``, ``UNLESS`` and ``END``;
- ``[% FOREACH item IN expr %]`` (also ``FOR`` and ``item = expr``), with
  ``loop.index``/``count``/``first``/``last``/``size``; a scalar loops once;
- dotted access (``a.b``, ``list.0``) and the common virtual methods
  (``size``, ``length``, ``join``, ``first``, ``last``, ``upper``...);
- ``[%-`` / ``-%]`` chomp one newline and the blanks around it, ``~`` chomps
  all whitespace, ``=`` collapses it to one space, ``+`` keeps it;
- Perl truth: undefined, ``""`` and ``"0"`` are false, every list is true.

Parse errors use Template Toolkit's wording so that Sqitch's
"Error executing <template>: <error>" message reads the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlitch.perl import perl_true as scalar_true

__all__ = ["TemplateError", "bundled_templates_dir", "render", "render_file"]

Value = str | int | list["Value"] | dict[str, "Value"] | None


class TemplateError(Exception):
    """A template that cannot be parsed or rendered (the message says why)."""


def bundled_templates_dir() -> Path:
    """SQLitch's default templates, shipped inside the package.

    They are found beside this module however SQLitch was installed (a wheel,
    ``pip install --user`` or ``--target``, an editable install or a checkout);
    ``add`` looks here after the user and system template directories.
    """
    return Path(__file__).resolve().with_name("templates")


# ---------------------------------------------------------------------------
# Tokens

_TAG_RE = re.compile(r"\[%([-+~=]?)(.*?)([-+~=]?)%\]", re.DOTALL)


@dataclass
class _Directive:
    text: str
    line: int


def _chomp_before(text: str, flag: str) -> str:
    if flag == "-":
        return re.sub(r"(?:\r?\n|\A)[^\S\n]*\Z", "", text)
    if flag == "~":
        return text.rstrip()
    if flag == "=":
        return re.sub(r"\s+\Z", " ", text)
    return text


def _chomp_after(text: str, flag: str) -> str:
    if flag == "-":
        return re.sub(r"\A[^\S\n]*\n", "", text)
    if flag == "~":
        return text.lstrip()
    if flag == "=":
        return re.sub(r"\A\s+", " ", text)
    return text


def _tokenize(source: str) -> list[str | _Directive]:
    tokens: list[str | _Directive] = []
    pos = 0
    pending_post = ""
    for match in _TAG_RE.finditer(source):
        text = _chomp_after(source[pos : match.start()], pending_post)
        tokens.append(_chomp_before(text, match.group(1)))
        line = source.count("\n", 0, match.start()) + 1
        tokens.append(_Directive(match.group(2).strip(), line))
        pending_post = match.group(3)
        pos = match.end()
    tokens.append(_chomp_after(source[pos:], pending_post))
    return [t for t in tokens if not (isinstance(t, str) and t == "")]


# ---------------------------------------------------------------------------
# Expressions

_EXPR_TOKEN_RE = re.compile(
    r"""\s*(?:
        (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<num>\d+(?:\.\d+)?)
      | (?P<op>==|!=|<=|>=|&&|\|\||[<>!().,_=])
      | (?P<word>[A-Za-z_$][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)

_KEYWORD_OPS = {"and": "&&", "or": "||", "not": "!", "AND": "&&", "OR": "||", "NOT": "!"}


class _ParseError(Exception):
    pass


def _lex(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _EXPR_TOKEN_RE.match(text, pos)
        if match is None:
            raise _ParseError(f"unexpected token ({text[pos:].split()[0]})")
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "word" and value in _KEYWORD_OPS:
            kind, value = "op", _KEYWORD_OPS[value]
        out.append((kind, value))
        pos = match.end()
    return out


Expr = Callable[["_Stash"], Value]


class _ExprParser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise _ParseError("unexpected end of directive")
        self.pos += 1
        return token

    def accept(self, op: str) -> bool:
        if self.peek() == ("op", op):
            self.pos += 1
            return True
        return False

    def parse(self) -> Expr:
        expr = self.or_expr()
        token = self.peek()
        if token is not None:
            raise _ParseError(f"unexpected token ({token[1]})")
        return expr

    def or_expr(self) -> Expr:
        left = self.and_expr()
        while self.accept("||"):
            left = _either(left, self.and_expr())
        return left

    def and_expr(self) -> Expr:
        left = self.not_expr()
        while self.accept("&&"):
            left = _both(left, self.not_expr())
        return left

    def not_expr(self) -> Expr:
        if self.accept("!"):
            inner = self.not_expr()
            return lambda s: "" if perl_true(inner(s)) else 1
        return self.comparison()

    def comparison(self) -> Expr:
        left = self.concat()
        token = self.peek()
        if (
            token is not None
            and token[0] == "op"
            and token[1] in ("==", "!=", "<", ">", "<=", ">=")
        ):
            self.pos += 1
            right = self.concat()
            return _compare(token[1], left, right)
        return left

    def concat(self) -> Expr:
        parts = [self.term()]
        while self.accept("_"):
            parts.append(self.term())
        if len(parts) == 1:
            return parts[0]
        return lambda s: "".join(to_text(p(s)) for p in parts)

    def term(self) -> Expr:
        kind, value = self.take()
        if kind == "str":
            literal = _unquote(value)
            return lambda s: literal
        if kind == "num":
            return lambda s: value
        if (kind, value) == ("op", "("):
            inner = self.or_expr()
            if not self.accept(")"):
                raise _ParseError("unexpected end of directive")
            return inner
        if kind == "word":
            return self.path(value.lstrip("$"))
        raise _ParseError(f"unexpected token ({value})")

    def args(self) -> list[Expr]:
        found: list[Expr] = []
        if self.accept(")"):
            return found
        while True:
            found.append(self.or_expr())
            if self.accept(")"):
                return found
            if not self.accept(","):
                raise _ParseError("unexpected end of directive")

    def path(self, first: str) -> Expr:
        steps: list[tuple[str, list[Expr]]] = []
        if self.accept("("):
            self.args()  # calling a plain variable yields its value
        while self.accept("."):
            kind, value = self.take()
            if kind not in ("word", "num"):
                raise _ParseError(f"unexpected token ({value})")
            call_args = self.args() if self.accept("(") else []
            steps.append((value, call_args))

        def evaluate(stash: _Stash) -> Value:
            current = stash.get(first)
            for name, call_args in steps:
                current = _dot(current, name, [a(stash) for a in call_args])
            return current

        return evaluate


def _unquote(literal: str) -> str:
    body = literal[1:-1]
    if literal[0] == "'":
        return re.sub(r"\\([\\'])", r"\1", body)
    escapes = {"n": "\n", "t": "\t", "r": "\r"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), body)


def _number(value: Value) -> float:
    match = re.match(r"\s*[-+]?\d+(?:\.\d+)?", to_text(value))
    return float(match.group(0)) if match else 0.0


def _either(left: Expr, right: Expr) -> Expr:
    def run(stash: _Stash) -> Value:
        value = left(stash)
        return value if perl_true(value) else right(stash)

    return run


def _both(left: Expr, right: Expr) -> Expr:
    def run(stash: _Stash) -> Value:
        value = left(stash)
        return right(stash) if perl_true(value) else value

    return run


def _compare(op: str, left: Expr, right: Expr) -> Expr:
    def run(stash: _Stash) -> Value:
        a, b = left(stash), right(stash)
        if op in ("==", "!="):
            equal = to_text(a) == to_text(b)  # Template Toolkit compares strings here
            result = equal if op == "==" else not equal
        else:
            x, y = _number(a), _number(b)
            result = {"<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y}[op]
        return 1 if result else ""

    return run


def perl_true(value: Value) -> bool:
    """Perl truth: undef, "" and "0" are false; every list and hash is true."""
    if isinstance(value, list | dict):
        return True
    return value is not None and scalar_true(to_text(value))


def to_text(value: Value) -> str:
    """How a value prints. Sqitch would print a Perl reference for a list."""
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(to_text(v) for v in value)
    if isinstance(value, dict):
        return " ".join(f"{k}={to_text(v)}" for k, v in sorted(value.items()))
    return str(value)


def _as_list(value: Value) -> list[Value]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [{"key": k, "value": v} for k, v in sorted(value.items())]
    return [value]


def _dot(value: Value, name: str, args: Sequence[Value]) -> Value:
    """``value.name``: a key, an index, or a virtual method."""
    if isinstance(value, dict):
        if name in value:
            return value[name]
        if name == "keys":
            return list(sorted(value))
        if name == "values":
            return [value[k] for k in sorted(value)]
        if name == "size":
            return len(value)
        return None
    if name.isdigit():
        if not isinstance(value, list):
            return None
        index = int(name)
        return value[index] if index < len(value) else None
    text_methods: dict[str, Callable[[str], Value]] = {
        "length": len,
        "upper": str.upper,
        "lower": str.lower,
        "ucfirst": lambda t: t[:1].upper() + t[1:],
        "lcfirst": lambda t: t[:1].lower() + t[1:],
        "trim": str.strip,
    }
    if isinstance(value, str | int) and name in text_methods:
        return text_methods[name](str(value))
    if isinstance(value, str | int) and name == "replace" and len(args) >= 1:
        new = to_text(args[1]) if len(args) > 1 else ""
        return re.sub(to_text(args[0]), new.replace("\\", "\\\\"), str(value))
    items = _as_list(value)
    if name == "size":
        return len(items)
    if name == "join":
        return (to_text(args[0]) if args else " ").join(to_text(i) for i in items)
    if name == "first":
        return items[0] if items else None
    if name == "last":
        return items[-1] if items else None
    if name == "reverse":
        return list(reversed(items))
    if name == "sort":
        return sorted(items, key=to_text)
    return None


# ---------------------------------------------------------------------------
# Nodes


class _Stash:
    def __init__(self, variables: Mapping[str, Value]) -> None:
        self.scopes: list[dict[str, Value]] = [dict(variables)]

    def get(self, name: str) -> Value:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None


@dataclass
class _Block:
    nodes: list[_Node] = field(default_factory=list)

    def render(self, stash: _Stash, out: list[str]) -> None:
        for node in self.nodes:
            node.render(stash, out)


@dataclass
class _Text:
    text: str

    def render(self, stash: _Stash, out: list[str]) -> None:
        out.append(self.text)


@dataclass
class _Print:
    expr: Expr

    def render(self, stash: _Stash, out: list[str]) -> None:
        out.append(to_text(self.expr(stash)))


@dataclass
class _If:
    branches: list[tuple[Expr, _Block]]
    otherwise: _Block | None = None

    def render(self, stash: _Stash, out: list[str]) -> None:
        for condition, block in self.branches:
            if perl_true(condition(stash)):
                block.render(stash, out)
                return
        if self.otherwise is not None:
            self.otherwise.render(stash, out)


@dataclass
class _Foreach:
    variable: str | None
    expr: Expr
    body: _Block = field(default_factory=_Block)

    def render(self, stash: _Stash, out: list[str]) -> None:
        items = _as_list(self.expr(stash))
        for index, item in enumerate(items):
            loop: dict[str, Value] = {
                "index": index,
                "count": index + 1,
                "number": index + 1,
                "first": 1 if index == 0 else 0,
                "last": 1 if index == len(items) - 1 else 0,
                "size": len(items),
                "max": len(items) - 1,
                "prev": items[index - 1] if index else None,
                "next": items[index + 1] if index + 1 < len(items) else None,
            }
            scope: dict[str, Value] = {"loop": loop}
            if self.variable is not None:
                scope[self.variable] = item
            elif isinstance(item, dict):
                scope.update(item)
            stash.scopes.append(scope)
            try:
                self.body.render(stash, out)
            finally:
                stash.scopes.pop()


_Node = _Block | _Text | _Print | _If | _Foreach

_FOREACH_RE = re.compile(r"\A(?:FOREACH|FOR)\s+(?:([A-Za-z_]\w*)\s*(?:\bIN\b|=)\s*)?(.+)\Z", re.S)


def _expression(text: str) -> Expr:
    if not text:
        raise _ParseError("unexpected end of directive")
    return _ExprParser(_lex(text)).parse()


class _TemplateParser:
    """Builds the node tree, tracking open blocks as Template Toolkit does."""

    def __init__(self) -> None:
        self.root = _Block()
        # Each open block: (node owning it, block receiving nodes now).
        self.stack: list[tuple[_If | _Foreach | None, _Block]] = [(None, self.root)]

    @property
    def current(self) -> _Block:
        return self.stack[-1][1]

    def directive(self, text: str) -> None:
        keyword = text.split(None, 1)[0] if text else ""
        rest = text[len(keyword) :].strip()
        owner = self.stack[-1][0]
        if keyword in ("IF", "UNLESS"):
            condition = _expression(rest)
            if keyword == "UNLESS":
                inner = condition
                condition = lambda s: "" if perl_true(inner(s)) else 1  # noqa: E731
            node = _If([(condition, _Block())])
            self.current.nodes.append(node)
            self.stack.append((node, node.branches[0][1]))
        elif keyword == "ELSIF" and isinstance(owner, _If) and owner.otherwise is None:
            block = _Block()
            owner.branches.append((_expression(rest), block))
            self.stack[-1] = (owner, block)
        elif keyword == "ELSE" and not rest and isinstance(owner, _If) and owner.otherwise is None:
            owner.otherwise = _Block()
            self.stack[-1] = (owner, owner.otherwise)
        elif keyword == "END" and not rest and owner is not None:
            self.stack.pop()
        elif keyword in ("FOREACH", "FOR"):
            match = _FOREACH_RE.match(text)
            if match is None:
                raise _ParseError("unexpected end of directive")
            loop = _Foreach(match.group(1), _expression(match.group(2).strip()))
            self.current.nodes.append(loop)
            self.stack.append((loop, loop.body))
        elif keyword in ("ELSIF", "ELSE", "END"):
            raise _ParseError(f"unexpected token ({keyword})")
        else:
            if keyword == "GET":
                text = rest
            self.current.nodes.append(_Print(_expression(text)))


def _parse(source: str) -> _Block:
    parser = _TemplateParser()
    last_line = 1
    for token in _tokenize(source):
        if isinstance(token, str):
            parser.current.nodes.append(_Text(token))
            continue
        last_line = token.line
        if token.text.startswith("#"):
            continue
        try:
            parser.directive(token.text)
        except _ParseError as exc:
            raise TemplateError(
                f"file error - parse error - input text line {token.line}: {exc}\n"
                f"  [% {token.text} %]"
            ) from None
    if len(parser.stack) > 1:
        raise TemplateError(
            f"file error - parse error - input text line {last_line}: unexpected end of input"
        )
    return parser.root


def render(source: str, variables: Mapping[str, Value]) -> str:
    """Render template text with the given variables."""
    root = _parse(source)
    out: list[str] = []
    root.render(_Stash(variables), out)
    return "".join(out)


def render_file(path: Path, variables: Mapping[str, Value]) -> str:
    """Read (UTF-8) and render a template file."""
    return render(path.read_text(encoding="utf-8"), variables)
