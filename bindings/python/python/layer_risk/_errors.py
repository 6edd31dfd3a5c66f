"""The exceptions layer_risk raises. Their messages locate the problem and never quote input
values (no SSN, name or token reaches a log through them)."""

from typing import Optional

__all__ = ["LayerRiskError", "ParseError", "RulesError"]


class LayerRiskError(ValueError):
    """Base of layer_risk's errors: a located, stable-coded problem with the input.

    Attributes:
        code: a stable, machine-readable code (``truncated``, ``wrong_type``, ``schema``...).
        line: 1-based line within the parsed text (1 for a one-line body).
        column: 1-based column (bytes) within that line.
        path: the field path where it was found (``identity.name.first_name``), or None.
    """

    code: str
    line: int
    column: int
    path: Optional[str]

    def __init__(self, message: str, code: str, line: int, column: int, path: Optional[str]):
        super().__init__(message)
        self.code = code
        self.line = line
        self.column = column
        self.path = path

    def __reduce__(self):  # picklable (Spark ships exceptions between processes)
        return (type(self), (str(self), self.code, self.line, self.column, self.path))


class ParseError(LayerRiskError):
    """The body is not a Plaid Layer response (or the applicant is not an applicant).

    >>> import layer_risk
    >>> s = layer_risk.Scorer(as_of="2026-11-22")
    >>> try:
    ...     s.assess('{"identity": ')
    ... except layer_risk.ParseError as e:
    ...     print(e.code, e.line, e.column)
    truncated 1 13
    """


class RulesError(LayerRiskError):
    """A rules file that cannot be used: unreadable (``io``), not JSON (``syntax``), the wrong
    shape (``schema``), meaningless (``semantic``) or leaving finding codes unpriced
    (``unpriced``). The message starts ``file:line:column:``.

    >>> import layer_risk
    >>> try:
    ...     layer_risk.Scorer.from_json('{"name": "x", "versoin": "1"}', "x.json", as_of="2026-11-22")
    ... except layer_risk.RulesError as e:
    ...     print(e.code, e.line, e.column)
    schema 1 23
    """
