#!/usr/bin/env python3
# Writes all.zip (100,000 synthetic OSV records, fixed seed) and packages.json
# (10,000 packages, half with advisories) into the current directory, for a
# timed CLI run (docs/osv.md, "Speed"):
#   python3 bench/osv_gen.py && custody osv import all.zip --db big.db
#   time custody -q osv check --db big.db --packages packages.json
import json, random, zipfile
random.seed(20261202)
ecos = ["npm", "PyPI", "Go", "Maven", "RubyGems", "Packagist", "NuGet"]
def name(e, i):
    return {"Maven": f"org.example.g{i%97}:artifact-{i}", "Go": f"github.com/example/mod{i}",
            "Packagist": f"vendor{i%50}/package-{i}"}.get(e, f"package-{i}")
with zipfile.ZipFile("all.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for n in range(100000):
        aff = []
        for _ in range(random.randint(1, 3)):
            e = random.choice(ecos); m = random.randint(0, 4)
            ev = [{"introduced": "0" if random.random() < .3 else f"{m}.0.0"}, {"fixed": f"{m}.4.{random.randint(0,9)}"}]
            aff.append({"package": {"ecosystem": e, "name": name(e, random.randrange(6000))},
                        "ranges": [{"type": "SEMVER" if e in ("npm", "Go") else "ECOSYSTEM", "events": ev}]})
        rec = {"id": f"GHSA-synth-{n:07d}", "modified": "2024-01-01T00:00:00Z", "summary": f"Synthetic advisory {n}",
               "aliases": [f"CVE-2024-{10000+n}"], "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:L/A:N"}],
               "affected": aff}
        z.writestr(f"GHSA-synth-{n:07d}.json", json.dumps(rec))
random.seed(7)
pk = []
for i in range(10000):
    e = random.choice(ecos)
    pk.append({"ecosystem": e, "name": name(e, random.randrange(6000) + (0 if i % 2 else 6000)),
               "version": f"{random.randint(0,5)}.{random.randint(0,5)}.{random.randint(0,9)}"})
json.dump(pk, open("packages.json", "w"))
