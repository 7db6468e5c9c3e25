"""dutylist new-item: the next free id (never a retired one, on any branch), the next 序号, refused as validate would."""

import pytest
from click.testing import CliRunner

from diff_repo import PackageRepo
from dutylist.cli import cli


def run(repo, *args):
    return CliRunner().invoke(cli, ["new-item", "--repo", str(repo.root), *args], catch_exceptions=False)


@pytest.fixture
def repo(tmp_path):
    repository = PackageRepo(tmp_path / "repo")
    repository.commit("Publish the July 2025 edition")
    return repository


@pytest.mark.slow
def test_new_item_never_reuses_a_retired_id_or_one_used_on_another_branch(repo):
    repo.take("reclaimed-duties", "652325100-0179")  # the highest id, retired
    repo.commit("Remove 0179")
    repo.git("checkout", "-q", "-b", "draft")
    repo.append("basic-duties", id="652325100-0185", category="民生服务", name="草稿事项", page="10")
    repo.commit("A draft item on another branch")
    repo.git("checkout", "-q", "main")
    result = run(repo, "--list", "reclaimed", "--category", "民生服务", "--name", "由县民政局负责的新事项",
                 "--department", "奇台县民政局", "--handling", "1.受理申请；", "--handling", "2.作出决定。", "--page", "38")
    assert result.exit_code == 0, result.output
    assert result.output == ("added 652325100-0186 to data/reclaimed-duties.csv as 上级部门收回事项清单 第 26 项\n"
                             "recorded 7 amendment(s) in data/amendments.csv\n")  # the item, its 序号 and five cells
    _, rows = repo.rows("reclaimed-duties")
    assert rows[-1] == {"id": "652325100-0186", "seq": "26", "category": "民生服务", "name": "由县民政局负责的新事项",
                        "departments": "奇台县民政局", "handling": "1.受理申请；\n2.作出决定。", "page": "38"}
    assert CliRunner().invoke(cli, ["validate", str(repo.root)]).exit_code == 0
    assert CliRunner().invoke(cli, ["fmt", "--check", "--repo", str(repo.root)]).exit_code == 0


@pytest.mark.slow
def test_new_item_takes_the_next_seq_of_its_list_and_the_next_id_in_the_files(repo):
    result = run(repo, "--list", "basic", "--category", "民生服务", "--name", "开展防范电信网络诈骗宣传", "--page", "10")
    assert result.exit_code == 0, result.output
    assert "added 652325100-0180 to data/basic-duties.csv as 基本履职事项清单 第 86 项" in result.output
    result = run(repo, "--list", "basic", "--category", "民生服务", "--name", "另一项", "--page", "10")
    assert "added 652325100-0181" in result.output and "第 87 项" in result.output  # uncommitted ids count too


@pytest.mark.slow
@pytest.mark.parametrize("args, code", [
    (["--category", "无此类别", "--name", "某事项"], "unknown-category: category '无此类别' is not a name in data/categories.csv"),
    (["--category", "民生服务", "--name", "   "], "empty-required-cell: name is empty"),
    (["--category", "民生服务", "--name", "某事项", "--department", "县民政局"],
     "unknown-department: department '县民政局' is not a name in data/departments.csv"),
    (["--category", "民生服务", "--name", "某事项", "--county-duty", "2.只有第二步"], "step-numbering: step numbered 2 where 1 was expected"),
    (["--category", "民生服务", "--name", "某事项", "--page", "99"], "constraint \"maximum\" is \"42\""),
])
def test_new_item_refuses_what_validate_would_refuse_and_writes_nothing(repo, args, code):
    before = repo.path("coordinated-duties").read_bytes()
    page = [] if "--page" in args else ["--page", "20"]
    result = run(repo, "--list", "coordinated", *args, *page)
    assert result.exit_code == 1, result.output
    assert "refused: dutylist validate would report" in result.output and code in result.output
    assert "nothing was written" in result.output and "Traceback" not in result.output
    assert repo.path("coordinated-duties").read_bytes() == before


def test_new_item_refuses_fields_the_list_does_not_have(repo):
    before = repo.path("basic-duties").read_bytes()
    result = run(repo, "--list", "basic", "--category", "民生服务", "--name", "某事项", "--page", "10", "--department", "奇台县民政局")
    assert result.exit_code == 2 and "the basic list has no departments" in result.output
    assert repo.path("basic-duties").read_bytes() == before
