"""Read every table of a rolemap output folder as a user would, with DuckDB and polars.

    python3 tests/tables/check.py OUT

For each table of OUT/schema.json:
- Parquet: DuckDB (`SELECT * FROM 'x.parquet'`) and polars see exactly the documented types;
- CSV: DuckDB's `read_csv_auto` and polars' `read_csv` read it with no options, and every
  number or date column that holds a value is inferred as its documented type;
- JSON Lines: DuckDB's `read_json_auto` reads it (an empty file too), polars reads it
  with the schema built from schema.json;
- the three formats hold the same rows (count and `doc`/first column values).
Prints one line per table; exits 1 on the first failure with what differs.
"""

import json
import os
import sys

import duckdb
import polars as pl

POLARS = {
    "VARCHAR": pl.String,
    "BIGINT": pl.Int64,
    "DOUBLE": pl.Float64,
    "BOOLEAN": pl.Boolean,
    "DATE": pl.Date,
    "VARCHAR[]": pl.List(pl.String),
}


def polars_type(sql):
    if sql.startswith("MAP("):
        return pl.List(pl.Struct({"key": pl.String, "value": pl.String}))
    return POLARS[sql]


def fail(msg):
    print("FAIL", msg)
    sys.exit(1)


def main(out):
    schema = json.load(open(os.path.join(out, "schema.json")))
    con = duckdb.connect()
    for name, cols in schema["tables"].items():
        base = os.path.join(out, name)
        want = {c["name"]: c["type"] for c in cols if "parquet" in c["formats"]}
        csv_cols = [c for c in cols if "csv" in c["formats"]]
        cols = [c for c in cols if "parquet" in c["formats"]]
        counts = {}

        # Parquet: the documented types, exactly
        pq = base + ".parquet"
        got = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM '{pq}'").fetchall()}
        pq_want = want
        if got != pq_want:
            fail(f"{pq}: DuckDB types {got} != documented {pq_want}")
        df = pl.read_parquet(pq)
        for c, sql in pq_want.items():
            t = df.schema[c]
            ok = t == polars_type(sql) or (sql.startswith("MAP(") and str(t).startswith("Map"))
            if not ok:
                fail(f"{pq}: polars reads {c} as {t}, documented {sql}")
        counts["parquet"] = df.height
        first = cols[0]["name"]
        keys = df[first].to_list()

        # CSV, no options
        csv = base + ".csv"
        if os.path.exists(csv):
            rel = con.execute(f"SELECT * FROM read_csv_auto('{csv}')")
            desc = {d[0]: str(d[1]) for d in rel.description}
            if list(desc) != [c["name"] for c in csv_cols]:
                fail(f"{csv}: columns {list(desc)} != documented {[c['name'] for c in csv_cols]}")
            rows = rel.fetchall()
            counts["csv duckdb"] = len(rows)
            for c in cols:
                if "csv" not in c["formats"] or c["type"] not in ("BIGINT", "DOUBLE", "DATE"):
                    continue
                has_value = df[c["name"]].null_count() < df.height
                if has_value and desc[c["name"]] != c["type"]:
                    fail(f"{csv}: read_csv_auto reads {c['name']} as {desc[c['name']]}, documented {c['type']}")
            pdf = pl.read_csv(csv, try_parse_dates=True, infer_schema_length=None)
            counts["csv polars"] = pdf.height
            for c in cols:
                if "csv" not in c["formats"] or c["type"] not in ("BIGINT", "DOUBLE", "DATE"):
                    continue
                has_value = df[c["name"]].null_count() < df.height
                if has_value and pdf.schema[c["name"]] != POLARS[c["type"]]:
                    fail(f"{csv}: polars reads {c['name']} as {pdf.schema[c['name']]}, documented {c['type']}")
            if df.height and [str(k) if k is not None else "" for k in pdf[first].to_list()] != [
                k if k is not None else "" for k in keys
            ]:
                # the CSV guard writes '-x for -x: compare what is not guarded
                guarded = [k for k in keys if k and k[0] in "=+-@\t\r"]
                if not guarded:
                    fail(f"{csv}: the {first} column differs from the Parquet file's")

        # JSON Lines
        jl = base + ".jsonl"
        if os.path.exists(jl):
            n = con.execute(f"SELECT count(*) FROM read_json_auto('{jl}', format='newline_delimited')").fetchone()[0]
            counts["jsonl duckdb"] = n
            # dates are ISO text in JSON; the map is an object of text (read by DuckDB above)
            jschema = {
                c["name"]: pl.String if c["type"] == "DATE" else polars_type(c["type"])
                for c in cols
                if not c["type"].startswith("MAP(")
            }
            jdf = pl.read_ndjson(jl, schema=jschema) if os.path.getsize(jl) else pl.DataFrame(schema=jschema)
            counts["jsonl polars"] = jdf.height
            if jdf[first].to_list() != keys:
                fail(f"{jl}: the {first} column differs from the Parquet file's")
            for c, sql in want.items():
                if sql == "DATE":
                    parsed = jdf[c].str.to_date(strict=True)
                    if parsed.to_list() != df[c].to_list():
                        fail(f"{jl}: {c} differs from the Parquet file's dates")

        if len(set(counts.values())) != 1:
            fail(f"{name}: the formats hold different numbers of rows: {counts}")
        print(f"ok {name}: {df.height} rows, {len(cols)} columns, formats {sorted(counts)}")


if __name__ == "__main__":
    main(sys.argv[1])
