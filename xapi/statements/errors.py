"""The error every statement check raises, naming the field(s) that are wrong."""


class StatementValidationError(ValueError):
    """A statement does not follow the xAPI specification (or our profile).

    `errors` is a list of `(path, message)` pairs; `path` is a dotted field path such as
    `actor.account.name` or `[2].context.contextActivities.parent[0].id` (for a batch), so a
    client (or a developer) can see exactly which field to fix.
    """

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = list(errors) or [("", "invalid statement")]
        super().__init__("; ".join(f"{path or '<statement>'}: {msg}" for path, msg in self.errors))

    @property
    def paths(self) -> list[str]:
        return [path for path, _msg in self.errors]

    def prefixed(self, prefix: str) -> "StatementValidationError":
        """The same errors with `prefix` in front of every path (e.g. a batch index)."""
        return StatementValidationError(
            [
                (
                    f"{prefix}.{path}" if path and not path.startswith("[") else f"{prefix}{path}",
                    msg,
                )
                for path, msg in self.errors
            ]
        )


class StatementConflictError(ValueError):
    """A statement reuses the id of a stored statement with different content, or one stored
    for another school (xAPI 409). `taken`: the latter, told without saying whose it is."""

    def __init__(self, statement_id: str, *, taken: bool = False):
        self.statement_id = statement_id
        if taken:
            message = f"the statement id {statement_id} is already used; send a new id"
        else:
            message = f"statement {statement_id} already exists with different content"
        super().__init__(message)
