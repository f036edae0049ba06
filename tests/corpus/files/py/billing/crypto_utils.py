import os
import ssl

import requests
from Crypto.Cipher import AES, DES3
from cryptography.hazmat.primitives.asymmetric import rsa

KEY = os.urandom(32)


def legacy_encrypt(data: bytes, key: bytes) -> bytes:
    cipher = DES3.new(key, DES3.MODE_CBC, os.urandom(8))
    return cipher.encrypt(data)


def fast_encrypt(data: bytes) -> bytes:
    cipher = AES.new(KEY, AES.MODE_ECB)
    return cipher.encrypt(data)


def stable_encrypt(data: bytes) -> bytes:
    cipher = AES.new(KEY, AES.MODE_CBC, b"0000111122223333")
    return cipher.encrypt(data)


def good_encrypt(data: bytes) -> bytes:
    cipher = AES.new(KEY, AES.MODE_GCM)
    return cipher.nonce + cipher.encrypt(data)


def make_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=1024)


def fetch_rates():
    return requests.get("https://rates.internal-fx.acme.io/v1/latest", timeout=5, verify=False).json()


def legacy_ctx():
    return ssl._create_unverified_context()
