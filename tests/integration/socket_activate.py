#!/usr/bin/env python3
"""socket_activate.py: pass a listening TCP socket to a command as systemd
does for a .socket unit (test tool; systemd-socket-activate waits for the
first connection before it starts the command, systemd does not).

    socket_activate.py ADDRESS:PORT NAME -- CMD [ARG...]

Binds ADDRESS:PORT (IPv4, or [IPv6]), listens, puts the socket at
descriptor 3 and execs CMD with LISTEN_FDS=1, LISTEN_FDNAMES=NAME and
LISTEN_PID set to this process, whose pid CMD keeps (setpriv and
seccomp_exec exec in turn, as systemd's own exec does)."""
import os
import socket
import sys


def main(argv):
    if len(argv) < 5 or argv[3] != "--":
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    host, _, port = argv[1].rpartition(":")
    family = socket.AF_INET
    if host.startswith("["):
        family, host = socket.AF_INET6, host.strip("[]")
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((host, int(port)))
    s.listen(16)
    if s.fileno() != 3:
        os.dup2(s.fileno(), 3)
        s.close()
    os.set_inheritable(3, True)  # the socket itself may be 3
    env = dict(os.environ, LISTEN_FDS="1", LISTEN_FDNAMES=argv[2],
               LISTEN_PID=str(os.getpid()))
    os.execvpe(argv[4], argv[4:], env)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
