"""Opt-in online geocoding through geopy's Nominatim client, rate-limited and cached.

Off by default: nothing in the project calls it unless a user asks for online geocoding. The
geopy client does the HTTP; this module only builds the query, reads the answer and maps geopy's
exceptions onto ``geo.errors``.
"""

from __future__ import annotations

import dataclasses
import socket
from typing import Any, ClassVar

from geopy.adapters import URLLibAdapter
from geopy.exc import GeocoderTimedOut as GeopyTimedOut
from geopy.exc import GeocoderUnavailable as GeopyUnavailable
from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

from geo.errors import (
    GeocoderError,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
)
from geo.gazetteer import Geocoder, Match

#: Nominatim's usage policy asks for at most one request per second.
DEFAULT_MIN_DELAY_S = 1.0
DEFAULT_USER_AGENT = "ghouta-map (time-aware conflict map; offline by default)"


class NominatimGeocoder(Geocoder):
    """Geocode through a Nominatim service (OpenStreetMap), one request per ``min_delay_s``.

    Answers are cached per instance (the same name is asked once); misses are cached too.

    Parameters
    ----------
    domain : str, default "nominatim.openstreetmap.org"
        Host (and port) of the service; tests point it at a local stand-in server.
    scheme : {"https", "http"}, default "https"
    user_agent : str
        Sent with every request, as Nominatim's policy requires.
    timeout_s : float, default 5
        Seconds to wait for an answer before ``GeocoderTimedOut``.
    min_delay_s : float, default 1
        Minimum seconds between two requests (``geopy.extra.rate_limiter.RateLimiter``).
    country_codes : str or None, default "sy"
        Restrict answers to these ISO 3166-1 alpha-2 codes (comma-separated); None for all.
    """

    source: ClassVar[str] = "nominatim"

    def __init__(
        self,
        *,
        domain: str = "nominatim.openstreetmap.org",
        scheme: str = "https",
        user_agent: str = DEFAULT_USER_AGENT,
        timeout_s: float = 5.0,
        min_delay_s: float = DEFAULT_MIN_DELAY_S,
        country_codes: str | None = "sy",
    ):
        if scheme not in ("http", "https"):
            raise ValueError(f"scheme must be 'http' or 'https', got {scheme!r}")
        if timeout_s <= 0 or min_delay_s < 0:
            raise ValueError(
                f"timeout_s must be > 0 and min_delay_s >= 0, got {timeout_s!r}, {min_delay_s!r}"
            )
        # geopy's urllib adapter: one request per call, and a read timeout is reported as a
        # timeout (the requests adapter retries it twice, then reports the service unavailable)
        self._client = Nominatim(user_agent=user_agent, domain=domain, scheme=scheme,
                                 timeout=timeout_s, adapter_factory=URLLibAdapter)
        self._limited = RateLimiter(self._client.geocode, min_delay_seconds=min_delay_s,
                                    max_retries=0, swallow_exceptions=False)
        self._country_codes = country_codes
        self._cache: dict[str, Match | None] = {}

    def _geocode(self, query: str) -> Match | None:
        key = " ".join(query.split()).casefold()
        if key not in self._cache:
            location = self._limited(query, exactly_one=True, country_codes=self._country_codes)
            self._cache[key] = None if location is None else self._parse(query, location)
        cached = self._cache[key]
        return None if cached is None else dataclasses.replace(cached, query=query)

    def _parse(self, query: str, location: Any) -> Match:
        raw = location.raw or {}
        osm = f"osm:{raw['osm_type']}/{raw['osm_id']}" if "osm_id" in raw else ""
        name = str(raw.get("name") or location.address)
        return Match(query, None, name, float(location.latitude), float(location.longitude),
                     self.source, 1.0, osm)

    def _map_error(self, exc: Exception) -> GeocoderError | None:
        if isinstance(exc, GeopyTimedOut):
            return GeocoderTimedOut(f"Nominatim did not answer in time: {exc}")
        if isinstance(exc, GeopyUnavailable) or _unreachable(exc):
            return GeocoderUnavailable(f"Nominatim cannot be reached: {exc}")
        if isinstance(exc, GeopyError):
            return GeocoderServiceError(f"Nominatim answered with an error: {exc}")
        return None


def _unreachable(exc: BaseException) -> bool:
    """True when the exception's chain shows no connection was made (refused, unknown host)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        reason = getattr(current, "reason", None)
        if isinstance(current, ConnectionError | socket.gaierror) or isinstance(
            reason, ConnectionError | socket.gaierror
        ):
            return True
        current = current.__cause__ or current.__context__
    return False
