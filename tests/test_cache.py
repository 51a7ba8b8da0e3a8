import socket
import threading

import pytest

from factcheck.cache import ReusingRedisCache

REDIS = "redis://127.0.0.1:6379/15"


def redis_listening() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not redis_listening(), reason="no Redis on 127.0.0.1:6379")


def test_the_redis_cache_keeps_one_client_and_works_across_threads():
    cache = ReusingRedisCache(REDIS, {"KEY_PREFIX": "test-cache"})
    cache.clear()
    assert cache._cache.get_client() is cache._cache.get_client(write=True)

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
    assert cache.get("k3-49") == {"n": 3, "i": 49}
    assert cache.get_many([f"k0-{i}" for i in range(50)])["k0-7"] == {"n": 0, "i": 7}
    cache.delete("k3-49")
    assert cache.get("k3-49") is None
    cache.clear()
