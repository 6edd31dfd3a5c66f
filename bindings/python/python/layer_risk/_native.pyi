from datetime import date
from os import PathLike
from typing import Any, Iterable, Optional, Union

DEFAULT_MAX_LINE_BYTES: int
RULES_ENGINE_VERSION: str

_Body = Union[str, bytes]

class Scorer:
    """A rule set and an evaluation date: decides Plaid Layer responses.

    Thread-safe and immutable: create one per rules file and share it.
    """

    def __init__(
        self, rules: Optional[Union[str, "PathLike[str]"]] = None, *, as_of: Union[str, date]
    ) -> None: ...
    @classmethod
    def from_json(cls, text: str, name: str, *, as_of: Union[str, date]) -> "Scorer": ...
    @property
    def rules(self) -> dict[str, str]: ...
    @property
    def rules_json(self) -> str: ...
    @property
    def as_of(self) -> str: ...
    def assess(
        self, body: _Body, applicant: Optional[Union[dict[str, Any], str, bytes]] = None
    ) -> dict[str, Any]: ...
    def score_jsonl(self, data: _Body, jobs: int = 1) -> bytes: ...
    def score_lines(self, lines: Iterable[Optional[_Body]]) -> list[Optional[str]]: ...
