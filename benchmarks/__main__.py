"""Run every benchmark (``make bench``) and write each result file."""

from __future__ import annotations

import json
import sys

from . import access_rule, alerts_push, dashboards_answers, dashboards_import, search, specimens
from .harness import write_result

BENCHMARKS = {
    "access_rule": access_rule.run,
    "specimens": specimens.run,
    "alerts_push": alerts_push.run,
    "search": search.run,
    "dashboards_import": dashboards_import.run,
    "dashboards_answers": dashboards_answers.run,
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    for name in names:
        if name not in BENCHMARKS:
            print(f"Unknown benchmark {name!r}; choose from {', '.join(BENCHMARKS)}.")
            return 2
        print(f"== {name}")
        result = BENCHMARKS[name]()
        path = write_result(name, result)
        print(json.dumps(result, indent=2))
        print(f"-> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
