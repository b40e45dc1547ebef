"""One error type for bad input, so every face (CLI, sweeps, dashboard) reports it the same way."""


class ParameterError(ValueError):
    """A parameter is unknown, of the wrong type or out of range.

    The message always names the field, the value given and what is allowed, so a user can
    fix the input without reading the code.
    """

    def __init__(self, field: str, value: object, allowed: str):
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"parameter {field!r}: got {value!r}; allowed: {allowed}")
