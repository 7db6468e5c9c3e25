"""``dutylist check``: exactly the data checks CI runs (``.ci/run`` calls this command), with one verdict.

Each check is the command a maintainer would type, run as its own process by the interpreter running
dutylist, isolated (``-I``: neither the repository's folder nor PYTHON* variables are on the import path,
so no code of the repository runs), in the package's folder, each bounded in time. A green ``dutylist
check`` (the pre-commit hook runs it) is a green CI on the data; the test suite is CI's other half.
"""

import subprocess
import sys
import time
from pathlib import Path

# (name, arguments after the interpreter): the data checks of CI, in CI's order
CHECKS = (
    ("changelog --check", ("-m", "dutylist", "changelog", "--check")),
    ("frictionless validate datapackage.json", ("-m", "frictionless", "validate", "datapackage.json")),
    ("import-source", ("-m", "dutylist", "import-source")),
    ("validate", ("-m", "dutylist", "validate")),
    ("fmt --check", ("-m", "dutylist", "fmt", "--check")),
)
TIMEOUT = 600  # seconds a check may take
SHOWN_LINES = 8  # lines of a failed check's output on the verdict screen


def run_checks(repo, progress=None):
    """{"checks": [{"name", "command", "exit", "ok", "seconds", "output"}], "ok"}: every check run, in order."""
    repo = Path(repo)
    results = []
    for name, arguments in CHECKS:
        if progress:
            progress.stage(name)
        results.append(_run(repo, name, arguments))
    return {"repo": str(repo), "checks": results, "ok": all(result["ok"] for result in results)}


def _run(repo, name, arguments):
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-I", *arguments], cwd=repo, capture_output=True, text=True,
                              errors="replace", stdin=subprocess.DEVNULL, timeout=TIMEOUT)
        code, output = done.returncode, (done.stdout + done.stderr).strip()
    except subprocess.TimeoutExpired:
        code, output = None, f"stopped after {TIMEOUT} s"
    except OSError as error:
        code, output = None, f"could not start: {error.strerror or error}"
    return {"name": name, "command": f"dutylist {name}" if arguments[1] == "dutylist" else name, "exit": code,
            "ok": code == 0, "seconds": round(time.monotonic() - started, 2), "output": output}


def render_text(report):
    lines = []
    for result in report["checks"]:
        mark = "ok  " if result["ok"] else "FAIL"
        lines.append(f"{mark}  {result['command']}  ({result['seconds']} s" + ("" if result["ok"] else f", exit {result['exit']}") + ")")
        if not result["ok"]:
            shown = [line for line in result["output"].splitlines() if line.strip()][:SHOWN_LINES]
            lines.extend(f"      {line[:160]}" for line in shown)
            lines.append(f"      (run `{result['command']}` for all of it)")
    failed = [result for result in report["checks"] if not result["ok"]]
    if failed:
        lines.append(f"{len(failed)} of {len(report['checks'])} checks failed: CI would fail; fix them, then run dutylist check again")
    else:
        lines.append(f"all {len(report['checks'])} data checks of CI pass (.ci/run also runs the tests)")
    return "\n".join(lines)
