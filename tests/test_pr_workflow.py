"""The pull-request workflow (.github/workflows/pr-report.yml) and the script it runs (.ci/pr-report), on real git
repositories: a clone of this one with a base branch and a pull-request branch, the report posted to a file
(PR_REPORT_OUTPUT) or to a forge API served here, which must end with one comment however often it runs."""

import json
import os
import re
import shlex
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import ROOT
from diff_repo import GIT_ENV, PackageRepo
from dutylist.cli import cli

SCRIPT = ROOT / ".ci" / "pr-report"
WORKFLOW = ROOT / ".github" / "workflows" / "pr-report.yml"
MARKER = "<!-- dutylist-pr-report -->"


def load_script():
    """.ci/pr-report as a module (it has no .py suffix), to compare its list of checks with .ci/run's."""
    import importlib.machinery
    import importlib.util

    loader = importlib.machinery.SourceFileLoader("pr_report", str(SCRIPT))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader("pr_report", loader))
    loader.exec_module(module)
    return module


# --- quick: the workflow file and the checks -------------------------------------------------------------

def test_the_workflow_runs_the_script_on_pull_requests_and_uploads_what_it_writes():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert list(workflow[True]) == ["pull_request"]  # YAML 1.1 reads the key `on` as True; never pull_request_target
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert {job["if"] for job in workflow["jobs"].values()} == {"github.server_url == 'https://github.com'",
                                                                "github.server_url != 'https://github.com'"}
    uploads = set()
    for job in workflow["jobs"].values():
        steps = job["steps"]
        assert steps[0]["uses"] == "actions/checkout@v4" and steps[0]["with"]["fetch-depth"] == 0
        runs = [step for step in steps if ".ci/pr-report" in step.get("run", "")]
        assert len(runs) == 1 and set(runs[0]["env"]) == {"GITHUB_TOKEN", "PR_NUMBER", "BASE_REF"}
        command = shlex.split(runs[0]["run"])
        assert command[:3] == [".venv/bin/python", ".ci/pr-report", "origin/$BASE_REF"]  # no ${{ }} inside run: no injection
        out = command[command.index("--out") + 1]
        upload = steps[-1]
        assert upload["if"] == "always()" and upload["with"]["path"] == f"{out}/" and upload["with"]["name"] == "pr-report"
        uploads.add(upload["uses"])
    assert uploads == {"actions/upload-artifact@v4", "actions/upload-artifact@v3"}


def test_the_script_runs_the_checks_ci_runs():
    ci = [line.split(" > ")[0].split() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
          if line.startswith(".venv/bin/") and "pytest" not in line and "pip" not in line]
    assert ci, ".ci/run lists no data check"
    script = [[Path(command[0]).name, *command[1:]] for _, command in load_script().checks()]
    assert script == [[Path(command[0]).name, *command[1:]] for command in ci]


# --- on a real repository ----------------------------------------------------------------------------------

def dutylist(root, *args):
    result = CliRunner().invoke(cli, [*args, "--repo", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def commit(clone, message):
    """Commit what changed (`dutylist release` may have committed it already)."""
    clone.git("add", "-A")
    if clone.git("status", "--porcelain"):
        clone.git("commit", "-q", "-m", message)


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """A clone of this repository (its history of versions and changelog), on branch main, with a pull-request
    branch `pr` that changes a register row and releases it, as a pull request to main would."""
    root = tmp_path_factory.mktemp("pr") / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(root)], check=True, env={**os.environ, **GIT_ENV})
    repo = PackageRepo.__new__(PackageRepo)
    repo.root = root
    repo.git("checkout", "-q", "-B", "main")
    repo.git("checkout", "-q", "-b", "pr")
    fieldnames, rows = repo.rows("categories")
    for row in rows:
        if row["name"] == "民生服务":
            row["name_en"] = "Services for residents"
    repo.write_rows("categories", fieldnames, rows)
    dutylist(root, "release")
    commit(repo, "Rename a category's English label")
    return repo


