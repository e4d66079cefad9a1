"""A fallback font for names in scripts the default font lacks (a Japanese board's "進行中").

matplotlib's default font (DejaVu Sans) has no CJK glyphs: a stage named "完了" would draw as
empty boxes, with a "Glyph missing" warning per character. :func:`use_fallback_font` appends an
installed font that covers CJK (Noto Sans CJK, Source Han Sans, IPA, Hiragino, Yu Gothic,
Microsoft YaHei...) to ``rcParams["font.family"]``, so matplotlib falls back to it glyph by
glyph while Latin text keeps the default font. No font ships with the package: on Debian or
Ubuntu, ``apt install fonts-noto-cjk`` provides one. Without any, the charts still render and
:data:`NO_FONT_FIX` says what to install.

A font installed after matplotlib built its font cache is found too: the system's font files
whose names mark them as CJK are registered when no known family is.

>>> family = fallback_font()
>>> family is None or family in CJK_FAMILIES
True
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

__all__ = ["CJK_FAMILIES", "NO_FONT_FIX", "fallback_font", "missing_glyph", "use_fallback_font"]

CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "Source Han Sans JP",
    "Source Han Sans",
    "IPAexGothic",
    "IPAGothic",
    "TakaoGothic",
    "VL Gothic",
    "Hiragino Sans",
    "Hiragino Kaku Gothic ProN",
    "Yu Gothic",
    "Meiryo",
    "MS Gothic",
    "Noto Sans CJK SC",
    "Noto Sans CJK TC",
    "Noto Sans CJK KR",
    "Noto Sans SC",
    "Noto Sans TC",
    "Noto Sans KR",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Malgun Gothic",
    "Apple SD Gothic Neo",
    "Droid Sans Fallback",
    "Arial Unicode MS",
)
"""Fonts that cover Chinese, Japanese and Korean, in order of preference (Japanese first)."""

NO_FONT_FIX = (
    "install a font that covers them, such as Noto Sans CJK (Debian, Ubuntu: "
    "apt install fonts-noto-cjk; macOS and Windows have one)"
)
"""What to do when a chart's text has characters no installed font covers."""

_CJK_FILE = re.compile(
    r"cjk|sourcehan|ipa|takao|vlgothic|hiragino|yugoth|meiryo|msgothic|wqy|wenquanyi|"
    r"msyh|simhei|pingfang|malgun|droidsansfallback|arialuni|notosans(jp|sc|tc|kr)",
    re.IGNORECASE,
)
_MISSING = re.compile(r"Glyph \d+ .* missing from font")


def _known() -> str | None:
    from matplotlib import font_manager

    names = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in names), None)


@functools.cache
def fallback_font() -> str | None:
    """The first installed family of :data:`CJK_FAMILIES`, or None when there is none."""
    found = _known()
    if found is not None:
        return found
    from matplotlib import font_manager

    # matplotlib's font cache predates fonts installed since: register the CJK ones.
    for path in font_manager.findSystemFonts():
        if _CJK_FILE.search(Path(path).name):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # an unreadable font file: skip it
                continue
    return _known()


def use_fallback_font() -> str | None:
    """Append :func:`fallback_font` to ``rcParams["font.family"]`` (once); returns it."""
    family = fallback_font()
    if family is None:
        return None
    from matplotlib import rcParams

    current = rcParams["font.family"]
    families = [current] if isinstance(current, str) else list(current)
    if family not in families:
        rcParams["font.family"] = [*families, family]
    return family


def missing_glyph(message: str) -> bool:
    """Whether a warning ``message`` is matplotlib's "Glyph ... missing from font(s)".

    >>> missing_glyph("Glyph 36914 (CJK UNIFIED IDEOGRAPH-9032) missing from font(s) DejaVu Sans.")
    True
    """
    return _MISSING.search(message) is not None
