#!/usr/bin/env bash
# rolemap over a corpus on Apache Spark: a Spark task per shard, then `rolemap merge`.
#
#   examples/spark/run.sh CORPUS OUT [rolemap run flags...]
#
# writes to OUT what `rolemap run --corpus CORPUS --out OUT` writes. Settings (environment):
#   SPARK_MASTER  local[*] (default), local[2], spark://host:7077, yarn, k8s://…
#   SHARDS        number of shards (default: Spark's default parallelism)
#   ROLEMAP       the rolemap binary on the executors (default: `rolemap` on PATH)
# Needs python3 with pyspark (pip install pyspark) and a Java runtime.
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,11p' "$0" >&2
  exit 2
fi
corpus=$1
out=$2
shift 2
exec python3 "$(dirname "$0")/job.py" --corpus "$corpus" --out "$out" --shards "${SHARDS:-0}" \
  --master "${SPARK_MASTER:-local[*]}" ${ROLEMAP:+--rolemap "$ROLEMAP"} -- "$@"
