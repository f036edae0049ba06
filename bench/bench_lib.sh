# shellcheck shell=bash
# Shared helpers for the benchmark scripts (sourced, not run).
#
# The benchmark machine may be shared: other processes' CPU time both slows
# wall-clock figures and, on SMT siblings, inflates our CPU time. So every
# measurement (1) waits for a quiet window and (2) reports how much CPU other
# processes used while it ran ("foreign load", in cores), which must be
# quoted next to the figure.

# "busy idle" jiffies of all CPUs from /proc/stat (busy counts steal too).
_cpu_jiffies() {
  awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6}' /proc/stat
}

# Blocks until the machine is >= ${IDLE_PCT:-90}% idle over 2 s, or for at
# most ${IDLE_WAIT:-900} s (then goes on and says so). IDLE_WAIT=0 disables.
wait_idle() {
  local waited=0 b0 i0 b1 i1 idle
  (( ${IDLE_WAIT:-900} > 0 )) || return 0
  while :; do
    read -r b0 i0 < <(_cpu_jiffies)
    sleep 2
    read -r b1 i1 < <(_cpu_jiffies)
    idle=$(( 100 * (i1 - i0) / ((b1 - b0) + (i1 - i0) + 1) ))
    (( idle >= ${IDLE_PCT:-90} )) && return 0
    waited=$((waited + 2))
    if (( waited >= ${IDLE_WAIT:-900} )); then
      echo "(machine not idle after ${waited} s: ${idle}% idle; measuring anyway)" >&2
      return 0
    fi
  done
}

# measure LABEL CMD...: waits for a quiet window, runs CMD (its stdout and
# stderr pass through) and prints to stderr one line with the wall time,
# CMD's CPU time and the foreign load: CPU-seconds other processes used per
# wall-clock second while CMD ran (0.0 = we had the machine to ourselves).
measure() {
  local label=$1 t b0 i0 b1 i1 hz rc=0
  shift
  wait_idle
  hz=$(getconf CLK_TCK)
  t=$(mktemp)
  read -r b0 i0 < <(_cpu_jiffies)
  /usr/bin/time -f "%e %U %S" -o "$t" "$@" || rc=$?
  read -r b1 i1 < <(_cpu_jiffies)
  awk -v b="$((b1 - b0))" -v hz="$hz" -v label="$label" \
    'END { foreign = (b / hz - $2 - $3) / ($1 > 0 ? $1 : 1); if (foreign < 0) foreign = 0;
       printf "[%s] wall %.1f s, cpu %.1f s, foreign load %.2f cores\n", label, $1, $2 + $3, foreign }' \
    "$t" >&2
  rm -f "$t"
  return $rc
}

# make_scratch_repo DIR CUSTODY: a git repository at DIR/repo with one commit
# and `custody init` done, under an isolated identity (HOME, the private key
# directory and git config all inside DIR). Exports HOME, CUSTODY_KEY_DIR and
# GIT_CONFIG_NOSYSTEM for the caller's later commands.
make_scratch_repo() {
  local dir=$1 custody=$2
  export HOME=$dir/home CUSTODY_KEY_DIR=$dir/home/keys GIT_CONFIG_NOSYSTEM=1
  mkdir -p "$HOME"
  git init -q "$dir/repo"
  git -C "$dir/repo" config user.name "Bench User"
  git -C "$dir/repo" config user.email bench@example.com
  echo "int main() {}" > "$dir/repo/main.cc"
  git -C "$dir/repo" add main.cc
  git -C "$dir/repo" commit -qm init
  "$custody" -C "$dir/repo" init > /dev/null
}
