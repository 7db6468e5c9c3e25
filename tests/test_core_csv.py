"""core/package.py's CSV reading is exactly csv.DictReader (CRLF read as LF), which the rest of the tools were written against."""

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dutylist.core.package import read_csv_text

ALPHABET = st.sampled_from(list('a,"\n\r x、'))


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.text(alphabet=ALPHABET, max_size=5), max_size=4), max_size=5), st.text(alphabet=ALPHABET, max_size=40))
def test_rows_are_what_dictreader_gives(rows, raw):
    written = io.StringIO(newline="")
    csv.writer(written).writerows(rows)
    for text in (written.getvalue(), raw):
        assert read_csv_text(text) == list(csv.DictReader(io.StringIO(text.replace("\r\n", "\n"), newline="")))


def test_short_and_long_rows_keep_dictreaders_shape():
    rows = read_csv_text("a,b,c\n1\n1,2,3,4,5\n\n7,8,9\n")
    assert rows == [{"a": "1", "b": None, "c": None}, {"a": "1", "b": "2", "c": "3", None: ["4", "5"]}, {"a": "7", "b": "8", "c": "9"}]
