"""SSRF protection: which hosts and addresses the link checker must never contact.

Links come from pages anyone can propose, and the checker may run inside CI or a cloud machine, so a link
(or a redirect) to a private address or a metadata service could leak credentials or probe the network.
The checker refuses such targets before any connection is made.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import unquote

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud instance-metadata services hand out credentials to anything on the machine that asks.
METADATA_ADDRESSES: frozenset[Address] = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, Oracle, DigitalOcean
        "169.254.170.2",  # AWS ECS task credentials
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "168.63.129.16",  # Azure wire server: a public address that only answers from inside Azure
        "192.0.0.192",  # Oracle Cloud (legacy)
    )
)

METADATA_NAMES = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "metadata.azure.com",
        "instance-data",
        "instance-data.ec2.internal",
        "metadata.tencentyun.com",
    }
)

# Suffixes that only ever name machines on the local host or network (RFC 6761, RFC 6762, RFC 8375).
LOCAL_SUFFIXES = (".localhost", ".internal", ".local", ".home.arpa")

# Explicit tables rather than only `is_global`: the standard library's tables changed between Python
# releases (3.11 still calls 192.0.0.0/24 and fec0::/10 global), and the categories give better reasons.
_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("an unspecified address", ("0.0.0.0/8", "::/128")),
    ("a loopback address", ("127.0.0.0/8", "::1/128")),
    ("a link-local address", ("169.254.0.0/16", "fe80::/10")),
    ("a multicast address", ("224.0.0.0/4", "ff00::/8")),
    ("a shared (carrier-grade NAT) address", ("100.64.0.0/10",)),
    ("a documentation address", ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32",
                                 "3fff::/20")),
    ("a private address", ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fec0::/10")),
    ("a benchmarking address", ("198.18.0.0/15", "2001:2::/48")),
    ("a reserved address", ("192.0.0.0/24", "240.0.0.0/4", "100::/64", "::/8")),
)
_NETWORKS: tuple[tuple[str, ipaddress.IPv4Network | ipaddress.IPv6Network], ...] = tuple(
    (reason, ipaddress.ip_network(net)) for reason, nets in _CATEGORIES for net in nets
)

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
# inet_aton would also accept "127.0.0.1 anything", so only pass it what could be a numeric host.
_LEGACY_IPV4 = re.compile(r"[0-9a-fA-FxX.]+")


def host_address(host: str) -> Address | None:
    """The IP address a URL host denotes, in any spelling resolvers accept, or None for a name.

    Besides the canonical forms this covers what `inet_aton` (and so `getaddrinfo`) still understands:
    "2130706433", "0x7f.1", "0177.0.0.1", "127.1".
    """
    text = host.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    text = unquote(text)  # a zone id arrives percent-encoded: fe80::1%25eth0
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]  # "127.0.0.1." resolves like "127.0.0.1"
    if not text:
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if ":" in text or not _LEGACY_IPV4.fullmatch(text) or not any(c.isdigit() for c in text):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(text))
    except OSError:
        return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> tuple[str, ipaddress.IPv4Address] | None:
    if address.ipv4_mapped is not None:
        return "an IPv4-mapped address", address.ipv4_mapped
    if address.sixtofour is not None:
        return "a 6to4 address", address.sixtofour
    if address in _NAT64:
        return "a NAT64 address", ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _IPV4_COMPATIBLE and int(address) > 1:
        return "an IPv4-compatible address", ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal(address: Address) -> str | None:
    """Why `address` must never be contacted ("a private address"), or None when it is a public address."""
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            address = ipaddress.IPv6Address(int(address))  # compare the bare address against the tables
            if address in METADATA_ADDRESSES:
                return "a cloud metadata address"
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            kind, ipv4 = embedded
            inner = refusal(ipv4)
            if inner is not None:
                return f"{kind} embedding {ipv4}, {inner}"
            if kind in ("an IPv4-mapped address", "a NAT64 address"):
                # Both reach the public IPv4 host (NAT64 is how IPv6-only networks reach IPv4 sites),
                # but the tables below would call them reserved.
                return None
    for reason, network in _NETWORKS:
        if address.version == network.version and address in network:
            return reason
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_private:
        return "a private address"
    if address.is_reserved:
        return "a reserved address"
    if not address.is_global:
        return "not a globally reachable address"
    return None


def refused_name(host: str) -> str | None:
    """Why the host name must never be contacted (metadata services, the local machine), or None."""
    name = host.strip().lower().rstrip(".")
    if name in METADATA_NAMES:
        return "a cloud metadata host name"
    if name == "localhost" or name == "localhost.localdomain":
        return "the local machine"
    if name.endswith(LOCAL_SUFFIXES):
        return "a local network name"
    return None
