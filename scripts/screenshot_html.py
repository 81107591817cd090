#!/usr/bin/env python3
"""Render a keiyaku-lint HTML report with headless chromium and save a PNG screenshot.

    python scripts/screenshot_html.py report.html [-o out.png] [--width 1280 --height 2000]

Needs Debian's chromium and Japanese fonts:
    apt-get install -y chromium fonts-ipafont-mincho fonts-ipafont-gothic
The browser runs with a throw-away profile, no network services, no sandbox (root in a
container), and nothing but the local file. Exit 0 and the PNG path on stdout when the
screenshot was written; exit 2 with a one-line reason otherwise.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_browser() -> str | None:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def screenshot(html: Path, out: Path, width: int = 1280, height: int = 2000, timeout: float = 120.0,
               browser: str | None = None) -> Path:
    """Write a PNG of `html` to `out`; raises RuntimeError with the reason on failure."""
    browser = browser or find_browser()
    if browser is None:
        raise RuntimeError("no chromium found (apt-get install -y chromium fonts-ipafont-mincho fonts-ipafont-gothic)")
    html = html.resolve()
    if not html.is_file():
        raise RuntimeError(f"{html}: no such file")
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        out.unlink()
    with tempfile.TemporaryDirectory(prefix="keiyaku-chromium-") as profile:
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
               "--disable-dev-shm-usage", f"--user-data-dir={profile}", f"--screenshot={out}",
               f"--window-size={width},{height}", html.as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"chromium did not finish within {timeout:g} s") from None
    if not out.is_file() or out.stat().st_size == 0:
        tail = " ".join((proc.stderr or "").strip().splitlines()[-3:])
        raise RuntimeError(f"chromium wrote no screenshot (exit {proc.returncode}): {tail}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("html", type=Path, help="the HTML report")
    ap.add_argument("-o", "--out", type=Path, help="PNG to write (default: next to the report)")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=2000)
    ap.add_argument("--timeout", type=float, default=120.0)
    args = ap.parse_args(argv)
    out = args.out or args.html.with_suffix(".png")
    try:
        png = screenshot(args.html, out, args.width, args.height, args.timeout)
    except RuntimeError as exc:
        print(f"screenshot_html: {exc}", file=sys.stderr)
        return 2
    print(png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
