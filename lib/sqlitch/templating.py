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

Template Toolkit compiles a template into Perl, and Perl then reads each
number in it as a numeric literal: past 250 characters that fails ("Number
too long"), a leading ``0`` makes it octal (``010`` is 8, and ``8`` or ``9``
in it fails: "Illegal octal digit"), and a number past 64 bits becomes a
double. Those failures name the line of the generated Perl, which
:class:`_PerlLines` works out; a number's value and printed form are Perl's
(``[% 1.50 %]`` prints 1.5, ``list.18446744073709551615`` is the last item).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlitch.perl import perl_number
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
    # Template Toolkit's line for the directive: where its first word is.
    perl_line: int


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
        body = match.group(2)
        lead = body[: len(body) - len(body.lstrip())].count("\n")
        tokens.append(_Directive(body.strip(), line, line + lead))
        pending_post = match.group(3)
        pos = match.end()
    tokens.append(_chomp_after(source[pos:], pending_post))
    return [t for t in tokens if not (isinstance(t, str) and t == "")]


# ---------------------------------------------------------------------------
# Expressions

_EXPR_TOKEN_RE = re.compile(
    r"""\s*(?:
        (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<num>[0-9]+(?:\.[0-9]+)?)
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
        # The number literals Perl will read, in the order it reads them.
        self.numbers: list[str] = []

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
            self.numbers.append(value)
            shown = _perl_literal(value)[0]
            return lambda s: shown
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
        # (name, arguments, list index): a number is both a key and an index.
        steps: list[tuple[str, list[Expr], int | None]] = []
        if self.accept("("):
            self.args()  # calling a plain variable yields its value
        while self.accept("."):
            kind, value = self.take()
            if kind not in ("word", "num"):
                raise _ParseError(f"unexpected token ({value})")
            call_args = self.args() if self.accept("(") else []
            if kind == "word":
                steps.append((value, call_args, None))
                continue
            # Template Toolkit splits "list.1.2" into two steps, two literals.
            parts = value.split(".")
            for position, part in enumerate(parts, 1):
                self.numbers.append(part)
                shown, number = _perl_literal(part)
                args = call_args if position == len(parts) else []
                steps.append((shown, args, _perl_iv(number)))

        def evaluate(stash: _Stash) -> Value:
            current = stash.get(first)
            for name, call_args, index in steps:
                current = _dot(current, name, [a(stash) for a in call_args], index)
            return current

        return evaluate


def _unquote(literal: str) -> str:
    body = literal[1:-1]
    if literal[0] == "'":
        return re.sub(r"\\([\\'])", r"\1", body)
    escapes = {"n": "\n", "t": "\t", "r": "\r"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), body)


def _number(value: Value) -> float:
    return perl_number(to_text(value))


# ---------------------------------------------------------------------------
# Numbers as Perl reads them from Template Toolkit's generated code

# toke.c copies a decimal literal into a 256-byte buffer, keeping 6 spare.
_PERL_NUMBER_MAX = 250
_UV_MAX = 2**64 - 1
_IV_MAX = 2**63 - 1
# Perl stops compiling after this many errors ("... has too many errors.").
_PERL_MAX_ERRORS = 10


def _is_octal(digits: str) -> bool:
    return len(digits) > 1 and digits[0] == "0"


def _perl_literal(text: str) -> tuple[str, int | float | str]:
    """How Perl prints a number literal, and its value.

    ``0…`` is octal, and a ``.`` after it is Perl's concatenation (``01.5``
    is the string "15"); past 64 bits a number is a double. A literal Perl
    refuses (see :func:`_perl_literal_errors`) is never rendered.
    """
    whole, dot, fraction = text.partition(".")
    if _is_octal(whole):
        number: int | float = 0
        for digit in whole:  # as Perl accumulates it, past 64 bits as a double
            number = number * 8 + int(digit)
        if number > _UV_MAX:
            try:
                number = float(number)
            except OverflowError:
                number = math.inf
        shown = _perl_format(number)
        if dot:
            joined = shown + _perl_literal(fraction)[0]
            return joined, joined
        return shown, number
    if len(text) > _PERL_NUMBER_MAX:
        return text, 0  # "Number too long": never reaches Python's int()
    if dot:
        value = float(text)
        return _perl_format(value), value
    integer = int(text)
    if integer > _UV_MAX:
        value = float(text)
        return _perl_format(value), value
    return str(integer), integer


def _perl_literal_errors(text: str) -> list[str | None]:
    """What Perl says reading the literal: None for "Number too long" (fatal at
    once), else the digit of each "Illegal octal digit" error."""
    whole, dot, fraction = text.partition(".")
    if _is_octal(whole):
        found: list[str | None] = [d for d in whole if d in "89"]
        return found + _perl_literal_errors(fraction) if dot else found
    return [None] if len(text) > _PERL_NUMBER_MAX else []


def _perl_format(number: int | float) -> str:
    """A number as Perl prints it: integers exact, doubles with ``%.15g``."""
    if isinstance(number, int):
        return str(number)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Inf" if number > 0 else "-Inf"
    return f"{number:.15g}"


def _perl_iv(number: int | float | str) -> int:
    """The integer Perl takes from a number used as an array index."""
    if isinstance(number, str):
        number = perl_number(number)
    if isinstance(number, float):
        if math.isnan(number):
            return 0
        if number >= 2.0**64:
            number = _UV_MAX  # a double past the unsigned range saturates
        elif number < -(2.0**63):
            return -(2**63)
        else:
            number = int(number)
    return number - 2**64 if number > _IV_MAX else number  # an unsigned value wraps


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


def _dot(value: Value, name: str, args: Sequence[Value], index: int | None = None) -> Value:
    """``value.name``: a key, an index (``index``, for a number), or a virtual method."""
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
    if index is not None:
        if not isinstance(value, list):
            return None
        if index < 0:  # Perl counts a negative index from the end
            index += len(value)
        return value[index] if 0 <= index < len(value) else None
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
    line: int = 0
    numbers: list[str] = field(default_factory=list)

    def render(self, stash: _Stash, out: list[str]) -> None:
        out.append(to_text(self.expr(stash)))


@dataclass
class _If:
    branches: list[tuple[Expr, _Block]]
    otherwise: _Block | None = None
    numbers: list[list[str]] = field(default_factory=list)  # each branch's condition's
    end_line: int = 0

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
    numbers: list[str] = field(default_factory=list)
    end_line: int = 0

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


def _expression(text: str) -> tuple[Expr, list[str]]:
    """The expression, and the number literals in it."""
    if not text:
        raise _ParseError("unexpected end of directive")
    parser = _ExprParser(_lex(text))
    return parser.parse(), parser.numbers


class _TemplateParser:
    """Builds the node tree, tracking open blocks as Template Toolkit does."""

    def __init__(self) -> None:
        self.root = _Block()
        # Each open block: (node owning it, block receiving nodes now).
        self.stack: list[tuple[_If | _Foreach | None, _Block]] = [(None, self.root)]

    @property
    def current(self) -> _Block:
        return self.stack[-1][1]

    def directive(self, text: str, line: int = 0) -> None:
        """Add a directive; ``line`` is Template Toolkit's line for it."""
        keyword = text.split(None, 1)[0] if text else ""
        rest = text[len(keyword) :].strip()
        owner = self.stack[-1][0]
        if keyword in ("IF", "UNLESS"):
            condition, numbers = _expression(rest)
            if keyword == "UNLESS":
                inner = condition
                condition = lambda s: "" if perl_true(inner(s)) else 1  # noqa: E731
            node = _If([(condition, _Block())], numbers=[numbers])
            self.current.nodes.append(node)
            self.stack.append((node, node.branches[0][1]))
        elif keyword == "ELSIF" and isinstance(owner, _If) and owner.otherwise is None:
            block = _Block()
            condition, numbers = _expression(rest)
            owner.branches.append((condition, block))
            owner.numbers.append(numbers)
            self.stack[-1] = (owner, block)
        elif keyword == "ELSE" and not rest and isinstance(owner, _If) and owner.otherwise is None:
            owner.otherwise = _Block()
            self.stack[-1] = (owner, owner.otherwise)
        elif keyword == "END" and not rest and owner is not None:
            owner.end_line = line  # where Template Toolkit places the whole block
            self.stack.pop()
        elif keyword in ("FOREACH", "FOR"):
            match = _FOREACH_RE.match(text)
            if match is None:
                raise _ParseError("unexpected end of directive")
            items, numbers = _expression(match.group(2).strip())
            loop = _Foreach(match.group(1), items, numbers=numbers)
            self.current.nodes.append(loop)
            self.stack.append((loop, loop.body))
        elif keyword in ("ELSIF", "ELSE", "END"):
            raise _ParseError(f"unexpected token ({keyword})")
        else:
            if keyword == "GET":
                text = rest
            expr, numbers = _expression(text)
            self.current.nodes.append(_Print(expr, line, numbers))


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
            parser.directive(token.text, token.perl_line)
        except _ParseError as exc:
            raise TemplateError(
                f"file error - parse error - input text line {token.line}: {exc}\n"
                f"  [% {token.text} %]"
            ) from None
    if len(parser.stack) > 1:
        raise TemplateError(
            f"file error - parse error - input text line {last_line}: unexpected end of input"
        )
    _compile_numbers(parser.root)
    return parser.root


