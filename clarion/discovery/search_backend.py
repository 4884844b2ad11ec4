"""Wagtail's database search backend, with headline matches ranked first on SQLite too.

On PostgreSQL, Wagtail ranks with ts_rank over weighted title and body vectors. Its SQLite
(FTS5) backend calls bm25() without column weights, so a word once in a long body could
outrank the same word in a headline. FTS5's bm25() takes a weight per column, in the order
the index table declares them: (autocomplete, body, title)."""

from django.db import connection
from modelsearch.backends.database import SearchBackend as choose_database_backend

AUTOCOMPLETE_WEIGHT, BODY_WEIGHT, TITLE_WEIGHT = 1.0, 1.0, 10.0


def SearchBackend(params):  # noqa: N802 (the name Wagtail looks for)
    backend = choose_database_backend(params)
    if connection.vendor == "sqlite":
        from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend

        if isinstance(backend, SQLiteSearchBackend):  # not the no-FTS5 fallback
            return weighted_sqlite_backend()(params)
    return backend


def weighted_sqlite_backend():
    # Imported only on SQLite: these modules load models that exist only there.
    from modelsearch.backends.database.sqlite.query import BM25
    from modelsearch.backends.database.sqlite.sqlite import (
        SQLiteSearchBackend,
        SQLiteSearchQueryCompiler,
    )

    class WeightedBM25(BM25):
        def as_sql(self, compiler, connection, function=None, template=None):
            sql, params = super().as_sql(compiler, connection)
            weights = f"{AUTOCOMPLETE_WEIGHT}, {BODY_WEIGHT}, {TITLE_WEIGHT}"
            return sql.replace(")", f", {weights})", 1), params

    def weighted(expression):
        """Swap every plain bm25() in a rank expression for the column-weighted one."""
        if type(expression) is BM25:
            return WeightedBM25()
        if hasattr(expression, "get_source_expressions"):
            expression = expression.copy()
            expression.set_source_expressions(
                [weighted(e) for e in expression.get_source_expressions()]
            )
        return expression

    class WeightedSQLiteQueryCompiler(SQLiteSearchQueryCompiler):
        def build_tsrank(self, vector, query, config=None, boost=1.0):
            return weighted(super().build_tsrank(vector, query, config=config, boost=boost))

    class WeightedSQLiteSearchBackend(SQLiteSearchBackend):
        query_compiler_class = WeightedSQLiteQueryCompiler

    return WeightedSQLiteSearchBackend
