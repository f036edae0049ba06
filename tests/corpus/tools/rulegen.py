#!/usr/bin/env python3
"""Writes rules/{secrets,crypto,insecure,behaviour}.toml from the specs in this directory.

The TOML files are the product (the engine embeds them); this script is how they are
authored, so the hundreds of synthetic example secrets stay random yet reproducible
(fixed seed, shapes.py). Run from anywhere:  python3 tests/corpus/tools/rulegen.py
then python3 tests/corpus/tools/check_rules.py to validate before building.
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import shapes  # noqa: E402
import secret_specs  # noqa: E402
import code_specs  # noqa: E402

ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
SECRET_FRAMEWORKS = ["SOC2:CC6.1", "ISO27001:A.5.17", "NIST-800-53:IA-5(7)", "OWASP-ASVS:V2.10.4"]


def toml_str(s):
    """A TOML string: plain "..." or '...' when nothing needs escaping, literal '''...''' (regexes stay
    readable), else an escaped basic string."""
    if not re.search(r'["\\\x00-\x1f\x7f]', s):
        return '"' + s + '"'
    if "'" not in s and not re.search(r"[\x00-\x1f\x7f]", s):
        return "'" + s + "'"
    if "'''" not in s and not s.endswith("'") and not s.startswith("\n") and "\r" not in s:
        return "'''" + s + "'''"
    out = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return '"' + out + '"'


def toml_val(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return toml_str(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_val(x) for x in v) + "]"
    raise TypeError(v)


KEY_ORDER = ["id", "description", "category", "severity", "cwe", "regex", "prefilter", "secret_group", "keywords", "entropy",
             "paths", "languages", "egress", "placeholder_check", "remediation", "frameworks"]


def emit(rule):
    lines = ["[[rules]]"]
    for k in KEY_ORDER:
        if rule.get(k) is not None:
            lines.append(f"{k} = {toml_val(rule[k])}")
    al = rule.get("allowlist")
    if al:
        lines.append("[rules.allowlist]")
        for k in ["regexes", "regex_target", "paths", "stopwords", "condition"]:
            if al.get(k):
                lines.append(f"{k} = {toml_val(al[k])}")
    for ex in rule["examples"]:
        lines.append("[[rules.examples]]")
        lines.append(f"text = {toml_str(ex['text'])}")
        if ex.get("path"):
            lines.append(f"path = {toml_str(ex['path'])}")
        lines.append(f"match = {toml_val(ex['match'])}")
    return "\n".join(lines) + "\n"


def _fill_ctx(ctx, value, rng):
    t = ctx.replace("{}", "\x00")
    t = shapes.fill(t, rng)
    return t.replace("\x00", value)


def placeholder_of(sample):
    """The sample's shape with every random field written as x's: what a doc or template shows."""
    return re.sub(r"\{([A-Za-z]):(\d+)\}", lambda m: "x" * int(m.group(2)), sample)


def truncated(sample):
    """The sample with its last random field cut to 2 characters: a truncated token."""
    fields = list(re.finditer(r"\{([A-Za-z]):(\d+)\}", sample))
    m = fields[-1]
    n = 2
    return sample[:m.start()] + "{%s:%d}" % (m.group(1), n) + sample[m.end():]


def secret_rule(spec):
    rng = shapes.rng_for(spec["id"])
    value = shapes.fill(spec["sample"], rng)
    if spec.get("lower_sample"):
        value = value.lower()
    ctx = spec["ctx"]
    path = spec.get("path")
    examples = [dict(text=_fill_ctx(ctx, value, rng), path=path, match=True)]
    if spec.get("neg"):
        for n in spec["neg"]:
            examples.append(dict(text=n, path=path, match=False))
    elif spec.get("pem"):
        header = re.search(r"-----BEGIN [A-Z0-9 ]+-----|PuTTY-User-Key-File-3", ctx).group(0)
        examples.append(dict(text=f"{header}\n...\n", path=path, match=False))
        examples.append(dict(text=f'if line.startswith("{header}"):', path="parse.py", match=False))
    elif spec.get("generic"):
        for n in spec.get("negatives", []):
            examples.append(dict(text=n, path=path, match=False))
    else:
        short = shapes.fill(truncated(spec["sample"]), rng)
        if spec.get("lower_sample"):
            short = short.lower()
        examples.append(dict(text=_fill_ctx(ctx, short, rng), path=path, match=False))
        examples.append(dict(text=_fill_ctx(ctx, placeholder_of(spec["sample"]), rng), path=path, match=False))
    allow = {}
    if spec.get("allow_regexes"):
        allow["regexes"] = spec["allow_regexes"]
    if spec.get("stopwords"):
        allow["stopwords"] = spec["stopwords"]
    what, vendor = spec["what"], spec["vendor"]
    desc = f"{vendor} {what}" if vendor != "Generic" else what[0].upper() + what[1:]
    rem = spec.get("remediation") or (
        f"Revoke or rotate this {vendor} {what} now (treat it as leaked: it is in git history), "
        "then load the replacement from a secret manager or the environment at run time.")
    return dict(id=spec["id"], description=desc, category="secret", severity=spec["severity"], cwe=spec.get("cwe", "CWE-798"),
                regex=spec["regex"], secret_group=spec.get("secret_group"), keywords=spec["keywords"], entropy=spec["entropy"],
                remediation=rem, frameworks=spec.get("frameworks", SECRET_FRAMEWORKS), allowlist=allow, examples=examples)


HEADERS = {
    "secret": "Secrets: provider credential formats, private keys, JWTs, URLs with passwords, generic assignments.",
    "crypto": "Weak or deprecated cryptography per language (Python, JS/TS, Java, Go, C#, Ruby, PHP, C/C++).",
    "insecure": "Insecure code patterns: injection sinks fed from input, eval of input, path traversal, unvalidated handlers.",
    "behaviour": "Hidden behaviour: egress to hard-coded hosts, decoded-then-executed payloads, credential reads near sends, install hooks.",
}


def write(name, category, rules):
    ids = set()
    out = [f"# custody default rule pack: {HEADERS[category]}",
           "# Generated by tests/corpus/tools/rulegen.py (edit the specs there, then regenerate; see docs/corpus.md). Format: docs/rules.md.",
           "# Example secrets are synthetic: random characters of the right shape, never real or vendor-documented keys.",
           "version = 1", ""]
    for r in rules:
        assert r["id"] not in ids, r["id"]
        assert re.fullmatch(r"[a-z0-9-]+", r["id"]), r["id"]
        ids.add(r["id"])
        assert any(e["match"] for e in r["examples"]) and any(not e["match"] for e in r["examples"]), r["id"]
        out.append(emit(r))
    path = os.path.join(ROOT, "rules", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(out))
    print(f"{path}: {len(rules)} rules")


def main():
    write("secrets.toml", "secret", [secret_rule(s) for s in secret_specs.SPECS])
    for cat, fname in [("crypto", "crypto.toml"), ("insecure", "insecure.toml"), ("behaviour", "behaviour.toml")]:
        write(fname, cat, code_specs.rules(cat))


if __name__ == "__main__":
    main()
