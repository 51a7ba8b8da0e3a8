import socket
import threading

import pytest
from django.core.cache import caches
from django.test import override_settings

REDIS = "redis://127.0.0.1:6379/15"


def redis_listening() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not redis_listening(), reason="no Redis on 127.0.0.1:6379")


def test_the_redis_cache_the_settings_name_works_across_threads(settings):
    from factcheck import settings as project

    with override_settings(
        CACHES={"redis": {**_redis_settings(project), "LOCATION": REDIS, "KEY_PREFIX": "test"}}
    ):
        cache = caches["redis"]
        cache.clear()
        wrong = []

        def work(n: int) -> None:
            for i in range(50):
                cache.set(f"k{n}-{i}", {"n": n, "i": i})
                if cache.get(f"k{n}-{i}") != {"n": n, "i": i}:
                    wrong.append((n, i))

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert wrong == []
        assert cache.get_many([f"k0-{i}" for i in range(50)])["k0-7"] == {"n": 0, "i": 7}
        assert cache.add("lock", 1, 5) and not cache.add("lock", 1, 5)  # single-flight's lock
        cache.delete("k3-49")
        assert cache.get("k3-49") is None
        cache.clear()


def _redis_settings(project) -> dict:
    """The Redis cache settings.py writes when REDIS_URL is set."""
    import importlib
    import os

    os.environ["REDIS_URL"] = REDIS
    try:
        return importlib.reload(project).CACHES["default"]
    finally:
        del os.environ["REDIS_URL"]
        importlib.reload(project)
