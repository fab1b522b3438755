"""An HTTP client session that connects to one address checked beforehand (DNS rebinding).

`targets.resolve_target` resolves the webhook's host once and checks every address; were the send then
left to `requests`, it would resolve the host again when connecting, and a name that answered a public
address to the check could answer a loopback or private one to the connection. Here only the TCP connect
goes to the checked address: the URL keeps its host name, so the `Host` header, the TLS SNI and the
certificate's host name check are all for the name, as without pinning.
"""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.poolmanager import PoolManager


class _PinnedConnection:
    """A urllib3 connection whose socket goes to `pinned_address` instead of a fresh lookup of its host."""

    def __init__(self, *args, pinned_address: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pinned_address = pinned_address

    def _new_conn(self):
        # urllib3 connects to `_dns_host` (and names the host from it too): swapped for the connect only.
        hostname = self._dns_host
        self._dns_host = self._pinned_address
        try:
            return super()._new_conn()
        finally:
            self._dns_host = hostname


class PinnedHTTPConnection(_PinnedConnection, HTTPConnection):
    pass


class PinnedHTTPSConnection(_PinnedConnection, HTTPSConnection):
    pass


class _PinnedPoolManager(PoolManager):
    def __init__(self, address: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self._address = address

    def _new_pool(self, scheme, host, port, request_context=None):
        pool = super()._new_pool(scheme, host, port, request_context)
        pool.ConnectionCls = PinnedHTTPSConnection if scheme == "https" else PinnedHTTPConnection
        pool.conn_kw = {**pool.conn_kw, "pinned_address": self._address}
        return pool


class PinnedAdapter(HTTPAdapter):
    def __init__(self, address: str) -> None:
        self._address = address
        super().__init__(max_retries=0)

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs) -> None:
        super().init_poolmanager(connections, maxsize, block=block, **pool_kwargs)
        self.poolmanager = _PinnedPoolManager(
            self._address, num_pools=connections, maxsize=maxsize, block=block, **pool_kwargs
        )

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        raise requests.exceptions.InvalidProxyURL("A pinned send never goes through a proxy.")


def pinned_session(address: str) -> requests.Session:
    """A session whose every connection goes to `address`; proxies from the environment are not used (a
    proxy would resolve the host itself)."""
    session = requests.Session()
    session.trust_env = False
    adapter = PinnedAdapter(address)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
