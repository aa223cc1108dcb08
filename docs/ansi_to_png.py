#!/usr/bin/env python3
"""Renders a terminal capture with ANSI colours (`tmux capture-pane -e -p`)
to a PNG, for the README's screenshot of the terminal UI.

Usage: python3 docs/ansi_to_png.py capture.ansi docs/tui.png
Needs Pillow and the DejaVu Sans Mono fonts.
"""

import re
import sys

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
SIZE = 15
BG = (24, 26, 33)
FG = (214, 219, 228)
# xterm-like palette, slightly softened.
BASE = [
    (40, 42, 54), (231, 76, 60), (80, 200, 120), (241, 196, 15),
    (80, 140, 240), (200, 110, 220), (70, 200, 210), (200, 204, 212),
    (110, 116, 130), (255, 110, 100), (120, 230, 150), (255, 220, 90),
    (130, 170, 255), (230, 150, 240), (120, 230, 240), (245, 247, 250),
]


def color256(n):
    if n < 16:
        return BASE[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return (v, v, v)


def parse(text):
    """Yields rows of (char, fg, bg, bold, underline)."""
    rows = []
    for line in text.split("\n"):
        fg, bg, bold, dim, ul, rev = None, None, False, False, False, False
        row = []
        pos = 0
        for m in re.finditer(r"\x1b\[([0-9;:]*)m|([^\x1b])", line):
            if m.group(2) is not None:
                f = fg if fg is not None else FG
                b = bg if bg is not None else BG
                if dim:
                    f = tuple(int(c * 0.6 + BG[i] * 0.4) for i, c in enumerate(f))
                if rev:
                    f, b = b, f
                row.append((m.group(2), f, b, bold, ul))
                continue
            codes = [c for c in re.split("[;:]", m.group(1)) if c != ""] or ["0"]
            i = 0
            while i < len(codes):
                c = int(codes[i])
                if c == 0:
                    fg, bg, bold, dim, ul, rev = None, None, False, False, False, False
                elif c == 1:
                    bold = True
                elif c == 2:
                    dim = True
                elif c == 4:
                    ul = True
                elif c == 7:
                    rev = True
                elif c == 22:
                    bold = dim = False
                elif c == 24:
                    ul = False
                elif c == 27:
                    rev = False
                elif 30 <= c <= 37:
                    fg = BASE[c - 30]
                elif 90 <= c <= 97:
                    fg = BASE[c - 90 + 8]
                elif 40 <= c <= 47:
                    bg = BASE[c - 40]
                elif 100 <= c <= 107:
                    bg = BASE[c - 100 + 8]
                elif c == 39:
                    fg = None
                elif c == 49:
                    bg = None
                elif c in (38, 48) and i + 1 < len(codes):
                    if codes[i + 1] == "5" and i + 2 < len(codes):
                        col = color256(int(codes[i + 2]))
                        i += 2
                    elif codes[i + 1] == "2" and i + 4 < len(codes):
                        col = tuple(int(x) for x in codes[i + 2:i + 5])
                        i += 4
                    else:
                        col = None
                    if c == 38:
                        fg = col
                    else:
                        bg = col
                i += 1
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows


# Box-drawing characters as the half-lines they join: up, down, left, right.
BOX = {
    "─": "lr", "│": "ud", "┌": "dr", "┐": "dl", "└": "ur", "┘": "ul",
    "├": "udr", "┤": "udl", "┬": "dlr", "┴": "ulr", "┼": "udlr",
}


def render(rows, out):
    regular = ImageFont.truetype(FONT_DIR + "DejaVuSansMono.ttf", SIZE)
    bold = ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Bold.ttf", SIZE)
    cw = round(regular.getlength("M"))
    ch = round(SIZE * 1.35)
    cols = max(len(r) for r in rows)
    pad = 12
    img = Image.new("RGB", (cols * cw + 2 * pad, len(rows) * ch + 2 * pad), BG)
    d = ImageDraw.Draw(img)
    for y, row in enumerate(rows):
        for x, (char, fg, bg, b, ul) in enumerate(row):
            px, py = pad + x * cw, pad + y * ch
            if bg != BG:
                d.rectangle([px, py, px + cw, py + ch], fill=bg)
            if char in BOX:
                cx, cy = px + cw // 2, py + ch // 2
                ends = {"u": (cx, py), "d": (cx, py + ch), "l": (px, cy), "r": (px + cw, cy)}
                for side in BOX[char]:
                    d.line([(cx, cy), ends[side]], fill=fg)
            elif char == "█":
                d.rectangle([px, py, px + cw, py + ch], fill=fg)
            elif char != " ":
                d.text((px, py + 2), char, font=bold if b else regular, fill=fg)
            if ul:
                d.line([px, py + ch - 3, px + cw, py + ch - 3], fill=fg)
    img.save(out)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        render(parse(f.read()), sys.argv[2])
