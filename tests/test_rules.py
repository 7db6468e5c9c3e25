"""Each normalisation rule, on text taken from the source."""

from dutylist.importing.rules import join_wrapped_lines, normalise_cells, one_step_per_line, split_departments, split_handover


def test_join_wrapped_lines_removes_spaces_left_by_line_wraps():
    assert join_wrapped_lines("执行\"三重一大\"事项集体决策机制和重大 事项请示报告制度") == (
        "执行\"三重一大\"事项集体决策机制和重大事项请示报告制度"
    )
    assert join_wrapped_lines("奇台县委组织部 、奇台县人力资 源和社会保障局") == "奇台县委组织部、奇台县人力资源和社会保障局"
    assert join_wrapped_lines("\"互联网+ 督查\"") == "\"互联网+督查\""


def test_join_wrapped_lines_keeps_spaces_between_latin_letters_or_digits():
    assert join_wrapped_lines("THV 22 54 TH") == "THV 22 54 TH"
    assert join_wrapped_lines("1. 在江河") == "1.在江河"


def test_join_wrapped_lines_keeps_step_lines_apart():
    assert join_wrapped_lines("1.甲 乙;\n2.丙 丁") == "1.甲乙;\n2.丙丁"


def test_one_step_per_line_splits_before_each_step_number():
    assert one_step_per_line("1.定期梳理; 2.审核把关报送档案并整理归档。") == "1.定期梳理;\n2.审核把关报送档案并整理归档。"


def test_one_step_per_line_leaves_numbers_inside_text():
    text = "公示时间为五个工作日; 5.将鉴定表、3张两寸近期免冠白底彩照送至县残联"
    assert one_step_per_line(text) == "公示时间为五个工作日;\n5.将鉴定表、3张两寸近期免冠白底彩照送至县残联"


def test_split_handover_splits_at_the_first_colon():
    assert split_handover("奇台县民政局: 由县民政局负责收养登记。") == {
        "departments": "奇台县民政局",
        "handling": "由县民政局负责收养登记。",
    }


def test_split_departments_drops_empty_entries():
    assert split_departments("奇台县残联、、奇台县民政局、") == "奇台县残联、奇台县民政局"


def test_normalise_cells_applies_the_rules_in_order():
    cells = {
        "category": "应急管理 及消防 ",
        "name": "对烟花爆竹经营企业的监督检查",
        "departments_handling": "奇台县应急管理局: 1. 准入与许可管理; 2. 日常监管与执法 监督",
    }
    assert normalise_cells("reclaimed", cells) == {
        "category": "应急管理及消防",
        "name": "对烟花爆竹经营企业的监督检查",
        "departments": "奇台县应急管理局",
        "handling": "1.准入与许可管理;\n2.日常监管与执法监督",
    }
