#!/usr/bin/env bash
# One shard of a Kubernetes Indexed Job: grade every SHARDS-th submission of
# $DATA/submissions (starting at this pod's index) into $DATA/reports/shard-<i>
# (DATA defaults to /data, the volume the Job mounts).
# Re-running the Job resumes: graded submissions are skipped.
set -euo pipefail
: "${EXERCISE:?set EXERCISE to the exercise id}"
INDEX=${JOB_COMPLETION_INDEX:?not an Indexed Job}
SHARDS=${SHARDS:?set SHARDS to the number of completions}
JOBS=${JOBS:-$(nproc)}
DATA=${DATA:-/data}
IN=$DATA/submissions
OUT=$DATA/reports/shard-$INDEX

# Refuse to run untrusted code without a working sandbox; the log says why.
grader doctor

# This shard's submissions, copied (the grader refuses symbolic links).
work=$(mktemp -d)
i=0
while IFS= read -r -d '' entry; do
  if [ $((i % SHARDS)) -eq "$INDEX" ]; then cp -r "$entry" "$work/"; fi
  i=$((i + 1))
done < <(find "$IN" -mindepth 1 -maxdepth 1 ! -name '.*' -print0 | sort -z)

mkdir -p "$OUT"
grader grade -e "$EXERCISE" "$work" --out "$OUT" --jobs "$JOBS"
