"""Run one write and stop at a step until killed: ``python -m tests.ops.child OPERATION STEP SPEC_JSON``.

The environment names the database (DATABASE_URL), MEDIA_ROOT and FILE_STAGING_ROOT of the
test that starts it; the test kills this process with SIGKILL once it prints PAUSED.
"""

import json
import os
import sys
import time

import django


def main(operation: str, step: str, spec: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "township_portal.settings")
    django.setup()
    from tests.ops.injection import hook
    from tests.ops.operations import perform

    def pause():
        print("PAUSED", flush=True)
        while True:
            time.sleep(60)

    module, attribute, replacement = hook(operation, step, pause)
    setattr(module, attribute, replacement)
    perform(operation, json.loads(spec))
    print("FINISHED", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
