"""Hosts made on this machine for the cluster test: each a network namespace joined to the
host's namespace by a veth pair, with addresses only in a /24 of 10.231.0.0/16 that no
interface here uses yet. Every name starts with `plx-` and the run's random suffix, so that
`ip netns list` tells them apart from anyone else's, and `remove()` takes them all down.

A host reaches only the host's end of its veth pair (and its own loopback); the host's
namespace reaches each host at its address. Nothing is routed further."""

import ipaddress
import os
import random
import secrets
import shutil
import signal
import subprocess
from contextlib import suppress
from dataclasses import dataclass

PREFIX = "plx-"
SUPERNET = ipaddress.ip_network("10.231.0.0/16")


def ip(*args: str) -> str:
    done = subprocess.run(["ip", *args], capture_output=True, text=True, check=False)
    if done.returncode:
        raise OSError(f"ip {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def unusable() -> str:
    """Why namespaces cannot be made here, or "" when they can."""
    if shutil.which("ip") is None:
        return "the `ip` command (iproute2) is not installed"
    if os.geteuid() != 0:
        return "making network namespaces needs root"
    probe = f"{PREFIX}probe-{secrets.token_hex(3)}"
    try:
        ip("netns", "add", probe)
    except OSError as exc:
        return f"`ip netns add` failed: {exc}"
    ip("netns", "del", probe)
    return ""


def free_subnet() -> ipaddress.IPv4Network:
    """A /24 of 10.231.0.0/16 with no address of this machine in it."""
    used = set()
    for line in ip("-4", "-o", "addr", "show").splitlines():
        address = ipaddress.ip_interface(line.split()[3])
        if address.ip in SUPERNET:
            used.add(address.network.supernet(new_prefix=24))
    free = [net for net in SUPERNET.subnets(new_prefix=24) if net not in used]
    return random.choice(free)


@dataclass
class Host:
    name: str  # the namespace
    address: str  # its end of the veth pair
    gateway: str  # the host namespace's end

    def pids(self) -> list[int]:
        return [int(pid) for pid in ip("netns", "pids", self.name).split()]

    def kill_all(self, sig=signal.SIGKILL) -> list[int]:
        """Signal every process in this namespace, as if the machine went away."""
        pids = self.pids()
        for pid in pids:
            with suppress(ProcessLookupError):
                os.kill(pid, sig)
        return pids

    def popen(self, command: list[str], **kwargs) -> subprocess.Popen:
        return subprocess.Popen(["ip", "netns", "exec", self.name, *command], **kwargs)


class Hosts:
    def __init__(self):
        self.suffix = secrets.token_hex(3)
        self.subnet = free_subnet()
        self.hosts: list[Host] = []
        self.links: list[str] = []

    def add(self, role: str) -> Host:
        """A new namespace `plx-SUFFIX-ROLE` with a /30 of the subnet on its veth pair."""
        n = len(self.hosts)
        pair = list(ipaddress.ip_network(f"{self.subnet[4 * n]}/30").hosts())
        name, outside, inside = (
            f"{PREFIX}{self.suffix}-{role}",
            f"{PREFIX}{self.suffix}h{n}",
            "eth0",
        )
        ip("netns", "add", name)
        self.hosts.append(Host(name, str(pair[1]), str(pair[0])))
        ip("link", "add", outside, "type", "veth", "peer", "name", inside, "netns", name)
        self.links.append(outside)
        ip("addr", "add", f"{pair[0]}/30", "dev", outside)
        ip("link", "set", outside, "up")
        ip("-n", name, "addr", "add", f"{pair[1]}/30", "dev", inside)
        ip("-n", name, "link", "set", inside, "up")
        ip("-n", name, "link", "set", "lo", "up")
        return self.hosts[-1]

    def remove(self) -> list[str]:
        """Kill what runs in each namespace, delete it and its veth pair; what failed."""
        problems = []
        for host in self.hosts:
            try:
                host.kill_all()
                ip("netns", "del", host.name)
            except OSError as exc:
                problems.append(str(exc))
        for link in self.links:
            with suppress(OSError):  # normally gone with its peer's namespace
                ip("link", "del", link)
        return problems
