import os
from unittest import mock

import pytest

FAKE_KEY = "test-api-key"
OPENAI_KEY_PLACEHOLDER = "sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxT3BlbkFJxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

# A real key someone pasted while debugging: tests are not a hiding place.
HF_TOKEN = "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"


@pytest.fixture
def env():
    with mock.patch.dict(os.environ, {"API_KEY": FAKE_KEY, "DB_PASSWORD": "hunter2"}):
        yield


def test_uuid_ids():
    ids = ["5b8e2f7a-3c41-4d0e-9a6b-1f2e3d4c5b6a", "0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f"]
    assert len(set(ids)) == 2
