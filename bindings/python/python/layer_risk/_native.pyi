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
        self,
        body: _Body,
        applicant: Optional[Union[dict[str, Any], str, bytes]] = None,
        *,
        link: Optional[Union[dict[str, Any], str]] = None,
    ) -> dict[str, Any]: ...
    def score_jsonl(self, data: _Body, jobs: int = 1) -> bytes: ...
    def score_lines(
        self,
        lines: Iterable[Optional[_Body]],
        links: Optional[Iterable[Optional[Union[dict[str, Any], str]]]] = None,
    ) -> list[Optional[str]]: ...

_Keys = tuple[
    Optional[str], Optional[str], Optional[str], Optional[str], Optional[str], Optional[str],
    Optional[str], int,
]

def link_keys(
    lines: Iterable[Optional[_Body]], secret: bytes, default_time: int
) -> list[Optional[_Keys]]: ...

class SqliteLinkStore:
    """Link observations in one SQLite file, keyed with the caller's secret."""

    def __init__(
        self, path: Union[str, "PathLike[str]"], secret: bytes, *, retention_days: int = 400
    ) -> None: ...
    def observe(self, body: _Body, *, at: Optional[int] = None) -> dict[str, Any]: ...
    def erase(self, body: _Body) -> int: ...
    def purge(self, now: int) -> int: ...
    @property
    def key_id(self) -> str: ...
