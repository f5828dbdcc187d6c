"""What a page costs over the network, read from the browser's own network log.

Playwright reports every request the page makes and, with service-worker network events
switched on (see conftest), every request the service worker makes too. A request answered by
the service worker is counted where it really happened: on the worker's side, if the worker
went to the network, and not at all if it answered from the phone's cache. Files the page takes
from the HTTP cache cost nothing; when the worker stores its shell it asks the server whether
its copies are current, and those small "not modified" answers are counted. Sizes are the
compressed body plus the response headers, as `Network.loadingFinished`'s
`encodedDataLength` gives them."""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import BrowserContext, Request


@dataclass
class Transfer:
    url: str
    resource_type: str
    bytes: int  # headers and compressed body
    body: int  # compressed body
    by_service_worker: bool


@dataclass
class NetworkLog:
    """Records what a browser context fetches; `reset()` between loads."""

    transfers: list[Transfer] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> NetworkLog:
        context.on("requestfinished", self._finished)
        return self

    def _finished(self, request: Request) -> None:
        response = request.response()
        if response is None or response.from_service_worker:
            return  # counted on the service worker's side, if it touched the network
        sizes = request.sizes()
        size = max(0, sizes["responseBodySize"] + sizes["responseHeadersSize"])
        body = max(0, sizes["responseBodySize"])
        by_worker = request.service_worker is not None
        self.transfers.append(Transfer(request.url, request.resource_type, size, body, by_worker))

    def reset(self) -> None:
        self.transfers.clear()

    @property
    def total(self) -> int:
        return sum(t.bytes for t in self.transfers)

    def describe(self) -> str:
        return "\n".join(f"{t.bytes:>7} {t.resource_type:<10} {t.url}" for t in self.transfers)
