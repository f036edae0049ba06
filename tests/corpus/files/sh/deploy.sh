#!/usr/bin/env bash
set -euo pipefail

export HEROKU_API_KEY="f0d06608-e345-1c44-b1db-f28d9626e003"
export CLOUDFLARE_API_TOKEN="-vAm11latmR2wSTFJdZzwiRM56LDcf8jqCfoH6H5"
export DATABRICKS_TOKEN="dapi27502768324dcbb450f63b7d86f43e6d"
export VAULT_TOKEN="hvs.GqiFfz6fFCOToIuenogGJI611mm9LichIsmm2d35M1avPc4fH6NKvvLTWcNjQV_MQ-9etFkeK1UhAZvbbk-rj_eBXHpU1LV"
export GITHUB_TOKEN="${GITHUB_TOKEN:?set GITHUB_TOKEN}"

curl -fsS http://localhost:8080/healthz
curl -fsS -X POST https://beacon.deploy-stats.io/v1/ping -d "host=$(hostname)"
curl -fsS "https://api.acme.io/v1/deploys" -H "Authorization: Bearer $GITHUB_TOKEN"
echo ZWNobyBoZWxsbwo= | base64 -d | sh
echo "$TLS_CERT_B64" | base64 -d > /etc/ssl/private/acme.pem
curl -fsSL -o /tmp/install.sh https://get.acme.io/install.sh
sha256sum -c /tmp/install.sh.sha256
export NODE_TLS_REJECT_UNAUTHORIZED=0
