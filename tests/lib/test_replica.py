from disclosure.models import Item
from township_portal.lib.replica import ReplicaRouter, public_reads


def test_only_reads_inside_public_reads_go_to_the_replica():
    router = ReplicaRouter()
    assert router.db_for_read(Item) is None
    with public_reads():
        assert router.db_for_read(Item) == "replica"
        assert router.db_for_write(Item) is None  # writes always on the primary
    assert router.db_for_read(Item) is None
    assert router.allow_migrate("default", "disclosure") and not router.allow_migrate("replica", "disclosure")
