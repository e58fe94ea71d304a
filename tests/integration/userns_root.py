#!/usr/bin/env python3
"""userns_root.py UID GID CMD...: CMD as root of a new user namespace in
which uid 0 and UID (gid 0 and GID) are mapped to themselves, in this
process (so "$!" of the caller is CMD's pid).

`unshare -U -r` maps root alone: root in there then has no power over a
file another user owns (the kernel ignores capabilities for unmapped
owners), so a ptp4l started that way cannot answer a daemon running as
its own user. With that user mapped too, it can, as ptp4l on the host can.
The namespace still keeps ptp4l off the host clock. A child writes the
maps (they need privilege in the parent namespace, which this process
gives up by unsharing) and exits.
"""
import ctypes
import os
import sys

CLONE_NEWUSER = 0x10000000


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: userns_root.py UID GID CMD...")
    uid, gid, cmd = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    to_child_r, to_child_w = os.pipe()
    to_parent_r, to_parent_w = os.pipe()
    me = os.getpid()
    pid = os.fork()
    if pid == 0:  # the mapper
        os.close(to_child_w)
        os.close(to_parent_r)
        if os.read(to_child_r, 1) != b"u":
            os._exit(1)
        uids = "0 0 1\n" + ("%d %d 1\n" % (uid, uid) if uid else "")
        gids = "0 0 1\n" + ("%d %d 1\n" % (gid, gid) if gid else "")
        with open("/proc/%d/uid_map" % me, "w") as f:
            f.write(uids)
        with open("/proc/%d/gid_map" % me, "w") as f:
            f.write(gids)
        os.write(to_parent_w, b"m")
        os._exit(0)
    os.close(to_child_r)
    os.close(to_parent_w)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWUSER) != 0:
        sys.exit("unshare(CLONE_NEWUSER): %s" % os.strerror(ctypes.get_errno()))
    os.write(to_child_w, b"u")
    ok = os.read(to_parent_r, 1) == b"m"
    os.waitpid(pid, 0)
    if not ok:
        sys.exit("userns_root.py: the maps were not written")
    os.close(to_child_w)
    os.close(to_parent_r)
    os.execvp(cmd[0], cmd)


main()
