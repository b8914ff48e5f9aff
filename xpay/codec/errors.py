"""The codec's one exception type."""

from __future__ import annotations


class CodecError(ValueError):
    """Bad input to the binary or address codec: a truncated or malformed blob, an unknown field,
    a value of the wrong JSON type, a bad checksum.

    Carries the byte offset into the blob and the field name where they are known, so an API
    can say exactly what was wrong (`Amount at byte 14: ...`).
    """

    __slots__ = ("field", "message", "offset")

    def __init__(self, message: str, *, offset: int | None = None, field: str | None = None):
        self.message = message
        self.offset = offset
        self.field = field
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.field is not None:
            where.append(self.field)
        if self.offset is not None:
            where.append(f"at byte {self.offset}")
        return f"{' '.join(where)}: {self.message}" if where else self.message

    def __str__(self) -> str:
        return self._render()

    def in_field(self, field: str) -> CodecError:
        """This error with an enclosing field named: the innermost field wins, the outer ones
        form a path (`Memos.Memo.MemoData`)."""
        path = field if self.field is None else f"{field}.{self.field}"
        return CodecError(self.message, offset=self.offset, field=path)
