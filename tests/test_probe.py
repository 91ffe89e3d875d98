"""The download probe: it goes through the proxy that torchvision's download would use, and it never hangs.

Every server here is a local fake on 127.0.0.1; name lookups for anything else fail at once (or stall, where a
test says so), so no test touches the network.
"""

import http.server
import socket
import threading
import time
from pathlib import Path

import pytest
import torchvision
from forged import forge, trust

import d2lcore as d2l
from d2lcore import sources

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
MIRROR = "http://mirror.d2lcore.invalid/fashion/"


class _Recorder(http.server.BaseHTTPRequestHandler):
    """A forward proxy that answers every GET with the first byte of a file, and refuses CONNECT tunnels."""

    def do_GET(self):
        self.server.seen.append(("GET", self.path))
        self.send_response(206)
        self.send_header("Content-Length", "1")
        self.end_headers()
        self.wfile.write(b"\x1f")

    def do_CONNECT(self):
        self.server.seen.append(("CONNECT", self.path))
        self.send_response(502)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def proxy():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def no_dns(monkeypatch):
    """Only 127.0.0.1 resolves; any other name fails at once, as on a machine without a DNS server."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host != "127.0.0.1":
            raise socket.gaierror(socket.EAI_NONAME, f"{host}: no name lookups in tests")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def _dataset(*mirrors):
    return type("FashionMNIST", (torchvision.datasets.FashionMNIST,), {"mirrors": list(mirrors)})


def test_probe_asks_through_the_http_proxy(proxy, monkeypatch):
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{proxy.server_port}")
    assert sources._download_reachable(_dataset(MIRROR), timeout=2)
    assert proxy.seen == [("GET", MIRROR + "train-images-idx3-ubyte.gz")]


def test_probe_opens_a_tunnel_through_the_https_proxy(proxy, monkeypatch):
    monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{proxy.server_port}")
    assert not sources._download_reachable(_dataset("https://mirror.d2lcore.invalid/"), timeout=2)  # 502 here
    assert proxy.seen == [("CONNECT", "mirror.d2lcore.invalid:443")]


def test_no_proxy_and_no_dns_means_unreachable_at_once(proxy):
    tic = time.perf_counter()
    assert not sources._download_reachable(_dataset(MIRROR), timeout=2)
    assert time.perf_counter() - tic < 1 and proxy.seen == []


def test_silent_server_cannot_make_the_probe_wait():
    with socket.socket() as listener:  # accepts connections (the kernel does) but never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        tic = time.perf_counter()
        reachable = sources._download_reachable(_dataset(f"http://127.0.0.1:{listener.getsockname()[1]}/"), 0.5)
        assert not reachable and time.perf_counter() - tic < 1.5


def test_slow_name_lookup_counts_against_the_time_limit(monkeypatch):
    release = threading.Event()

    def stalled(host, *args, **kwargs):  # a resolver that does not answer for several seconds
        release.wait(5)
        raise socket.gaierror(socket.EAI_AGAIN, "temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", stalled)
    try:
        tic = time.perf_counter()
        assert not sources._download_reachable(_dataset(MIRROR), timeout=0.5)
        assert time.perf_counter() - tic < 1.5
    finally:
        release.set()


def test_proxied_user_gets_the_download(proxy, tmp_path, monkeypatch):
    def download(self):  # stands in for torchvision's download (which urllib also sends through the proxy)
        forge(Path(self.root))

    forge(tmp_path / "published")
    trust(monkeypatch, tmp_path / "published")
    fake = type("FashionMNIST", (torchvision.datasets.FashionMNIST,), {"download": download, "mirrors": [MIRROR]})
    monkeypatch.setitem(sources.DATASETS, "Fashion-MNIST", fake)
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{proxy.server_port}")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("D2LCORE_DATA", str(tmp_path / "fresh"))
    monkeypatch.delenv("D2LCORE_OFFLINE", raising=False)
    assert d2l.find_data("Fashion-MNIST") == tmp_path / "fresh"
    assert proxy.seen == [("GET", MIRROR + "train-images-idx3-ubyte.gz")]
