"""Names as the file spells them: the bytes of a button field's state names, read from the file
itself, and the name object that writes them back.

pypdf decodes a name's bytes (UTF-8, else GBK, else Latin-1) and writes every name back as
UTF-8: a form's /S#ED (Sí in a single-byte encoding) would come out as /S#C3#AD, another name
to pdftk and to the /AP keys the writer did not rewrite. Button state names are therefore read
from the file's own bytes, and written back with them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pypdf.generic import DictionaryObject, IndirectObject, NameObject

from formfill.pdf.fields import Field

_NAME_DELIMS = b"()<>[]{}/%"
_WHITE = b" \t\r\n\f\x00"
_REF = re.compile(rb"(\d+)\s+(\d+)\s+R(?![^\s()<>\[\]{}/%])")
_OBJ_HEAD = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj")


class RawName(NameObject):
    """A name that writes the bytes the file spelt it with; equal to pypdf's decoded name."""

    raw: bytes

    def __new__(cls, name: str, raw: bytes) -> RawName:
        obj = super().__new__(cls, name)
        obj.raw = raw
        return obj

    def renumber(self) -> bytes:
        return b"/" + b"".join(
            f"#{b:02X}".encode() if b > 126 or b < 33 or b in b"#()<>[]{}/%" else bytes([b])
            for b in self.raw
        )


def spelling(raw: bytes) -> str:
    """How a name's bytes look written in a PDF: b'S\\xed' -> '/S#ED'."""
    return RawName("/", raw).renumber().decode("ascii")


def decoded_name(raw: bytes) -> str:
    """The name pypdf reads for these bytes (its own order of encodings)."""
    for enc in getattr(NameObject, "CHARSETS", ("utf-8", "gbk", "latin1")):
        try:
            return "/" + raw.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    return "/" + raw.decode("latin-1")


def name_bytes(name: str) -> bytes:
    """The bytes behind a name as pypdf decoded it: a RawName's own; else the encoding pypdf
    must have read (UTF-8 unless the text only encodes as GBK, which pypdf tries second)."""
    raw = getattr(name, "raw", None)
    if isinstance(raw, bytes):
        return raw
    text = str(name)[1:]
    if not text.isascii():
        try:
            gbk = text.encode("gbk")
        except UnicodeEncodeError:
            return text.encode("utf-8")
        try:
            gbk.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text.encode("latin-1")
            except UnicodeEncodeError:
                return gbk  # e.g. 'Ace鎟t': the file had single bytes pypdf read as GBK
    return text.encode("utf-8")


def readings(name: str) -> frozenset[str]:
    """The texts a value may give to choose a state: pypdf's decoding, and where the bytes are
    not UTF-8, their single-byte readings (Windows-1252, Latin-1). pypdf reads /S#E6rbo as GBK
    ('S鎟bo'); a form in a single-byte encoding meant 'Særbo'."""
    out = {str(name)[1:]}
    raw = name_bytes(name)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        for enc in ("cp1252", "latin-1"):
            try:
                out.add(raw.decode(enc))
            except UnicodeDecodeError:
                continue
    return frozenset(out)


class _Name(bytes):
    """A name token of a raw object: its bytes with #xx undone, without the slash."""


class _RawReader:
    """Just enough of the PDF object syntax to see a dictionary's names as bytes."""

    def __init__(self, data: bytes, pos: int) -> None:
        self.data = data
        self.pos = pos

    def _skip(self) -> None:
        data, n = self.data, len(self.data)
        while self.pos < n:
            c = data[self.pos]
            if c in _WHITE:
                self.pos += 1
            elif c == 0x25:  # % comment
                while self.pos < n and data[self.pos] not in b"\r\n":
                    self.pos += 1
            else:
                return

    def value(self, depth: int = 0) -> object:
        self._skip()
        data, pos = self.data, self.pos
        if pos >= len(data) or depth > 32:
            raise ValueError("truncated object")
        c = data[pos]
        if c == 0x2F:  # /name
            end = pos + 1
            while end < len(data) and data[end] not in _WHITE and data[end] not in _NAME_DELIMS:
                end += 1
            self.pos = end
            return _Name(NameObject.unnumber(data[pos + 1 : end]))
        if data.startswith(b"<<", pos):
            self.pos += 2
            out: dict[bytes, object] = {}
            while True:
                self._skip()
                if self.data.startswith(b">>", self.pos):
                    self.pos += 2
                    return out
                key = self.value(depth + 1)
                if not isinstance(key, _Name):
                    raise ValueError("dictionary key is not a name")
                out[key] = self.value(depth + 1)
        if c == 0x3C:  # <hex string>
            self.pos = data.index(b">", pos) + 1
            return None
        if c == 0x28:  # (literal string)
            level, i = 0, pos
            while True:
                ch = data[i]
                if ch == 0x5C:
                    i += 2
                    continue
                level += (ch == 0x28) - (ch == 0x29)
                i += 1
                if level == 0:
                    self.pos = i
                    return None
        if c == 0x5B:  # [array]
            self.pos += 1
            items: list[object] = []
            while True:
                self._skip()
                if self.data.startswith(b"]", self.pos):
                    self.pos += 1
                    return items
                items.append(self.value(depth + 1))
        m = _REF.match(data, pos)
        if m:
            self.pos = m.end()
            return (int(m.group(1)), int(m.group(2)))
        end = pos
        while end < len(data) and data[end] not in _WHITE and data[end] not in _NAME_DELIMS:
            end += 1
        if end == pos:
            raise ValueError(f"unexpected byte {data[pos : pos + 1]!r}")
        self.pos = end
        return data[pos:end]


