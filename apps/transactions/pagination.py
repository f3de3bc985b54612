"""The transactions list's pagination: a count that stops at ``COUNT_CAP`` rows.

Django's ``Paginator`` counts every row of the list (``SELECT COUNT(*)``) on every page:
at a million entries that is a quarter of a second per visit, for a figure nobody reads
to the unit. Here the count reads at most ``COUNT_CAP + 1`` rows through the list's own
index (``SELECT COUNT(*) FROM (... LIMIT 10001)``): below the cap the list shows the exact
count and "Page N of M" as before; above it, "More than 10,000 transactions" and "Page N",
with Next as long as there is a next row (each page reads one row more than it shows). The
list's index carries the entry's kind (migration 0008), so the count and a page's ids are
index-only scans: page 200 of a million entries reads 5,000 index entries, not 5,000 rows.

A page's rows are read in one statement that picks the page's ids through the index
first (``unnest(ARRAY(SELECT id ... ORDER BY ... LIMIT 25 OFFSET n))``), then joins the account
and category of those 25 rows only, so page 200 does not join the 4,975 rows before it.

The statement of the list's ids (its filters and its order) is compiled once and serves both
the count and the page: ``read_rows`` (``apps.transactions.selectors.entries_by_ids``) reads
the page as a plain statement around it (issue 17: the ORM building the two statements was
about a tenth of a first visit's time).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections
from django.utils.functional import cached_property

from apps.core import formats

COUNT_CAP = 10_000


class CappedPage(Page):
    """A page of a list whose length past the cap is unknown: Next depends on whether a
    row follows this page, not on the number of pages."""

    def __init__(self, object_list, number, paginator, *, has_more: bool | None = None):
        super().__init__(object_list, number, paginator)
        self._has_more = has_more

    def has_next(self) -> bool:
        if self._has_more is not None:
            return self._has_more
        return super().has_next()


class CappedPaginator(Paginator):
    """A ``Paginator`` over an ordered queryset whose count stops at ``cap`` (see the module)."""

    def __init__(self, object_list, per_page, *, read_rows: Callable[[str, Sequence], list],
                 cap: int | None = None, **kwargs):
        """``read_rows(sql, params)``: the rows whose ids the statement ``sql`` lists, in its order."""
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap
        self.read_rows = read_rows

    @cached_property
    def _ids(self) -> tuple[str, tuple]:
        """The statement of the list's ids in its order, and its parameters (compiled once)."""
        return self.object_list.values("pk").query.sql_with_params()

    @cached_property
    def counted(self) -> int:
        """Rows counted, at most ``cap + 1`` (one more than the cap: "more than"). In the list's
        order: the first ``cap + 1`` entries of its index, read from the index alone (it carries
        what the list filters on), where an unordered count let the planner read them from the
        table through the owner's index."""
        sql, params = self._ids
        with connections[self.object_list.db].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql} LIMIT {self.cap + 1}) capped", params)  # noqa: S608 (the ORM's SQL)
            return cursor.fetchone()[0]

    @property
    def is_capped(self) -> bool:
        return self.counted > self.cap

    @property
    def cap_label(self) -> str:
        """The cap as the list says it, in the customer's locale: "10,000" (en), "10.000" (de)."""
        return formats.format_count(self.cap)

    @cached_property
    def count(self) -> int:
        """The exact count below the cap; the cap above it (the template says "more than")."""
        return min(self.counted, self.cap)

    def validate_number(self, number):
        if not self.is_capped:
            return super().validate_number(number)
        # Past the cap the number of pages is unknown: any page number is valid until its
        # page turns out empty (``page``).
        try:
            number = int(number)
        except (TypeError, ValueError):
            return super().validate_number(number)  # raises PageNotAnInteger
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def get_page(self, number):
        """As ``Paginator.get_page``; past the cap, a page number beyond the last row also gives
        the last page the count reached."""
        try:
            return super().get_page(number)
        except EmptyPage:
            return self.page(self.num_pages)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if not self.is_capped:
            top = bottom + self.per_page
            if top + self.orphans >= self.count:
                top = self.count
            return CappedPage(self._rows(bottom, top), number, self)
        rows = self._rows(bottom, bottom + self.per_page + 1)
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(rows[: self.per_page], number, self, has_more=len(rows) > self.per_page)

    def _rows(self, bottom: int, top: int) -> list:
        """The rows ``bottom:top`` of the list: their ids through the index, then those rows
        with what the queryset joins, in the list's order; one statement."""
        if top <= bottom:
            return []
        sql, params = self._ids
        return self.read_rows(f"{sql} LIMIT {top - bottom} OFFSET {bottom}", params)
