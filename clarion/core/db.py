"""Database helpers shared by the apps' querysets."""

from django.db.models import BooleanField, Expression


class TrueLiteral(Expression):
    """`TRUE` written into the SQL rather than bound as a parameter.

    SQLite plans `page.live = ?` (and `= TRUE`) as a scan of every page followed by a sort,
    but `page.live = 1` as a walk down the newest-first index that stops at the LIMIT:
    0.1 s against 0.1 ms for the latest articles at 100,000 articles."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection):
        return "TRUE", []

    def as_sqlite(self, compiler, connection):
        return "1", []