def run_script(clone, out, *args, **env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "GITLAB_", "CI_", "PR_"))}
    environment.update(env)
    return subprocess.run([sys.executable, str(SCRIPT), *args, "--repo", str(clone.root), "--out", str(out)],
                          capture_output=True, text=True, env=environment, timeout=600)


@pytest.mark.slow
def test_a_pull_request_gets_its_checks_and_report_as_one_comment_and_the_html_as_artifact(clone, tmp_path):
    body_file = tmp_path / "comment-posted.md"
    result = run_script(clone, clone.root / "pr-report", "main", PR_REPORT_OUTPUT=str(body_file),
                        GITHUB_SERVER_URL="https://forge.example", GITHUB_REPOSITORY="town/duties", GITHUB_RUN_ID="77")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "every check passed" in result.stdout
    body = body_file.read_text(encoding="utf-8")
    assert body.startswith(MARKER + "\n")  # the marker a later run finds the comment by
    assert "**数据检查 Data checks: all passed ✓**" in body and body.count("- ✓ ") == 5
    assert "| 登记表 Registers | 1 |" in body  # the summary, then the section folded
    assert "<details>\n<summary><strong>登记表 事项类别 Categories</strong></summary>" in body
    assert "<ins> for residents</ins>" in body  # the change, character by character
    assert "https://forge.example/town/duties/actions/runs/77" in body  # where the artifact is
    assert "✂" not in body and len(body) <= 65000
    out = clone.root / "pr-report"
    assert (out / "comment.md").read_text(encoding="utf-8") == body
    page = (out / "report.html").read_text(encoding="utf-8")  # the artifact: the whole report, with its contents
    assert page.startswith("<!DOCTYPE html>") and '<nav class="toc"' in page and "<ins> for residents</ins>" in page
    assert "$ dutylist import-source" in (out / "checks.txt").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_failed_check_is_reported_at_the_top_and_fails_the_job(clone, tmp_path):
    broken = tmp_path / "broken"
    subprocess.run(["git", "clone", "-q", "-b", "pr", str(clone.root), str(broken)], check=True, env={**os.environ, **GIT_ENV})
    repo = PackageRepo.__new__(PackageRepo)
    repo.root = broken
    repo.git("branch", "main", "origin/main")
    repo.update("basic-duties", "652325100-0002", name="一个没有来源的名称")  # data/ no longer derived from the source
    commit(repo, "An edit without its source")
    result = run_script(repo, tmp_path / "out", "main", PR_REPORT_OUTPUT=str(tmp_path / "body.md"))
    assert result.returncode == 1, result.stderr + result.stdout
    body = (tmp_path / "body.md").read_text(encoding="utf-8")
    assert "failed ✗**" in body and "- ✗ import-source: `dutylist import-source`" in body
    assert "一个没有来源的名称" in body  # the report is posted all the same
    assert "exit 1" in (tmp_path / "out" / "checks.txt").read_text(encoding="utf-8")


class Forge:
    """A forge's comment API (GitHub's paths, which Gitea and Forgejo share), served on localhost."""

    def __init__(self):
        self.comments = [{"id": 1, "body": "LGTM"}]
        self.calls = []
        forge = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status, document):
                data = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def body(self):
                return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

            def token(self):
                return self.headers["Authorization"] or f"PRIVATE-TOKEN {self.headers['PRIVATE-TOKEN']}"

            def do_GET(self):
                forge.calls.append(("GET", self.path, self.token()))
                page = int(re.search(r"[?&]page=(\d+)", self.path).group(1))
                self.answer(200, forge.comments[(page - 1) * 50: page * 50])

            def do_POST(self):
                forge.calls.append(("POST", self.path, self.token()))
                comment = {"id": len(forge.comments) + 1, "body": self.body()["body"]}
                forge.comments.append(comment)
                self.answer(201, comment)

            def do_PATCH(self):  # GitHub, Gitea, Forgejo
                forge.calls.append((self.command, self.path, self.token()))
                number = int(self.path.rsplit("/", 1)[1])
                comment = next(comment for comment in forge.comments if comment["id"] == number)
                comment["body"] = self.body()["body"]
                self.answer(200, comment)

            do_PUT = do_PATCH  # GitLab's notes

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def forge():
    served = Forge()
    yield served
    served.server.shutdown()
    served.server.server_close()


