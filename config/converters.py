"""Path converters for the site's addresses."""

from django.urls import register_converter


class RowIdConverter:
    """A row's id in an address: up to 18 digits, which any 64-bit id column holds. A longer
    number is "not found" at once, rather than a database error (SQLite cannot take it)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(RowIdConverter, "id")
