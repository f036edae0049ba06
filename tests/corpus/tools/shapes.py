"""Random-but-reproducible token shapes shared by the rule and corpus generators.

A shape is a string with {cls:n} fields, e.g. "ghp_{A:36}". Classes:
  A alnum, a lower alnum, U upper alnum, h hex, H upper hex, d digits, l lower letters,
  L letters, u url-safe base64 (alnum _ -), b base64 (alnum + /), B base32 (A-Z2-7),
  c bech32 (age), x printable token chars used by Oracle auth tokens.
Every value is drawn from a seeded random.Random so regenerating gives identical files.
Values that contain words an engine may treat as placeholders are redrawn, so a positive
example never passes or fails because of an accident of the draw.
"""
import random
import re

CLASSES = {
    "A": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "a": "abcdefghijklmnopqrstuvwxyz0123456789",
    "U": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "h": "0123456789abcdef",
    "H": "0123456789ABCDEF",
    "d": "0123456789",
    "l": "abcdefghijklmnopqrstuvwxyz",
    "L": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "u": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
    "b": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
    "B": "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
    "c": "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L",
    "x": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+;:<>()_.#",
}

# Substrings that placeholder or stopword filters commonly drop; a synthetic secret must avoid them.
_BAD = re.compile(r"(?i)test|exam|sampl|fake|dumm|xxx|abcd|1234|pass|secr|toke|key|demo|mock|your|todo|none|null|true|redact|place|chang|0000|aaaa|fixme")
_FIELD = re.compile(r"\{([A-Za-z]):(\d+)\}")


def fill(shape, rng):
    """Expands every {cls:n} field of shape with rng; redraws fields that hit _BAD."""
    def one(m):
        cls, n = CLASSES[m.group(1)], int(m.group(2))
        for _ in range(1000):
            v = "".join(rng.choice(cls) for _ in range(n))
            # Avoid runs of one character (placeholder-like) and denylisted words.
            if not _BAD.search(v) and not re.search(r"(.)\1\1", v):
                return v
        raise RuntimeError("cannot draw " + m.group(0))
    return _FIELD.sub(one, shape)


def rng_for(name, seed=20261123):
    """A generator private to one name, so adding a rule does not change every other value."""
    return random.Random(f"{seed}:{name}")
