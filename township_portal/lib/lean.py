"""Hand-written SELECTs for the page asked for most, read without the ORM's query compiler.

Django builds and compiles a queryset anew on every request. For the item page (a crawler
asks for each item once, so no cache spares it) that took about 4 ms of an 8 ms page on
PostgreSQL, against 0.5 ms to run its queries. A ``Select`` names a model, some of its
columns and the rest of the statement once; per database it writes the SQL once, adapts
date and time parameters and converts the values read the way the ORM does (SQLite keeps
times as text and booleans as integers), and returns model instances (``Model.from_db``)
holding those columns: any other is read on first use, as with ``QuerySet.only``.

It reads on the database the routers name for the model, so public reads still go to the
replica when one is configured.

A request's first statement on a persistent connection is also its health check. Django
checks such a connection with a ``SELECT 1`` of its own before the first query of each
request (``CONN_HEALTH_CHECKS``): a round trip as long as the page's own statements. A
``Select`` that is a request's first use of its connection runs its statement instead, and
only if that fails and the connection is found unusable, does what the check would have done:
it closes the connection and runs the statement once more on a new one. Nothing was done on
the old connection in that request, so running the read again is safe.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections, router

# JSON functions a statement may name as {json_array} and {json_agg}, per database.
JSON_FUNCTIONS = {
    "postgresql": {"json_array": "json_build_array", "json_agg": "json_agg"},
    "sqlite": {"json_array": "json_array", "json_agg": "json_group_array"},
}


@dataclass
class _Compiled:
    sql: str
    attnames: list[str]
    converters: list[tuple[int, list, object]]
    # PostgreSQL: the statement prepared once per connection, and how to execute it.
    prepare: str = ""
    execute: str = ""


@dataclass
class Select:
    """``SELECT {columns} FROM {table} ...``: ``statement`` may name them several times (a UNION).

    ``fields`` are model field names; ``statement`` uses ``%s`` for its parameters. Values the
    statement selects after the columns are set on each instance under the names in ``extras``;
    ``{json_array}`` and ``{json_agg}`` name the database's JSON functions, whose values
    ``json_value`` reads alike on both.
    """

    model: type
    fields: tuple[str, ...]
    statement: str
    extras: tuple[str, ...] = ()
    _compiled: dict[str, _Compiled] = field(default_factory=dict, repr=False)

    def __call__(self, *params) -> list:
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        compiled = self._compiled.get(alias) or self._compile(alias)
        params = [_adapted(connection, value) for value in params]
        # The request's first use of a persistent connection: this statement is its health check.
        checking = (
            connection.connection is not None
            and connection.health_check_enabled
            and not connection.health_check_done
            and not connection.in_atomic_block
        )
        if checking:
            connection.health_check_done = True
        try:
            rows = _rows(connection, compiled, params)
        except (OperationalError, InterfaceError):
            if not checking or connection.is_usable():
                raise
            connection.close()  # it died while idle (a database restart): what the check does
            rows = _rows(connection, compiled, params)
        instances, width = [], len(compiled.attnames)
        for row in rows:
            values = list(row[:width])
            for index, converters, expression in compiled.converters:
                for converter in converters:
                    values[index] = converter(values[index], expression, connection)
            instance = self.model.from_db(alias, compiled.attnames, values)
            for name, value in zip(self.extras, row[width:], strict=True):
                setattr(instance, name, value)
            instances.append(instance)
        return instances

    def _compile(self, alias: str) -> _Compiled:
        connection = connections[alias]
        meta, quote = self.model._meta, connection.ops.quote_name
        wanted = {meta.get_field(name) for name in self.fields}
        # In the model's own order: from_db() matches values to fields by position.
        chosen = [f for f in meta.concrete_fields if f in wanted]
        if len(chosen) != len(wanted):
            raise ValueError(f"not a column of {meta.label}: {sorted(self.fields)}")
        converters = []
        for index, model_field in enumerate(chosen):
            expression = model_field.get_col(meta.db_table)
            found = connection.ops.get_db_converters(expression) + model_field.get_db_converters(connection)
            if found:
                converters.append((index, found, expression))
        columns = ", ".join(f"{quote(meta.db_table)}.{quote(f.column)}" for f in chosen)
        sql = self.statement.format(columns=columns, table=quote(meta.db_table), **JSON_FUNCTIONS[connection.vendor])
        compiled = _Compiled(sql=sql, attnames=[f.attname for f in chosen], converters=converters)
        if connection.vendor == "postgresql" and settings.DB_PREPARED_STATEMENTS:
            parts = sql.split("%s")
            name = "lean_" + hashlib.sha256(sql.encode()).hexdigest()[:16]
            numbered = "".join(f"{part}${number}" for number, part in enumerate(parts[:-1], 1)) + parts[-1]
            compiled.prepare = f"PREPARE {name} AS {numbered}"
            compiled.execute = f"EXECUTE {name} ({', '.join(['%s'] * (len(parts) - 1))})"
        self._compiled[alias] = compiled
        return compiled


def json_value(value):
    """A value of a {json_array} or {json_agg}: PostgreSQL's driver reads JSON, SQLite gives its text."""
    return json.loads(value) if isinstance(value, str) else value


def _rows(connection, compiled: _Compiled, params: list) -> list:
    with connection.cursor() as cursor:
        sql = _prepared(connection, compiled) if compiled.prepare else compiled.sql
        cursor.execute(sql, params)
        return cursor.fetchall()


def _prepared(connection, compiled: _Compiled) -> str:
    """EXECUTE of the statement, prepared on this connection first if it is not yet."""
    raw = connection.connection
    state = connection.__dict__.get("_lean_prepared")
    if state is None or state[0] is not raw:  # a new connection knows no statement
        state = connection.__dict__["_lean_prepared"] = (raw, set())
    if compiled.prepare not in state[1]:
        with raw.cursor() as cursor:
            cursor.execute(compiled.prepare)
        state[1].add(compiled.prepare)
    return compiled.execute


def _adapted(connection, value):
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value
