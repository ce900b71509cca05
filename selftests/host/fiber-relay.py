#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# A man in the middle of the emulated fiber, for fiber_burst.sh: forwards
# the UDP datagrams of two lumen ports (-netdev dgram) to each other,
# counts what passes in each direction, and puts datagrams of the test's
# own on the fiber towards port B.
#
#   fiber-relay.py DIR A_PORT B_PORT RELAY_A RELAY_B SECONDS
#
# Port A sends to 127.0.0.1:RELAY_A and listens on A_PORT; port B the
# same with RELAY_B and B_PORT.  The relay exits after SECONDS.  In DIR:
#   stats    written once the sockets are bound, then at most ten times a
#            second while counts change: one line per direction
#            ("a" for A to B, "b" for B to A): datagrams, bursts (a
#            lumen burst header), frames carried in bursts
#   inject   written by the test: one datagram per line, in hex; sent to
#            B as if from A, in order, then the file is removed
#   stop     written by the test: the relay exits

import os
import select
import socket
import sys
import time

BURST_DST = bytes.fromhex("034c55425253")
BURST_PROTO = bytes.fromhex("88b5")
HOST = "127.0.0.1"
RCVBUF = 4 << 20
STATS_PERIOD = 0.1


def is_burst(data):
    return len(data) >= 16 and data[:6] == BURST_DST and data[12:14] == BURST_PROTO


def write_stats(path, stats):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        for d in ("a", "b"):
            s = stats[d]
            f.write(f"{d} datagrams {s[0]} bursts {s[1]} burst_frames {s[2]}\n")
    os.rename(tmp, path)


def relay(sock, out, dst, s):
    """Forward what waits on sock; True if anything did."""
    moved = False
    while True:
        try:
            data = sock.recv(70000)
        except BlockingIOError:
            return moved
        s[0] += 1
        if is_burst(data):
            s[1] += 1
            s[2] += int.from_bytes(data[14:16], "big")
        out.sendto(data, (HOST, dst))
        moved = True


def main():
    if len(sys.argv) != 7:
        sys.exit("usage: fiber-relay.py DIR A_PORT B_PORT RELAY_A RELAY_B SECONDS")
    d = sys.argv[1]
    a_port, b_port, relay_a, relay_b, secs = (int(x) for x in sys.argv[2:])
    socks = []
    for port in (relay_a, relay_b):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF)
        sock.bind((HOST, port))
        sock.setblocking(False)
        socks.append(sock)
    from_a, from_b = socks
    stats = {"a": [0, 0, 0], "b": [0, 0, 0]}
    end = time.monotonic() + secs
    stats_path = os.path.join(d, "stats")
    inject_path = os.path.join(d, "inject")
    write_stats(stats_path, stats)
    changed = False
    written = time.monotonic()

    while time.monotonic() < end and not os.path.exists(os.path.join(d, "stop")):
        ready, _, _ = select.select([from_a, from_b], [], [], STATS_PERIOD)
        if from_a in ready:
            changed |= relay(from_a, from_b, b_port, stats["a"])
        if from_b in ready:
            changed |= relay(from_b, from_a, a_port, stats["b"])
        if os.path.exists(inject_path):
            with open(inject_path) as f:
                lines = [line.strip() for line in f if line.strip()]
            for line in lines:
                from_b.sendto(bytes.fromhex(line), (HOST, b_port))
            os.remove(inject_path)
        now = time.monotonic()
        if changed and now - written >= STATS_PERIOD:
            write_stats(stats_path, stats)
            changed = False
            written = now
    write_stats(stats_path, stats)


if __name__ == "__main__":
    main()
