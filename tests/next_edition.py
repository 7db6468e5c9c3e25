"""A next edition of the list, made from the real extracted text the way the next PDF would change it.

``SourceText`` edits the lines of sources/qitai-town-duty-list-2025-07.extracted.txt row by row, then
renumbers every list as the published lists are numbered. The changes of ``next_edition_text()``:

- basic 40 (652325100-0040) is reclaimed by 奇台县公安局 (moved to the end of the reclaimed list);
- reclaimed 1 (652325100-0154) is returned to the town (end of the basic list);
- coordinated 21 (652325100-0106, 地名管理) moves to the basic list;
- a new duty is added to the basic list, and basic 22 (652325100-0022) is removed;
- basic 13 (652325100-0013) is slightly reworded (构建 → 建设);
- coordinated 22 (652325100-0107) has new extraction damage (见习年度 → 见T年度, a Latin letter for a character);
- basic 12 (652325100-0012) is extracted cleanly this time (加强, not 1强): its correction no longer applies;
- the page break before basic 9 (652325100-0009) moves one row down: basic 9 is now on page 1;
- every list is renumbered.
"""

import re

from dutylist.importing.parse import HEADER_START, ROW_START, title_list

from conftest import ROOT

SOURCE = ROOT / "sources" / "qitai-town-duty-list-2025-07.extracted.txt"
ADDED_NAME = "组织开展冬季供暖安全检查"


class SourceText:
    def __init__(self, text):
        self.lines = text.split("\n")

    def text(self):
        return "\n".join(self.lines)

    def _rows(self):
        current = None
        for index, line in enumerate(self.lines):
            current = title_list(line) or current
            match = ROW_START.match(line)
            if match and current:
                yield index, current, int(match.group(1))

    def find(self, list_name, seq):
        return next(index for index, name, number in self._rows() if (name, number) == (list_name, seq))

    def cells(self, list_name, seq):
        return self.lines[self.find(list_name, seq)].split("\t")

    def remove(self, list_name, seq):
        return self.lines.pop(self.find(list_name, seq)).split("\t")

    def append(self, list_name, cells):
        last = max(index for index, name, _ in self._rows() if name == list_name)
        self.lines.insert(last + 1, "\t".join(["0", *cells]))

    def replace(self, list_name, seq, old, new):
        index = self.find(list_name, seq)
        assert old in self.lines[index], (list_name, seq, old)
        self.lines[index] = self.lines[index].replace(old, new, 1)

    def move_page_break_after(self, list_name, seq):
        """The table header just before this row moves below it: the row goes to the previous page."""
        index = self.find(list_name, seq)
        assert self.lines[index - 1].startswith(HEADER_START)
        self.lines[index - 1], self.lines[index] = self.lines[index], self.lines[index - 1]

    def renumber(self):
        counters = {}
        for index, name, _ in list(self._rows()):
            counters[name] = counters.get(name, 0) + 1
            self.lines[index] = re.sub(r"^\d+", str(counters[name]), self.lines[index])


def next_edition_text():
    source = SourceText(SOURCE.read_text(encoding="utf-8"))
    source.move_page_break_after("basic", 9)
    source.replace("basic", 12, "1强基层", "加强基层")
    source.replace("basic", 13, "构建工作", "建设工作")
    source.replace("coordinated", 22, "1.制定就业见习年度", "1.制定就业见T年度")
    reclaimed = source.remove("basic", 40)
    source.append("reclaimed", [reclaimed[1], reclaimed[2], "奇台县公安局:由县公安局统一开展禁毒宣传和社区戒毒、社区康复工作。"])
    returned = source.remove("reclaimed", 1)
    source.append("basic", [returned[1], returned[2], "", ""])
    moved = source.remove("coordinated", 21)
    source.append("basic", [moved[1], moved[2], "", ""])
    source.remove("basic", 22)
    source.append("basic", ["平安法治", ADDED_NAME, "", ""])
    source.renumber()
    return source.text()
