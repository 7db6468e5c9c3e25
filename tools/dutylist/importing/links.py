"""The links file of an edition, ``sources/<edition>.links.csv``: which id each row of the source got, and how.

One row per row of the source: ``list`` and ``seq`` (序号) name the row; ``id`` is the item's id;
``how`` says how the link was made: ``exact`` (the same name, or for an item without a name the
same content, in the previous edition), ``likely`` (a similar name, same category or departments:
decided from the whole row), ``review`` (doubtful: the id cell holds the proposed id(s), separated by
spaces, and nothing is written to data/ until the row is answered), ``new`` (a new id) or ``manual``
(set by a maintainer); ``score`` is the confidence of a likely or review link; ``previous_list`` and
``previous_seq`` say where the (first proposed) item stood in the previous edition.

A maintainer edits the file to answer a review row or override a link: write the id and ``manual``,
or clear the id and write ``new`` to have the next unused id minted. The importer honours every row
as written.
"""

import csv
import re
from dataclasses import dataclass

from ..core.errors import DutylistError
from ..core.package import LISTS, csv_text, read_csv_text
from ..core.shown import quoted

LINK_FIELDS = ("list", "seq", "id", "how", "score", "previous_list", "previous_seq")
HOWS = ("exact", "likely", "review", "new", "manual")
ANSWER = "answer it: write the right id and 'manual', or clear the id and write 'new'"


@dataclass
class Link:
    list: str
    seq: int
    id: str
    how: str
    score: float = None
    previous_list: str = ""
    previous_seq: int = None
    proposed: tuple = ()  # a review row's proposed ids, the likeliest first
    reason: str = ""  # why a row is put to review (importing/review.py WHY); not written

    def to_dict(self):
        return {"list": self.list, "seq": self.seq, "id": self.id, "how": self.how, "score": self.score,
                "previous_list": self.previous_list or None, "previous_seq": self.previous_seq}

    def to_row(self):
        written = " ".join(self.proposed) if self.how == "review" else self.id  # a review row's own id is never written
        return {"list": self.list, "seq": str(self.seq), "id": written, "how": self.how,
                "score": "" if self.score is None else f"{self.score:.3f}",
                "previous_list": self.previous_list or "",
                "previous_seq": "" if self.previous_seq is None else str(self.previous_seq)}


class LinksError(DutylistError):
    """A links file that cannot be honoured; names the file, row and field."""


def links_path(edition):
    return f"sources/{edition}.links.csv"


def links_text(links):
    return csv_text(LINK_FIELDS, [link.to_row() for link in links])


def read_links(text, path, prefix):
    """The links of a links file keyed by (list, seq); raises ``LinksError`` on anything it cannot honour."""
    try:
        rows = read_csv_text(text)
    except csv.Error as error:
        raise LinksError(f"{path}  cannot be read as CSV ({error})") from None
    header = list(rows[0].keys()) if rows else text.partition("\n")[0].split(",")
    missing = [name for name in LINK_FIELDS if name not in header]
    if missing:
        raise LinksError(f"{path}:1  missing column(s) {', '.join(missing)}; the header is {','.join(LINK_FIELDS)}")
    id_pattern = re.compile(rf"^{re.escape(prefix)}[0-9]{{4}}$")
    links, owners = {}, {}
    for row_number, row in enumerate(rows, start=2):
        def fail(field, message):
            raise LinksError(f"{path}:{row_number}:{field}  {message}")

        if None in row:
            fail("", "more cells than the header has columns")
        values = {name: (row.get(name) or "").strip() for name in LINK_FIELDS}
        if values["list"] not in LISTS:
            fail("list", f"{quoted(values['list'])} is not one of {', '.join(LISTS)}")
        seq = _whole(values["seq"], lambda message: fail("seq", message))
        if seq is None:
            fail("seq", "the 序号 is missing")
        if (values["list"], seq) in links:
            fail("seq", f"{values['list']} {seq} is linked twice")
        if values["how"] not in HOWS:
            fail("how", f"{quoted(values['how'])} is not one of {', '.join(HOWS)}")
        proposed = ()
        if values["how"] == "review":
            proposed = tuple(values["id"].split())
            if not proposed or len(proposed) > 3 or not all(id_pattern.match(item_id) for item_id in proposed):
                fail("id", f"{quoted(values['id'])} is not the proposed id(s) of a review row ({prefix}NNNN, "
                     f"separated by spaces); {ANSWER}")
            values["id"] = ""
        elif not values["id"] and values["how"] != "new":
            fail("id", "no id: write one (how: manual), or write how 'new' to have the next unused id minted")
        if values["id"] and not id_pattern.match(values["id"]):
            fail("id", f"{quoted(values['id'])} is not an id of this package ({prefix}NNNN)")
        if values["id"] in owners:
            fail("id", f"{values['id']} is already the id of {owners[values['id']]}; an id names one item")
        if values["previous_list"] and values["previous_list"] not in LISTS:
            fail("previous_list", f"{quoted(values['previous_list'])} is not one of {', '.join(LISTS)}")
        score = None
        if values["score"]:
            try:
                score = float(values["score"])
            except ValueError:
                score = None
            if score is None or not 0 <= score <= 1:
                fail("score", f"{quoted(values['score'])} is not a similarity from 0 to 1")
        if values["id"]:
            owners[values["id"]] = f"{values['list']} {seq}"
        links[(values["list"], seq)] = Link(
            values["list"], seq, values["id"], values["how"], score, values["previous_list"],
            _whole(values["previous_seq"], lambda message: fail("previous_seq", message)), proposed,
        )
    return links


def _whole(text, fail):
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        fail(f"{quoted(text)} is not a 序号 (a whole number from 1)")
    return int(text)

