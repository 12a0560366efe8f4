from __future__ import annotations

import ipaddress

import pytest

from kb.external.guard import host_address, refusal, refused_name


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1"),
        ("::1", "::1"),
        ("10.0.0.1", "10.0.0.1"),
        ("fe80::1%25eth0", "fe80::1%eth0"),
    ],
)
def test_host_address_reads_every_numeric_spelling(host: str, address: str) -> None:
    assert host_address(host) == ipaddress.ip_address(address)


@pytest.mark.parametrize("host", ["example.com", "1e100.net", "cafe", "127.0.0.1 evil", "1.2.3.4.5", "", "[]"])
def test_host_address_is_none_for_names(host: str) -> None:
    assert host_address(host) is None


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.5", "private"),
        ("172.16.3.4", "private"),
        ("192.168.1.1", "private"),
        ("fd12::1", "private"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("100.64.0.1", "shared"),
        ("192.0.2.10", "documentation"),
        ("2001:db8::1", "documentation"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("100.100.100.200", "metadata"),
        ("::ffff:127.0.0.1", "embedding 127.0.0.1, a loopback"),
        ("::ffff:169.254.169.254", "metadata"),
        ("::10.0.0.1", "IPv4-compatible address embedding 10.0.0.1"),
        ("2002:a9fe:a9fe::1", "6to4 address embedding 169.254.169.254"),
        ("64:ff9b::a00:1", "NAT64 address embedding 10.0.0.1"),
        ("2001::1", "address"),  # Teredo: refused, whichever table Python has
    ],
)
def test_refusal_names_the_reason(address: str, reason: str) -> None:
    found = refusal(ipaddress.ip_address(address))
    assert found is not None and reason in found


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.215.14", "2606:4700::1111", "::ffff:8.8.8.8",
                                     "64:ff9b::808:808", "2002:808:808::1"])
def test_public_addresses_pass(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    "host",
    ["localhost", "LOCALHOST.", "app.localhost", "metadata.google.internal", "metadata", "db.internal",
     "printer.local", "nas.home.arpa"],
)
def test_refused_names(host: str) -> None:
    assert refused_name(host) is not None


@pytest.mark.parametrize("host", ["example.com", "localhost.example.com", "internal.example.org", "local"])
def test_ordinary_names_pass(host: str) -> None:
    assert refused_name(host) is None
