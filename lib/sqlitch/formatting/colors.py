"""ANSI colour attributes with the names Perl's Term::ANSIColor accepts."""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["ATTRIBUTES", "color_sequence", "color_valid", "colors_disabled"]


def _build() -> dict[str, str]:
    table = {
        "clear": "0",
        "reset": "0",
        "bold": "1",
        "dark": "2",
        "faint": "2",
        "italic": "3",
        "underline": "4",
        "underscore": "4",
        "blink": "5",
        "reverse": "7",
        "concealed": "8",
    }
    names = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")
    for i, name in enumerate(names):
        table[name] = str(30 + i)
        table[f"on_{name}"] = str(40 + i)
        table[f"bright_{name}"] = str(90 + i)
        table[f"on_bright_{name}"] = str(100 + i)
    for code in range(16):
        table[f"ansi{code}"] = f"38;5;{code}"
        table[f"on_ansi{code}"] = f"48;5;{code}"
    for r in range(6):
        for g in range(6):
            for b in range(6):
                code = 16 + 36 * r + 6 * g + b
                table[f"rgb{r}{g}{b}"] = f"38;5;{code}"
                table[f"on_rgb{r}{g}{b}"] = f"48;5;{code}"
    for n in range(24):
        table[f"grey{n}"] = f"38;5;{232 + n}"
        table[f"on_grey{n}"] = f"48;5;{232 + n}"
    return table


ATTRIBUTES: dict[str, str] = _build()
_TRUE_COLOR = re.compile(r"(on_)?r(\d+)g(\d+)b(\d+)")


def _true_color(code: str) -> str | None:
    match = _TRUE_COLOR.fullmatch(code)
    # Compared as text first: never Python's digit limit for int().
    values = [v.lstrip("0") or "0" for v in match.group(2, 3, 4)] if match else []
    if not match or any(len(v) > 3 or int(v) > 255 for v in values):
        return None
    prefix = "48" if match.group(1) else "38"
    return f"{prefix};2;{int(match.group(2))};{int(match.group(3))};{int(match.group(4))}"


def color_valid(spec: str) -> bool:
    """Whether every whitespace-separated attribute in ``spec`` is known."""
    return all(code in ATTRIBUTES or _true_color(code) for code in spec.lower().split())


def colors_disabled(env: Mapping[str, str]) -> bool:
    """Term::ANSIColor's switches: ANSI_COLORS_DISABLED (true) or NO_COLOR (set)."""
    disabled = env.get("ANSI_COLORS_DISABLED")
    return bool(disabled and disabled != "0") or "NO_COLOR" in env


def color_sequence(spec: str) -> str:
    """The escape sequence for a valid attribute list (see :func:`color_valid`)."""
    codes = [ATTRIBUTES.get(c) or _true_color(c) or "" for c in spec.lower().split()]
    return f"\x1b[{';'.join(codes)}m" if codes else ""
