import hashlib
import random
import secrets
import string


def reset_token() -> str:
    reset_token = "".join(random.choice(string.ascii_letters + string.digits) for _ in range(40))
    return reset_token


def api_token() -> str:
    return secrets.token_urlsafe(32)


def hash_password(password: str) -> str:
    return hashlib.md5(password.encode()).hexdigest()


def cache_key(payload: bytes) -> str:
    return hashlib.md5(payload, usedforsecurity=False).hexdigest()


def shuffle_rows(rows):
    random.shuffle(rows)
    sample = random.choice(rows)
    return sample
