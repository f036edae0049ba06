#!/usr/bin/env bash
# Failures inside the git hooks never fail the commit: a full disk (test-only fault injection CUSTODY_TEST_FAULT=disk-full, see
# docs/attribution.md), a corrupt working log and a missing ledger each
# leave the commit in place, record a gap, print one warning, and later
# commands (gaps, stats, blame) report it; `custody attribute` fills it.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh" "$@"

mkdir -p "$WORK/bin"
ln -s "$CUSTODY_BIN" "$WORK/bin/custody"
export PATH="$WORK/bin:$PATH"

R="$WORK/repo"
make_repo "$R"
expect_exit 0 custody -C "$R" init --key-name tester --agents claude
cd "$R"
gap_count() { [[ -f .git/custody/gaps.jsonl ]] && wc -l <.git/custody/gaps.jsonl || echo 0; }

# commit_ok MSG: a commit that must succeed whatever the hook does.
commit_ok() {
  echo "$1" >>work.txt
  git add work.txt
  run git commit -q -m "$1"
  [[ "$RC" == 0 ]] || { _last_run; fail "commit '$1' failed"; }
}

# 1. A full disk when the attribution is written.
CUSTODY_TEST_FAULT=disk-full commit_ok "disk full"
C1=$(git rev-parse HEAD)
expect_contains "$ERR" "custody: warning: attribution of ${C1:0:12} not recorded" "hook warning"
expect_contains "$ERR" "No space left on device" "reason"
expect_contains "$ERR" "recorded as a gap" "gap mention"
expect_eq "$(gap_count)" 1 "gaps after disk full"
expect_eq "$(git notes --ref=custody list "$C1" 2>/dev/null || true)" "" "no note for the failed commit"

# 2. A corrupt working log.
printf 'this is not a database, it is garbage %.0s' {1..200} >.git/custody/worklog.db
commit_ok "corrupt log"
C2=$(git rev-parse HEAD)
expect_contains "$ERR" "worklog.db" "corrupt working log named"
expect_eq "$(gap_count)" 2 "gaps after the corrupt working log"
rm -f .git/custody/worklog.db

# 3. No ledger at all (moved away).
mv .git/custody/ledger.db "$WORK/ledger.db.away"
rm -f .git/custody/ledger.db-wal .git/custody/ledger.db-shm
commit_ok "no ledger"
C4=$(git rev-parse HEAD)
expect_eq "$(gap_count)" 3 "gaps after the missing ledger"
mv "$WORK/ledger.db.away" .git/custody/ledger.db

# Later commands report the gaps.
expect_exit 1 custody gaps
expect_contains "$OUT" "open  git:post-commit  commit ${C1:0:12}" "gaps listing"
expect_contains "$OUT" "commit ${C4:0:12}" "gaps listing, last"
run custody stats
expect_contains "$ERR" "have no attribution" "stats warns"
expect_contains "$ERR" "recorded as gaps, see custody gaps" "stats points at gaps"
run custody blame work.txt
expect_contains "$ERR" "recorded as gaps" "blame warns"

# Filling the gaps: attribute the commits again; the gaps show as resolved.
expect_exit 0 custody attribute "$C1" "$C2" "$C4"
expect_exit 0 custody gaps --json
expect_not_contains "$OUT" '"state": "open"' "all gaps resolved"
expect_exit 0 custody verify

# A healthy commit afterwards prints nothing and adds no gap.
commit_ok "healthy"
expect_eq "$ERR" "" "stderr of a healthy commit"
expect_eq "$(gap_count)" 3 "no new gap"
