"""The opt-in Nominatim geocoder, driving the real geopy client against a local stand-in server."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from geopy.extra.rate_limiter import RateLimiter

from geo._nominatim import NominatimGeocoder
from geo.errors import GeocoderError, GeocoderServiceError, GeocoderTimedOut, GeocoderUnavailable
from geo.gazetteer import ChainGazetteer, DatasetGazetteer
from geo.model import Locality

PLACES = {
    "idlib": {"place_id": 1, "osm_type": "relation", "osm_id": 7360, "lat": "35.9306",
              "lon": "36.6339", "name": "Idlib", "display_name": "Idlib, Idlib Governorate, Syria"},
    "jarablus": {"place_id": 2, "osm_type": "node", "osm_id": 2447, "lat": "36.8175",
                 "lon": "38.0111", "name": "Jarablus", "display_name": "Jarablus, Syria"},
}


class StandIn(BaseHTTPRequestHandler):
    """Answers ``/search`` like Nominatim; "error" gives 500, "slow" answers after 1 s."""

    log: list[dict[str, str]]

    def do_GET(self) -> None:
        url = urlparse(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.server.requests.append({"path": url.path, **params,  # type: ignore[attr-defined]
                                     "agent": self.headers.get("User-Agent", "")})
        query = params.get("q", "").casefold()
        if url.path != "/search":
            self._send(404, {"error": "not found"})
        elif query == "error":
            self._send(500, {"error": "internal"})
        elif query == "slow":
            time.sleep(1.0)
            self._send(200, [])
        else:
            self._send(200, [PLACES[query]] if query in PLACES else [])

    def _send(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # client gave up
            self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    httpd.daemon_threads = True  # closing does not wait for the deliberately slow answer
    httpd.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def geocoder(server: ThreadingHTTPServer, **kwargs) -> NominatimGeocoder:
    host, port = server.server_address[:2]
    options = {"domain": f"{host}:{port}", "scheme": "http", "min_delay_s": 0.0, **kwargs}
    return NominatimGeocoder(**options)


def test_a_hit_is_a_match_from_nominatim(server):
    found = geocoder(server).geocode("Idlib")
    assert (found.source, found.id, found.name, found.ref) == (
        "nominatim", None, "Idlib", "osm:relation/7360")
    assert (found.lat, found.lon) == (35.9306, 36.6339)
    [request] = server.requests
    assert request["path"] == "/search"
    assert (request["q"], request["countrycodes"], request["format"]) == ("Idlib", "sy", "json")
    assert request["agent"].startswith("ghouta-map")


def test_a_miss_is_none(server):
    assert geocoder(server).geocode("Atlantis") is None
    assert [r["q"] for r in server.requests] == ["Atlantis"]


def test_a_server_error_is_a_service_error(server):
    with pytest.raises(GeocoderServiceError) as info:
        geocoder(server).geocode("error")
    assert isinstance(info.value, GeocoderError)
    assert len(server.requests) == 1  # no silent retry


def test_a_slow_server_times_out(server):
    with pytest.raises(GeocoderTimedOut) as info:
        geocoder(server, timeout_s=0.2).geocode("slow")
    assert isinstance(info.value, TimeoutError)
    assert len(server.requests) == 1  # no silent retry


def test_an_unreachable_server_is_unavailable():
    closed = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    host, port = closed.server_address[:2]
    closed.server_close()  # nothing listens on that port any more
    nominatim = NominatimGeocoder(domain=f"{host}:{port}", scheme="http", min_delay_s=0.0)
    with pytest.raises(GeocoderUnavailable):
        nominatim.geocode("Idlib")


def test_answers_are_cached_per_instance(server):
    nominatim = geocoder(server)
    first = nominatim.geocode("Idlib")
    again = nominatim.geocode("  idlib ")
    assert nominatim.geocode("Atlantis") is None
    assert nominatim.geocode("atlantis") is None
    assert (again.name, again.query) == (first.name, "  idlib ")
    assert [r["q"] for r in server.requests] == ["Idlib", "Atlantis"]
    geocoder(server).geocode("Idlib")  # another instance has its own cache
    assert len(server.requests) == 3


def test_requests_are_spaced_by_the_rate_limiter(server, monkeypatch):
    """A fake clock stands still during requests: each later request must wait min_delay_s."""
    now = [100.0]
    waits: list[float] = []

    def sleep(self, seconds):
        waits.append(round(seconds, 6))
        now[0] += seconds

    monkeypatch.setattr(RateLimiter, "_clock", lambda self: now[0])
    monkeypatch.setattr(RateLimiter, "_sleep", sleep)
    nominatim = geocoder(server, min_delay_s=1.5)
    for name in ["Idlib", "Jarablus", "Idlib", "Atlantis"]:
        nominatim.geocode(name)
    assert [r["q"] for r in server.requests] == ["Idlib", "Jarablus", "Atlantis"]
    assert waits == [1.5, 1.5]  # before the 2nd and 3rd requests; the cached one waits not


def test_chain_falls_back_to_nominatim_only_for_unknown_names(server):
    douma = Locality("douma", "Douma", ("Duma",), "city", 33.57, 36.40, 700.0, "published",
                     True, "s")
    chain = ChainGazetteer([DatasetGazetteer([douma]), geocoder(server)])
    assert chain.geocode("Duma").source == "dataset"
    assert server.requests == []
    assert chain.geocode("Jarablus").source == "nominatim"
    assert [r["q"] for r in server.requests] == ["Jarablus"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"scheme": "ftp"}, "scheme"), ({"timeout_s": 0}, "timeout_s"),
     ({"min_delay_s": -1}, "min_delay_s")],
)
def test_bad_settings_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        NominatimGeocoder(**kwargs)
