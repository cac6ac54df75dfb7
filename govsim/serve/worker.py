"""The workbench's background process: ``python -m govsim.serve.worker SPEC OUT EXECUTOR``.

Runs the experiment with :func:`govsim.run_experiment` (the HTML report is built
only when a planner exports it); a user error is written as one line to
``OUT/error.txt`` (exit code 2).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path


def main(argv: list[str]) -> int:
    """Run the spec at ``argv[0]`` into ``argv[1]`` on executor ``argv[2]``."""
    import govsim

    spec, out, executor = argv
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            govsim.run_experiment(Path(spec), executor=executor, out_dir=Path(out), progress=False)
    except govsim.ScenarioError as exc:
        Path(out, "error.txt").write_text(f"{exc}\n", encoding="utf-8")
        return 2
    except Exception as exc:  # shown in the page as one line; the stored runs are kept
        first = (str(exc).strip().splitlines() or [""])[0]
        Path(out, "error.txt").write_text(f"{type(exc).__name__}: {first}\n", encoding="utf-8")
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover - run as a subprocess
    sys.exit(main(sys.argv[1:]))
