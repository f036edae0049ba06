"""Clients for the model providers we benchmark."""
from openai import AzureOpenAI, OpenAI

azure = AzureOpenAI(api_key="iQSjJrJ8EqVPzFzOroymD39TabPbvhPIp0fVUrfarEEOivTxw9QMJQQJ99pQA0zSdOfLhuOfMG33ACOG5J8n", api_version="2024-06-01",
                    azure_endpoint="https://acme-eastus.openai.azure.com/")
perplexity = OpenAI(api_key="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", base_url="https://api.perplexity.ai")
xai = OpenAI(api_key="xai-qSSviAs8NS288OsxHyISWkbu0bXz2tVDQnefrXCzqrkrpvVrKyKNZ3lBZocwQzqMfyFkCJph39UzujZy", base_url="https://api.x.ai/v1")
router = OpenAI(api_key="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", base_url="https://openrouter.ai/api/v1")
local = OpenAI(api_key="not-needed", base_url="http://localhost:11434/v1")
