"""axe-core's accessibility rules, injected into a page from node_modules (make test installs it)."""

import contextlib
import os
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page, impacts=("serious", "critical")) -> list:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"axe-core is required in CI: {AXE} is missing (make test installs it)")
        pytest.skip(f"axe-core not installed at {AXE} (make test installs it)")
    # Evaluated through the DevTools protocol, not added as a <script>: the page's CSP forbids inline
    # script. axe applies inline styles of its own while it runs; the CSP watch forgives those.
    watch = getattr(page.context, "csp_watch", None)
    with watch.excusing_styles() if watch else contextlib.nullcontext():
        page.evaluate(AXE.read_text(encoding="utf-8"))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]][:3])
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]
