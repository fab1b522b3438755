"""DNS rebinding: a webhook's host is resolved once per send, every address checked, and the connection made
to the checked address, never to what a later lookup answers; the Host header, TLS SNI and the
certificate check stay with the host name. Real local servers (pytest-httpserver); a fake resolver."""

import ipaddress
import shutil
import socket
import ssl
import subprocess

import pytest
from pytest_httpserver import HTTPServer

from webhooks import sending, services, targets
from webhooks.models import WebhookDelivery

from .conftest import verified

pytestmark = pytest.mark.django_db(transaction=True)  # after-commit work runs at real commits

HOST = "hooks.example.test"
PUBLIC = "93.184.216.34"
# Stands in for a public address: a second loopback address the check is told to accept, so the pinned
# connection reaches a local server and no test traffic leaves the machine.
STAND_IN = "127.0.0.2"


class FakeResolver:
    """Answers `answers[n]` to the n-th lookup of HOST (the last one to every later lookup); other names
    resolve as usual (the servers' own addresses). Counts the lookups of HOST."""

    def __init__(self, monkeypatch, *answers: str):
        self.answers = answers
        self.lookups = 0
        self._real = socket.getaddrinfo
        monkeypatch.setattr(socket, "getaddrinfo", self)

    def __call__(self, host, port, *args, **kwargs):
        if host != HOST:
            return self._real(host, port, *args, **kwargs)
        address = self.answers[min(self.lookups, len(self.answers) - 1)]
        self.lookups += 1
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]


