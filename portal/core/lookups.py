"""``field__any=values``: membership in a long list, bound as one parameter on PostgreSQL.

``field__in`` writes one placeholder per value, and the driver splits, binds and the server
parses each one: for the thousand users of a push that is milliseconds on every delivery.
``field__any`` sends ``field = ANY(%s)`` with the values as one array; on other databases it
is ``field__in``. Same rows either way (``None`` matches nothing in both)."""

from __future__ import annotations

from django.db.models import Field, ForeignObject, Lookup
from django.db.models.lookups import In


@ForeignObject.register_lookup  # its own lookups do not inherit Field's
@Field.register_lookup
class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        return In(self.lhs, list(self.rhs)).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_prep_value(value) for value in self.rhs if value is not None]
        return f"{lhs} = ANY(%s)", [*lhs_params, values]
