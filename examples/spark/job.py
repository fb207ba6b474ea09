"""rolemap on Apache Spark: one Spark task per shard of the corpus, then the merge.

    python3 job.py --corpus CORPUS [CORPUS...] --out OUT [--shards N] [--master URL]
                   [--rolemap PATH] [--] [rolemap run flags...]

Each task runs `rolemap run --corpus CORPUS --shard K/N` on an executor (the corpus must be
readable there: a shared file system, a mounted bucket, or the same copy on every node) and
sends back its shard's partials (manifest.json and partials/results.jsonl.gz); the driver
writes them to a work folder and runs `rolemap merge` into OUT. OUT is then what
`rolemap run --corpus CORPUS --out OUT` writes (the manifest's timings aside).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

from pyspark.sql import SparkSession

PARTIALS = "partials/results.jsonl.gz"


def run_shard(rolemap, corpus, k, n, extra):
    """On an executor: one shard into a temporary folder; its partials as bytes."""
    with tempfile.TemporaryDirectory(prefix=f"rolemap-shard{k}-") as tmp:
        out = os.path.join(tmp, "out")
        cmd = [rolemap, "run", "--quiet", "--shard", f"{k}/{n}", "--out", out, "--corpus", *corpus, *extra]
        r = subprocess.run(cmd, capture_output=True, text=True)
        # 1: the run finished, but some input could not be read (said in documents.csv)
        if r.returncode not in (0, 1):
            raise RuntimeError(f"shard {k}/{n}: {' '.join(cmd)} exited {r.returncode}: {r.stderr}")
        with open(os.path.join(out, "manifest.json"), "rb") as f:
            manifest = f.read()
        with open(os.path.join(out, PARTIALS), "rb") as f:
            partials = f.read()
        return k, manifest, partials


def table_flags(extra):
    """The flags of `rolemap run` that `rolemap merge` takes: how the tables are written."""
    out, i = [], 0
    while i < len(extra):
        x = extra[i]
        if x in ("--format", "--keep-field") and i + 1 < len(extra):
            out += [x, extra[i + 1]]
            i += 2
            continue
        if x.startswith(("--format=", "--keep-field=")) or x == "--no-csv-guard":
            out.append(x)
        i += 1
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", nargs="+", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--shards", type=int, default=0, help="default: Spark's default parallelism")
    ap.add_argument("--master", default=os.environ.get("SPARK_MASTER", "local[*]"))
    ap.add_argument("--rolemap", default=os.environ.get("ROLEMAP", shutil.which("rolemap") or "rolemap"))
    ap.add_argument("extra", nargs="*", help="more `rolemap run` flags (after --)")
    a = ap.parse_args()

    spark = SparkSession.builder.master(a.master).appName("rolemap").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    sc = spark.sparkContext
    n = a.shards or sc.defaultParallelism
    rolemap, corpus, extra = a.rolemap, a.corpus, a.extra
    parts = sc.parallelize(range(1, n + 1), n).map(lambda k: run_shard(rolemap, corpus, k, n, extra)).collect()
    spark.stop()

    with tempfile.TemporaryDirectory(prefix="rolemap-merge-") as work:
        dirs = []
        for k, manifest, partials in sorted(parts):
            d = os.path.join(work, f"shard{k}")
            os.makedirs(os.path.join(d, "partials"))
            with open(os.path.join(d, "manifest.json"), "wb") as f:
                f.write(manifest)
            with open(os.path.join(d, PARTIALS), "wb") as f:
                f.write(partials)
            dirs.append(d)
        # the table flags of `run` hold for the merged output too
        keep = table_flags(extra)
        r = subprocess.run([rolemap, "merge", "--quiet", *dirs, "--out", a.out, *keep])
    sys.exit(r.returncode)


if __name__ == "__main__":
    main()
