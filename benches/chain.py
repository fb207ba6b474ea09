#!/usr/bin/env python3
"""The Python chain a user would otherwise glue together, for the speed comparison of
`cargo bench --bench pipeline` (issue 15): trafilatura extracts the main text of each HTML
page, find-job-titles finds the job titles in it, one JSON line per page.

    python3 benches/chain.py OUT.jsonl FILE...

The benchmark runs two of these at once, each on half of the corpus, so the chain uses both
cores as `rolemap run` does. Install with `pip install trafilatura find-job-titles
lxml_html_clean` (the benchmark does it in a virtualenv under target/ when asked to compare).
"""
import json
import sys

import trafilatura
from find_job_titles import FinderAcora


def main():
    out_path, files = sys.argv[1], sys.argv[2:]
    finder = FinderAcora()
    with open(out_path, "w", encoding="utf-8") as out:
        for path in files:
            with open(path, "rb") as f:
                html = f.read()
            text = trafilatura.extract(html) or ""
            titles = sorted({m.match for m in finder.finditer(text)})
            out.write(json.dumps({"file": path, "chars": len(text), "titles": titles}) + "\n")


if __name__ == "__main__":
    main()
