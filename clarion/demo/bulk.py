"""Bulk inserts for seeding: many rows in one statement, skipping the ORM's per-object work."""

from django.db import connection


def insert_rows(model, fields, rows):
    """INSERT rows of values for `fields` (fields or their names) with one executemany, each
    value prepared by its field for the database. `bulk_create` would spend most of a
    seeding run making model instances and compiling its SQL value by value."""
    if not rows:
        return
    fields = [model._meta.get_field(f) if isinstance(f, str) else f for f in fields]
    prepared = [
        [
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, row, strict=True)
        ]
        for row in rows
    ]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)
