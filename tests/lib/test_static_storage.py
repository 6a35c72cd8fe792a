import json

import pytest

from township_portal.lib.static_storage import RememberingManifestStaticFilesStorage


def test_a_collected_file_s_address_is_the_manifest_s_and_a_missing_one_is_refused_every_time(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "portal.3f2a9c.css").write_text("body{}")
    manifest = {"version": "1.1", "hash": "x", "paths": {"css/portal.css": "css/portal.3f2a9c.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    storage = RememberingManifestStaticFilesStorage(location=str(tmp_path), base_url="/static/")

    assert storage.url("css/portal.css") == storage.url("css/portal.css") == "/static/css/portal.3f2a9c.css"
    for _ in range(2):  # never remembered as an address
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
