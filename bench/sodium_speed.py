#!/usr/bin/python3
"""libsodium's Ed25519 sign/verify rate on one core, for comparison with
`openssl speed ed25519` (docs/PERFORMANCE.md). Uses Debian's python3-nacl
(libsodium 1.0.18) with the system Python; the Python call overhead (~1 us)
is included, so the rates are slightly low.

    /usr/bin/python3 bench/sodium_speed.py
"""
import resource
import time

import nacl.signing


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main():
    sk = nacl.signing.SigningKey(b"\x42" * 32)
    vk = sk.verify_key
    msg = b"x" * 1100  # about a DSSE PAE of a generation statement
    signed = sk.sign(msg)
    n = 30000
    for name, op in (("sign", lambda: sk.sign(msg)), ("verify", lambda: vk.verify(signed))):
        c0, w0 = cpu_seconds(), time.time()
        for _ in range(n):
            op()
        print(f"libsodium {name}: {n / (cpu_seconds() - c0):.0f}/s (cpu), "
              f"{n / (time.time() - w0):.0f}/s (wall)")


if __name__ == "__main__":
    main()