class RawObjects:
    """The objects of a parsed document as their own bytes spell them (names undecoded)."""

    def __init__(self, reader: Any, data: bytes) -> None:
        self.reader = reader
        self.data = data
        self._streams: dict[int, tuple[bytes, dict[int, int]]] = {}

    def get(self, ref: tuple[int, int] | None) -> object:
        """The object ``ref`` as nested dicts, lists, names (bytes) and (num, gen) references;
        None when it cannot be found or read (then callers fall back to pypdf's names)."""
        if ref is None:
            return None
        num, gen = ref
        try:
            if gen == 0 and num in self.reader.xref_objStm:
                data, at = self._object_stream(self.reader.xref_objStm[num][0])
                return _RawReader(data, at[num]).value()
            off = self.reader.xref.get(gen, {}).get(num)
            if off is None:
                return None
            m = _OBJ_HEAD.match(self.data, off)
            if m is None or (int(m.group(1)), int(m.group(2))) != (num, gen):
                return None
            return _RawReader(self.data, m.end()).value()
        except (ValueError, IndexError, KeyError, TypeError):
            return None

    def _object_stream(self, stmnum: int) -> tuple[bytes, dict[int, int]]:
        if stmnum not in self._streams:
            stm = self.reader.get_object(stmnum)
            data = stm.get_data()
            first = int(stm["/First"])
            head = data[:first].split()
            at = {int(head[i]): first + int(head[i + 1]) for i in range(0, len(head) - 1, 2)}
            self._streams[stmnum] = (data, at)
        return self._streams[stmnum]

    def resolve(self, value: object) -> object:
        if isinstance(value, tuple):
            return self.get(value)
        return value


@dataclass
class ButtonBytes:
    """How the file spells one button field: /V and, per widget, /AS and the /AP state keys
    (/N, /D, /R), as name bytes; None where it cannot tell or the name is absent."""

    v: bytes | None = None
    widgets: list[tuple[bytes | None, dict[str, list[bytes]]]] = field(default_factory=list)

    def spellings(self) -> dict[str, bytes]:
        """pypdf's name -> bytes, for every name of the field pypdf would write differently."""
        return {k: v for k, v in self.names().items() if v != k[1:].encode("utf-8")}

    def names(self) -> dict[str, bytes]:
        """pypdf's name -> the bytes the file has for it, for every name of the field."""
        out: dict[str, bytes] = {}
        names: list[bytes | None] = []  # the /AP keys first: they are what a state is
        for _, ap in self.widgets:
            for keys in ap.values():
                names.extend(keys)
        names += [a for a, _ in self.widgets] + [self.v]
        for raw in names:
            if raw is None:
                continue
            out.setdefault(decoded_name(raw), raw)
        return out


def _obj_ref(obj: DictionaryObject) -> tuple[int, int] | None:
    ref = getattr(obj, "indirect_reference", None)
    return (ref.idnum, ref.generation) if isinstance(ref, IndirectObject) else None


def button_bytes(raw: RawObjects, f: Field) -> ButtonBytes:
    """The byte spelling of a button field's names (see ButtonBytes)."""
    out = ButtonBytes()
    fobj = raw.get(_obj_ref(f.obj))
    if isinstance(fobj, dict):
        v = fobj.get(b"V")
        out.v = v if isinstance(v, _Name) else None
    for w in f.widgets:
        wobj = raw.get(w.ref) if w.ref is not None else None
        if not isinstance(wobj, dict):
            out.widgets.append((None, {}))
            continue
        a = wobj.get(b"AS")
        keys: dict[str, list[bytes]] = {}
        ap = raw.resolve(wobj.get(b"AP"))
        if isinstance(ap, dict):
            for k in (b"N", b"D", b"R"):
                d = raw.resolve(ap.get(k))
                if isinstance(d, dict):
                    keys["/" + k.decode()] = [bytes(n) for n in d]
        out.widgets.append((bytes(a) if isinstance(a, _Name) else None, keys))
    return out
