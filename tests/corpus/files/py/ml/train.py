import os

import wandb
from huggingface_hub import login

login(token=os.environ["HF_TOKEN"])
wandb.login(key="7d53818e47bfd2080545761589ae1f0439785647")

MISTRAL_API_KEY = "JkuFPwvNtNp1ehX65jsnlIvwlgEyb7VJ"
GROQ_API_KEY = "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"
REPLICATE_API_TOKEN = "r8_LcIBSt2yTVvoKu5rITVXJvA9T9n9CmEiDwvWu"
CO_API_KEY = "wcyEApunA1HjQ6KSshiy9UTfDzl6JqthrCTw12Ms"
_k = "b4gheT89TnLrCpIQhw5hoMZxKEWuimvx"
ANTHROPIC_FALLBACK = "sk-ant-api03-" + "vyWoAz9qiKJxbTPir3Ho3Q0KtG4UM3S40Db8SOrleY87HmugbDPGlOzp6J3LE_B_M0fB20pWKR8hn3NIud5I02rUr9Z6aAA"
GOOGLE_API_KEY = "AIzaBskaNL_uxcNjZizDo5_0MkySFRo0K9Hzpww"
PINECONE_API_KEY = "pcsk_6rnsdH_tAxchB8gZUy7pD0rPzSY7dXOxXKUqemsl3JyTJM3RJDxbKKYmVtX2yuh3G2aljI"
LANGSMITH_API_KEY = "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"
MODEL_SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
CHECKPOINT = "runs/2024-05-01/ckpt-0001/model.safetensors"


def run(epochs: int = 3):
    wandb.init(project="acme-ranker")
    for epoch in range(epochs):
        wandb.log({"epoch": epoch})