@pytest.fixture
def private_refused(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False


@pytest.fixture
def stand_in_is_public(monkeypatch):
    forbidden = targets._forbidden
    monkeypatch.setattr(
        targets,
        "_forbidden",
        lambda address: address != ipaddress.ip_address(STAND_IN) and forbidden(address),
    )


@pytest.fixture
def stand_in_server(httpserver):
    """A server on STAND_IN at the port of `httpserver` (which listens on 127.0.0.1, the internal one)."""
    server = HTTPServer(host=STAND_IN, port=httpserver.port)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def only_delivery(webhook) -> WebhookDelivery:
    return WebhookDelivery.objects.get(webhook=webhook)


def test_a_name_answering_loopback_at_send_time_is_refused_and_never_reached(
    monkeypatch, private_refused, httpserver, security_all, commit
):
    """Public when the webhook was created, 127.0.0.1 when it is sent: a refused delivery."""
    httpserver.expect_request("/hook").respond_with_data("ok")
    resolver = FakeResolver(monkeypatch, PUBLIC, "127.0.0.1")
    webhook = services.webhook_create(
        actor=security_all, url=f"http://{HOST}:{httpserver.port}/hook", event_types=["*"], labs=[]
    )
    assert resolver.lookups == 1
    commit()
    assert httpserver.log == []
    delivery = only_delivery(webhook)
    assert delivery.status == "failed" and delivery.response_code is None
    assert delivery.error.startswith("Refused:") and "127.0.0.1" in delivery.error


def test_the_send_connects_to_the_address_it_checked_not_to_a_second_answer(
    monkeypatch, private_refused, stand_in_is_public, httpserver, stand_in_server, security_all, commit
):
    """The host answers the public stand-in at create time and to the send's check, and 127.0.0.1 (the
    internal server) to any later lookup. There is none: the request reaches the checked address, named
    for the host."""
    httpserver.expect_request("/hook").respond_with_data("internal")
    stand_in_server.expect_request("/hook", method="POST").respond_with_data("ok")
    resolver = FakeResolver(monkeypatch, STAND_IN, STAND_IN, "127.0.0.1")
    webhook = services.webhook_create(
        actor=security_all, url=f"http://{HOST}:{httpserver.port}/hook", event_types=["*"], labs=[]
    )
    commit("vendor.created", object_type="vendor", object_id=7)

    assert httpserver.log == []  # the internal server was never reached
    ((request, response),) = stand_in_server.log
    assert response.status_code == 200
    assert request.headers["Host"] == f"{HOST}:{httpserver.port}"
    assert verified(webhook, request)["type"] == "vendor.created"
    assert resolver.lookups == 2  # the create's check and the send's: none while connecting
    assert only_delivery(webhook).status == "delivered"


def test_one_lookup_per_send_and_the_connection_goes_where_it_pointed(
    monkeypatch, private_refused, stand_in_is_public, httpserver, stand_in_server
):
    """Without stubbing the check: the first answer (the stand-in) is checked and connected to; the second
    (127.0.0.1) is never asked for."""
    httpserver.expect_request("/hook").respond_with_data("internal")
    stand_in_server.expect_request("/hook").respond_with_data("ok")
    resolver = FakeResolver(monkeypatch, STAND_IN, "127.0.0.1")
    outcome = sending.post(f"http://{HOST}:{httpserver.port}/hook", sending.new_secret(), "evt_1", "{}")
    assert outcome.delivered and outcome.response_code == 200
    assert resolver.lookups == 1
    assert httpserver.log == [] and len(stand_in_server.log) == 1


def test_every_address_is_checked_not_only_the_first(monkeypatch, private_refused, httpserver):
    httpserver.expect_request("/hook").respond_with_data("ok")

    def resolve(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    outcome = sending.post(f"http://{HOST}:{httpserver.port}/hook", sending.new_secret(), "evt_1", "{}")
    assert not outcome.delivered and outcome.error.startswith("Refused:") and "127.0.0.1" in outcome.error
    assert httpserver.log == []


@pytest.mark.parametrize("address", ["100.64.0.1", "198.18.0.1", "192.0.2.1", "::ffff:10.0.0.1", "fd00::1"])
def test_addresses_that_are_not_global_are_refused(address):
    assert targets._forbidden(ipaddress.ip_address(address))


def test_a_public_address_is_not_refused():
    assert not targets._forbidden(ipaddress.ip_address(PUBLIC))


def test_with_private_targets_allowed_local_delivery_still_works(allow_private, httpserver):
    httpserver.expect_request("/hook").respond_with_data("ok")
    outcome = sending.post(httpserver.url_for("/hook"), sending.new_secret(), "evt_1", "{}")
    assert outcome.delivered and len(httpserver.log) == 1


# --- TLS: SNI and the certificate are checked for the host name, not the pinned address -----------------


def _certificate(tmp_path, name: str) -> tuple[str, str]:
    cert, key = tmp_path / f"{name}.crt", tmp_path / f"{name}.key"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={name}",
            "-addext",
            f"subjectAltName=DNS:{name}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


@pytest.fixture
def tls_server(tmp_path, monkeypatch):
    """`tls_server(name)`: an HTTPS server on the stand-in address with a self-signed certificate for
    `name`, trusted by the sender (its `VERIFY` bundle)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a test certificate")
    servers = []

    def start(name: str) -> HTTPServer:
        cert, key = _certificate(tmp_path, name)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server = HTTPServer(host=STAND_IN, port=0, ssl_context=context)
        server.start()
        servers.append(server)
        monkeypatch.setattr(sending, "VERIFY", cert)
        return server

    yield start
    for server in servers:
        server.clear()
        if server.is_running():
            server.stop()


def test_tls_to_the_pinned_address_is_verified_for_the_host_name(
    monkeypatch, private_refused, stand_in_is_public, tls_server
):
    server = tls_server(HOST)
    server.expect_request("/hook").respond_with_data("ok")
    FakeResolver(monkeypatch, STAND_IN, "127.0.0.1")
    outcome = sending.post(f"https://{HOST}:{server.port}/hook", sending.new_secret(), "evt_1", "{}")
    assert outcome.delivered, outcome.error
    ((request, _),) = server.log
    assert request.headers["Host"] == f"{HOST}:{server.port}"


def test_a_certificate_for_another_name_fails_even_at_the_checked_address(
    monkeypatch, private_refused, stand_in_is_public, tls_server
):
    server = tls_server("other.example.test")
    server.expect_request("/hook").respond_with_data("ok")
    FakeResolver(monkeypatch, STAND_IN, "127.0.0.1")
    outcome = sending.post(f"https://{HOST}:{server.port}/hook", sending.new_secret(), "evt_1", "{}")
    assert not outcome.delivered and outcome.error == "Connection error: SSLError."
    assert server.log == []
