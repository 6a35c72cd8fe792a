"""Stopping a write at a chosen step: by failing there (in the test process) or by being killed there.

``STEPS`` names, for each operation, the places where a file or a search entry has been
written but the transaction has not committed. ``hook(operation, step, stop)`` gives the
(module, attribute, replacement) that calls ``stop()`` at that place; ``stop`` raises in
the failure tests and, in the child process of the kill tests (``python -m
tests.ops.child``), says "PAUSED" and waits for its ``kill -9``.
"""

import functools
import importlib

# operation -> step -> (module, attribute, when: "before" the call or "after" the n-th call)
STEPS = {
    "import": {
        "checking": ("disclosure.importing.checking", "_stage", ("after", 2)),
        "writing": ("disclosure.importing.writing", "attachment_store", ("after", 2)),
        "indexing": ("disclosure.importing.writing", "index_items", ("after", 1)),
    },
    "upload": {
        "stored": ("disclosure.attachments", "audit_record", ("before", 1)),
        "revision": ("disclosure.services.attachments", "_scan", ("before", 1)),
    },
    "publish": {
        "saved": ("disclosure.services.publication", "audit_record", ("before", 1)),
        "indexing": ("disclosure.services.revisions", "index_item", ("after", 1)),
    },
    "report": {
        "files": ("reports.freezing", "save_field_file", ("after", 2)),
        "status": ("reports.services", "audit_record", ("before", 1)),
    },
}

CASES = [(operation, step) for operation, steps in STEPS.items() for step in steps]


class Injected(RuntimeError):
    """The failure the tests inject."""


def hook(operation: str, step: str, stop):
    module_name, attribute, (when, nth) = STEPS[operation][step]
    module = importlib.import_module(module_name)
    real = getattr(module, attribute)
    calls = {"n": 0}

    @functools.wraps(real)
    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if when == "before" and calls["n"] == nth:
            stop()
        result = real(*args, **kwargs)
        if when == "after" and calls["n"] == nth:
            stop()
        return result

    return module, attribute, wrapper