@pytest.mark.slow
def test_the_comment_is_posted_once_then_updated_in_place_and_cut_to_fit(clone, tmp_path, forge):
    env = {"GITHUB_API_URL": forge.url, "GITHUB_REPOSITORY": "town/duties", "GITHUB_TOKEN": "secret-token", "PR_NUMBER": "12"}
    first = run_script(clone, tmp_path / "one", "main", **env)
    assert first.returncode == 0, first.stderr + first.stdout
    assert "added comment 2 to pull request 12" in first.stdout
    # the pull request is pushed to again: now it brings everything since 1.0.0 (a report of ~70,000 characters)
    version_1 = clone.git("log", "--format=%H", "--reverse", "--", "changelog/1.0.0.md").split()[0]
    second = run_script(clone, tmp_path / "two", version_1, **env)
    assert second.returncode == 0, second.stderr + second.stdout
    assert "updated comment 2 on pull request 12" in second.stdout
    assert [comment["id"] for comment in forge.comments] == [1, 2] and forge.comments[0]["body"] == "LGTM"
    assert [(method, path) for method, path, _ in forge.calls] == [
        ("GET", "/repos/town/duties/issues/12/comments?per_page=50&limit=50&page=1"),
        ("POST", "/repos/town/duties/issues/12/comments"),
        ("GET", "/repos/town/duties/issues/12/comments?per_page=50&limit=50&page=1"),
        ("PATCH", "/repos/town/duties/issues/comments/2")]
    assert {token for _, _, token in forge.calls} == {"token secret-token"}
    body = forge.comments[1]["body"]
    assert body.startswith(MARKER) and len(body) <= 65000 < len((tmp_path / "two" / "report.html").read_text(encoding="utf-8"))
    last = body.rstrip("\n").splitlines()[-1]
    assert last.startswith("> ✂ **截断 Cut to fit ") and "完整报告 The whole report: " in last
    assert body.count("<details") == body.count("</details>") > 0


@pytest.mark.slow
def test_a_base_branch_that_was_not_fetched_is_named_with_what_to_do(tmp_path):
    repo = PackageRepo(tmp_path / "repo", package=False)
    result = subprocess.run([sys.executable, str(SCRIPT), "main", "--repo", str(repo.root), "--out", str(tmp_path / "out")],
                            capture_output=True, text=True, env={key: value for key, value in os.environ.items()
                                                                 if not key.startswith(("GITHUB_", "PR_"))}, timeout=60)
    assert result.returncode == 2 and "fetch the base branch" in result.stderr, result.stderr


@pytest.mark.slow
def test_on_gitlab_the_report_is_one_note_of_the_merge_request(clone, tmp_path, forge):
    env = {"GITLAB_CI": "true", "CI_API_V4_URL": f"{forge.url}/api/v4", "CI_PROJECT_ID": "5", "CI_MERGE_REQUEST_IID": "3",
           "GITLAB_TOKEN": "project-token", "CI_JOB_URL": "https://gitlab.example/town/duties/-/jobs/9"}
    for _ in range(2):
        result = run_script(clone, tmp_path / "out", "main", **env)
        assert result.returncode == 0, result.stderr + result.stdout
    notes = "/api/v4/projects/5/merge_requests/3/notes"
    assert [(method, path) for method, path, _ in forge.calls] == [
        ("GET", f"{notes}?per_page=50&limit=50&page=1"), ("POST", notes),
        ("GET", f"{notes}?per_page=50&limit=50&page=1"), ("PUT", f"{notes}/2")]
    assert {token for _, _, token in forge.calls} == {"PRIVATE-TOKEN project-token"}
    assert len(forge.comments) == 2 and "https://gitlab.example/town/duties/-/jobs/9" in forge.comments[1]["body"]
