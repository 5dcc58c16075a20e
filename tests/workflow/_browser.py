"""A real headless browser for the report test: Debian's Chromium driven by Playwright.

Locally without Playwright or Chromium the test skips, saying which is missing; in CI
(``CI=true``; ``.ci/run`` installs both) it fails instead."""
from __future__ import annotations

import os
import shutil

import pytest

#: Flags for a root, offline, headless Chromium (this machine's network is closed: without the
#: background-networking flags it keeps trying to reach Google's hosts).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    """The system Chromium, or skip (fail in CI) naming what is missing."""
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the Python package playwright (pip install -e '.[test]')")
    path = (os.environ.get("CHROMIUM") or shutil.which("chromium")
            or shutil.which("chromium-browser"))
    if not path:
        missing.append("a chromium binary (apt-get install chromium; or set CHROMIUM)")
    if missing:
        reason = "no headless browser: missing " + " and ".join(missing)
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason + " -- .ci/run installs both")
        pytest.skip(reason)
    return path