class _PerlLines:
    """Follows the lines of the Perl code Template Toolkit generates.

    Each statement of a block is one chunk, the chunks joined by newlines;
    a statement starts with ``#line N "input text"``, N being the line of
    the directive that ends it (an IF or FOREACH block ends at its END),
    so Perl numbers the lines after it from N. An ``if`` puts its condition
    on that line, each ``elsif`` after the branch before it; a FOREACH puts
    its list 4 lines down and its body 17.
    """

    def __init__(self) -> None:
        self.line = 1
        self.numbers: list[tuple[int, str]] = []  # (Perl's line, literal)

    def block(self, block: _Block) -> None:
        for index, node in enumerate(block.nodes):
            if index:
                self.line += 1
            self.chunk(node)

    def chunk(self, node: _Node) -> None:
        if isinstance(node, _Print):
            self.line = node.line
            self.add(node.numbers)
        elif isinstance(node, _If):
            self.line = node.end_line
            for numbers, (_, body) in zip(node.numbers, node.branches, strict=True):
                self.add(numbers)  # "if (...) {" / "elsif (...) {"
                self.line += 1
                self.block(body)
                self.line += 2  # "\n}\n"
            if node.otherwise is not None:
                self.line += 1  # "else {"
                self.block(node.otherwise)
                self.line += 2
        elif isinstance(node, _Foreach):
            self.line = node.end_line + 4
            self.add(node.numbers)
            self.line += 13
            self.block(node.body)
            self.line += 9  # ";" and the loop's last 8 lines
        elif isinstance(node, _Block):
            self.block(node)

    def add(self, numbers: list[str]) -> None:
        self.numbers.extend((self.line, number) for number in numbers)


def _compile_numbers(root: _Block) -> None:
    """Perl's errors reading the template's numbers, as Template Toolkit reports them."""
    lines = _PerlLines()
    lines.block(root)
    errors: list[str] = []
    for line, number in lines.numbers:
        for digit in _perl_literal_errors(number):
            if digit is None:  # fatal at once; earlier errors are dropped
                raise TemplateError(f"file error - Number too long at input text line {line}.\n")
            errors.append(
                f"Illegal octal digit '{digit}' at input text line {line}, at end of line\n"
            )
            if len(errors) == _PERL_MAX_ERRORS:
                errors.append("input text has too many errors.\n")
                raise TemplateError("file error - " + "".join(errors))
    if errors:
        raise TemplateError("file error - " + "".join(errors))


def render(source: str, variables: Mapping[str, Value]) -> str:
    """Render template text with the given variables."""
    root = _parse(source)
    out: list[str] = []
    root.render(_Stash(variables), out)
    return "".join(out)


def render_file(path: Path, variables: Mapping[str, Value]) -> str:
    """Read (UTF-8) and render a template file."""
    return render(path.read_text(encoding="utf-8"), variables)
