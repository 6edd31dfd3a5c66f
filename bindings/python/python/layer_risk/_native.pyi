from datetime import date
from os import PathLike
from typing import Any, Iterable, Optional, Union

DEFAULT_MAX_LINE_BYTES: int
RULES_ENGINE_VERSION: str

_Body = Union[str, bytes]
_Path = Union[str, "PathLike[str]"]
_Date = Union[str, date]
# A part beside the body: the JSON as received (str or bytes), or a dict (json.dumps'd).
_Part = Union[dict[str, Any], str, bytes]

class Scorer:
    """A rule set and an evaluation date: decides Plaid Layer responses.

    Thread-safe and immutable: create one per rules file and share it.
    """

    def __init__(
        self,
        rules: Optional[_Path] = None,
        *,
        as_of: _Date,
        shadow: Optional[_Path] = None,
        rollout: Optional[_Path] = None,
        rollout_share: Optional[float] = None,
    ) -> None: ...
    @classmethod
    def from_json(cls, text: str, name: str, *, as_of: _Date) -> "Scorer": ...
    def with_shadow(self, other: "Scorer") -> "Scorer": ...
    def with_rollout(self, other: "Scorer", share: float) -> "Scorer": ...
    def without_challenger(self) -> "Scorer": ...
    def with_as_of(self, as_of: _Date) -> "Scorer": ...
    @property
    def rules(self) -> dict[str, str]: ...
    @property
    def rules_json(self) -> str: ...
    @property
    def shadow_rules(self) -> Optional[dict[str, str]]: ...
    @property
    def shadow_rules_json(self) -> Optional[str]: ...
    @property
    def rollout_share(self) -> Optional[float]: ...
    @property
    def as_of(self) -> str: ...
    def assess(
        self,
        body: _Body,
        applicant: Optional[_Part] = None,
        *,
        protect: Optional[_Part] = None,
        identity_match: Optional[_Part] = None,
        identity_verification: Optional[_Part] = None,
        rollout_key: Optional[str] = None,
        link: Optional[Union[dict[str, Any], str]] = None,
    ) -> dict[str, Any]: ...
    def score_jsonl(self, data: _Body, jobs: int = 1) -> bytes: ...
    def score_arrow(self, lines: Any) -> "ArrowRecords": ...
    def score_lines(
        self,
        lines: Iterable[Optional[_Body]],
        links: Optional[Iterable[Optional[Union[dict[str, Any], str]]]] = None,
    ) -> list[Optional[str]]: ...

class ArrowRecords:
    """Decision records as an Arrow utf8 array (null for a blank or null line)."""

    def __arrow_c_array__(self, requested_schema: Any = None) -> tuple[Any, Any]: ...
    def __len__(self) -> int: ...
    @property
    def null_count(self) -> int: ...

class LiveScorer:
    """A Scorer that can be replaced while threads use it (reloads never mix rule sets)."""

    def __init__(self, scorer: Scorer) -> None: ...
    @property
    def current(self) -> Scorer: ...
    def replace(self, scorer: Scorer) -> Scorer: ...
    def reload(self, rules: Optional[_Path] = None) -> dict[str, str]: ...
    def reload_json(self, text: str, name: str) -> dict[str, str]: ...
    def set_as_of(self, as_of: _Date) -> None: ...
    def assess(
        self,
        body: _Body,
        applicant: Optional[_Part] = None,
        *,
        protect: Optional[_Part] = None,
        identity_match: Optional[_Part] = None,
        identity_verification: Optional[_Part] = None,
        rollout_key: Optional[str] = None,
        link: Optional[Union[dict[str, Any], str]] = None,
    ) -> dict[str, Any]: ...
    def score_jsonl(self, data: _Body, jobs: int = 1) -> bytes: ...
    def score_arrow(self, lines: Any) -> "ArrowRecords": ...
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
