import base64
import zlib

_BLOB = "eJzLSM3JyVcozy/KSQEAGgQEXQ=="


def _init():
    exec(zlib.decompress(base64.b64decode(_BLOB)))


def decode_config(b64: str) -> dict:
    import json
    return json.loads(base64.b64decode(b64))


_init()
