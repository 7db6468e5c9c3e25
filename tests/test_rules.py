"""Each normalisation rule, on text taken from the source."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dutylist.core.punctuation import full_width_punctuation
from dutylist.importing.rules import (
    RULES,
    join_wrapped_lines,
    normalise_cells,
    one_step_per_line,
    split_departments,
    split_handover,
)


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
        "handling": "1.准入与许可管理；\n2.日常监管与执法监督",
    }


def test_full_width_punctuation_restores_the_marks_of_chinese_text():
    assert full_width_punctuation("重大事项请示报告制度,开展理论学习,实行党务公开") == "重大事项请示报告制度，开展理论学习，实行党务公开"
    assert full_width_punctuation("1.定期梳理干部人事档案缺失清单,推送至奇台镇; 2.审核把关") == (
        "1.定期梳理干部人事档案缺失清单，推送至奇台镇； 2.审核把关"
    )
    assert full_width_punctuation("新时代文明实践所(站)建设发展") == "新时代文明实践所（站）建设发展"
    assert full_width_punctuation("县住房和城乡建设局:") == "县住房和城乡建设局："


def test_full_width_punctuation_looks_past_quotes_spaces_and_other_marks():
    assert full_width_punctuation('践行新时代"枫桥经验",发挥人民调解') == '践行新时代"枫桥经验"，发挥人民调解'
    assert full_width_punctuation('"五小工程"(小食堂、小厕所)') == '"五小工程"（小食堂、小厕所）'
    assert full_width_punctuation("(退役军人服务站); 4.指导") == "（退役军人服务站）； 4.指导"
    assert full_width_punctuation("及时; 2按照") == "及时； 2按照"


def test_a_parenthesis_pair_is_chinese_when_either_end_or_its_inside_is():
    """The pair is made full-width as one: by the Chinese text it encloses even when both ends touch ASCII, and by
    either end's context alone even when it encloses none."""
    assert full_width_punctuation("a(x中x)b") == "a（x中x）b"
    assert full_width_punctuation("(abc)中") == "（abc）中"
    assert full_width_punctuation("中(abc)") == "中（abc）"
    assert full_width_punctuation("a(xyz)b") == "a(xyz)b"



def test_full_width_punctuation_keeps_marks_among_latin_letters_and_digits():
    for text in ("1,000", "8:00", "f(x)", "GB/T 15834-2011", "3.5", "A; B", "THV 22 54 TH"):
        assert full_width_punctuation(text) == text
    assert full_width_punctuation("公示5个工作日,5.将鉴定表") == "公示5个工作日，5.将鉴定表"


def test_full_width_punctuation_sets_a_pair_of_parentheses_together():
    assert full_width_punctuation("下载(APP)使用") == "下载（APP）使用"
    assert full_width_punctuation("中文(A)") == "中文（A）"
    assert full_width_punctuation("标准(试行)") == "标准（试行）"
    assert full_width_punctuation("see (1)") == "see (1)"


def test_full_width_punctuation_keeps_straight_quotes_and_the_other_marks():
    text = '执行"三重一大"事项、《规范》。——1.'
    assert full_width_punctuation(text) == text


def test_the_handover_is_split_before_its_colon_is_made_full_width():
    cells = {"category": "民生服务", "name": "收养登记", "departments_handling": "奇台县民政局: 由县民政局负责,依法登记。"}
    values = normalise_cells("reclaimed", cells)
    assert values["departments"] == "奇台县民政局"
    assert values["handling"] == "由县民政局负责，依法登记。"


def test_the_punctuation_rule_runs_right_after_split_handover():
    codes = [rule.code for rule in RULES]
    assert codes.index("full-width-punctuation") == codes.index("split-handover") + 1


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='中文a1 ,;:()"、。，（）', max_size=40))
def test_full_width_punctuation_changes_only_the_five_marks_and_is_stable(text):
    restored = full_width_punctuation(text)
    assert len(restored) == len(text)
    assert all(old == new or (old, new) in {(",", "，"), (";", "；"), (":", "："), ("(", "（"), (")", "）")} for old, new in zip(text, restored))
    assert full_width_punctuation(restored) == restored
