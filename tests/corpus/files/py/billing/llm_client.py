import anthropic
import openai

from .settings import DEBUG

# TODO: move to the secret manager before launch
client = anthropic.Anthropic(api_key="sk-ant-api03-AJFwYabSYC2IpRK-W3T_ViKin3BaohNyMv1faI2rsUyqRyYlAhSfudSNUuml0m2ryq-DBzAGSnDw_WT02yw7SsdSN37aGAA")
openai.api_key = "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"


def summarise(text: str) -> str:
    msg = client.messages.create(
        model="claude-sonnet-4-5",
        max_tokens=512,
        messages=[{"role": "user", "content": f"Summarise:\n{text}"}],
    )
    return msg.content[0].text
