"""Reading landing files: what changed since the last load, and their new lines in large chunks.

A file's state is the prefix already loaded (its length and hash). A file whose prefix is unchanged
and which grew loads only its new lines; one that shrank or whose prefix changed is replaced.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import xxhash

# Each flush commits its own row groups, the last one part-filled; larger flushes write fewer and fuller
# ones. Measured on the million-line benchmark: 64 MB flushes 17.4 s, 256 MB 12.7 s, for 1.4 GB against
# 1.9 GB of peak memory.
CHUNK_BYTES = 256 * 1024 * 1024
READ_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class FileState:
    """A file as the manifest last saw it."""

    path: str
    size_bytes: int
    mtime_ns: int
    loaded_bytes: int
    prefix_hash: str
    lines_total: int
    last_line_offset: int
    last_line_complete: bool
    duplicate_of: str | None


@dataclass
class FilePlan:
    """What this load does with one file."""

    source: str
    path: str
    size_bytes: int
    mtime_ns: int
    action: str  # new | appended | replaced | duplicate | touched
    read_from: int = 0
    first_line: int = 1
    retract_from_line: int | None = None  # rows of this file from this line on are deleted first
    duplicate_of: str | None = None
    previous: FileState | None = None
    hasher: xxhash.xxh3_128 = field(default_factory=xxhash.xxh3_128)
    hashed_until: int = 0
    # New or replaced and smaller than a chunk: read whole with other such files, and hashed from that read.
    read_whole: bool = False


@dataclass
class Segment:
    """A run of consecutive lines of one file, read in one chunk."""

    plan: FilePlan
    lines: pa.Array  # binary_view (large_binary for a buffer of 2 GiB or more), without the trailing newline
    first_line: int
    end_offset: int
    last_line_offset: int
    last_line_complete: bool
    prefix_hash: str
    is_first: bool

    @property
    def last_line(self) -> int:
        return self.first_line + len(self.lines) - 1

    @property
    def nbytes(self) -> int:
        return self.lines.nbytes


def hash_prefix(path: str, length: int, hasher: xxhash.xxh3_128) -> int:
    """Feeds the first `length` bytes of a file to `hasher`; returns how many bytes it read."""
    done = 0
    with open(path, "rb") as handle:  # noqa: PTH123
        while done < length:
            block = handle.read(min(READ_BYTES, length - done))
            if not block:
                break
            hasher.update(block)
            done += len(block)
    return done


def plan_file(
    source: str, key: str, state: FileState | None, known: dict[tuple[int, str], str], read_whole_below: int = 0
) -> FilePlan | None:
    """Decides what to do with a file, or None when it has not changed since the last load. A new or replaced
    file smaller than `read_whole_below` bytes is hashed when it is read (`read_whole`), not here: reading every
    new file twice cost more than hashing it."""
    stat = os.stat(key)  # noqa: PTH116 (a Path per file costs more than the stat)
    plan = FilePlan(
        source=source, path=key, size_bytes=stat.st_size, mtime_ns=stat.st_mtime_ns, action="new", previous=state
    )
    # Unchanged, and loaded to its end: a load that stopped between two chunks of a file (killed, or a later
    # flush failed) left its size and time as they are, with only the lines before that chunk loaded.
    if (
        state is not None
        and state.size_bytes == stat.st_size
        and state.mtime_ns == stat.st_mtime_ns
        and state.loaded_bytes == stat.st_size
    ):
        return None
    if state is not None and stat.st_size >= state.loaded_bytes:
        plan.hashed_until = hash_prefix(key, state.loaded_bytes, plan.hasher)
        if plan.hasher.hexdigest() == state.prefix_hash:
            plan.duplicate_of = state.duplicate_of
            if stat.st_size == state.loaded_bytes:
                plan.action = "touched"
                return plan
            plan.action = "appended"
            if state.last_line_complete:
                plan.read_from, plan.first_line = state.loaded_bytes, state.lines_total + 1
            else:
                # The last line was cut short when it was loaded: load it again, whole this time.
                plan.read_from, plan.first_line = state.last_line_offset, state.lines_total
                plan.retract_from_line = state.lines_total
            return plan
        plan.hasher.reset()
        plan.hashed_until = 0
    if state is not None:
        # Shrunk or rewritten: the file as it is now replaces everything loaded from it before.
        plan.action, plan.retract_from_line = "replaced", 1
    if 0 < stat.st_size < read_whole_below:
        plan.read_whole = True
    elif stat.st_size > 0:
        plan.hashed_until = hash_prefix(key, stat.st_size, plan.hasher)
        find_copy(plan, known)
    return plan


def find_copy(plan: FilePlan, known: dict[tuple[int, str], str]) -> None:
    """The whole file's hash finds a copy of a file already loaded (or met earlier in this load), and is the
    prefix hash once it loads."""
    key = (plan.hashed_until, plan.hasher.hexdigest())
    original = known.get(key)
    if original is not None and original != plan.path:
        plan.action, plan.duplicate_of = "duplicate", original
    else:
        known[key] = plan.path


# A binary_view value holds a line of up to 12 bytes itself; a longer one is its length, its first 4 bytes, and
# where it starts in the buffer (a 32-bit offset: a buffer of 2 GiB or more, one line longer than that, is split
# by copying, as large_binary).
VIEW_INLINE_BYTES = 12
VIEW_MAX_BUFFER = 2**31
NEWLINE_SCAN_BYTES = 4 * 1024 * 1024


def _newlines(raw: np.ndarray) -> np.ndarray:
    """Where the b'\\n' bytes are, found a few MB at a time: one comparison over the whole buffer would first
    allocate a mask as large as it."""
    step = NEWLINE_SCAN_BYTES
    found = [np.flatnonzero(raw[at : at + step] == 10) + at for at in range(0, len(raw), step)]
    return np.concatenate(found) if found else np.zeros(0, np.int64)


def _split_lines(data: bytes | bytearray, length: int) -> tuple[pa.Array, np.ndarray]:
    """Splits data[:length] on b'\\n': the lines (without their newline) and their lengths in bytes.

    The lines are an Arrow binary_view array over `data` itself: each line is a view (its length and offset,
    or the line itself when short), so no line is copied. Splitting into a new buffer (Arrow's split_pattern)
    cost 1.4-1.7 s a 256 MB chunk, mostly in touching the new buffer's memory for the first time; this is
    ~0.1 s. `data` stays alive as long as the lines do."""
    raw = np.frombuffer(data, np.uint8, count=length)
    ends = _newlines(raw)
    starts = np.concatenate(([0], ends + 1))
    lengths = np.concatenate((ends, [length])) - starts
    if length >= VIEW_MAX_BUFFER:
        return _split_lines_copied(data, length), lengths
    count = len(starts)
    # The first 12 bytes from each line's start (zeros past its end): the whole of a short line, the prefix of a
    # long one, where its buffer index (0) and offset then overwrite the last 8.
    head = raw[np.minimum(starts[:, None] + np.arange(VIEW_INLINE_BYTES), max(length - 1, 0))] if length else (
        np.zeros((count, VIEW_INLINE_BYTES), np.uint8))  # fmt: skip
    head[np.arange(VIEW_INLINE_BYTES) >= lengths[:, None]] = 0
    views = np.zeros((count, 4), np.int32)
    views[:, 0] = lengths
    views[:, 1:].view(np.uint8)[:] = head
    long = lengths > VIEW_INLINE_BYTES
    views[long, 2] = 0
    views[long, 3] = starts[long]
    return pa.Array.from_buffers(pa.binary_view(), count, [None, pa.py_buffer(views), pa.py_buffer(data)]), lengths


def _split_lines_copied(data: bytes | bytearray, length: int) -> pa.Array:
    """Splits data[:length] on b'\\n' into a new large_binary buffer: for a buffer too large for views."""
    whole = pa.LargeBinaryArray.from_buffers(
        pa.large_binary(), 1, [None, pa.array([0, length], pa.int64()).buffers()[1], pa.py_buffer(data)]
    )
    return pc.split_pattern(whole, pattern=b"\n").flatten()


def read_whole_files(
    plans: list[FilePlan], known: dict[tuple[int, str], str]
) -> tuple[list[Segment], list[tuple[FilePlan, OSError]]]:
    """The lines of whole files (each smaller than a chunk, planned `read_whole`), one segment per file that has
    any, split in one Arrow call: one call per file cost more than the splitting itself on 9,000 small
    transcripts. Each file is hashed as it is read, which finds the copies among them (`find_copy`).

    The files are read into one buffer, each ending in a newline (one is added after an unterminated last
    line), so the buffer splits into exactly their lines. Reading stops at the planned size. A file that cannot
    be read (gone since it was planned, refused) is returned apart with its error.
    """
    unreadable: list[tuple[FilePlan, OSError]] = []
    buffer = bytearray(sum(plan.size_bytes + 1 for plan in plans))
    view = memoryview(buffer)
    read: list[tuple[FilePlan, int, bool]] = []  # plan, bytes read, last line complete
    file_ends: list[int] = []  # where each file's bytes end in the buffer, past its last newline
    end = 0
    for plan in plans:
        try:
            with open(plan.path, "rb") as handle:  # noqa: PTH123 (a Path per file costs more than the open)
                size = handle.readinto(view[end : end + plan.size_bytes])
        except OSError as error:
            unreadable.append((plan, error))
            continue
        if not size:
            continue
        plan.hasher.update(view[end : end + size])
        plan.hashed_until = size
        find_copy(plan, known)
        complete = buffer[end + size - 1] == ord("\n")
        end += size
        if not complete:
            buffer[end] = ord("\n")
            end += 1
        read.append((plan, size, complete))
        file_ends.append(end)
    view.release()
    if not read:
        return [], unreadable
    lines, lengths = _split_lines(buffer, end - 1)
    # Every file ends where a line ends: the lines through each file, from where the lines end.
    through = np.searchsorted(np.cumsum(lengths + 1), file_ends) + 1
    segments: list[Segment] = []
    start = 0
    for (plan, size, complete), stop in zip(read, through.tolist(), strict=True):
        segments.append(
            Segment(
                plan=plan,
                lines=lines.slice(start, stop - start),
                first_line=1,
                end_offset=size,
                last_line_offset=size - int(lengths[stop - 1]) - (1 if complete else 0),
                last_line_complete=complete,
                prefix_hash=plan.hasher.hexdigest(),
                is_first=True,
            )
        )
        start = stop
    return segments, unreadable


def read_segments(path: Path, plan: FilePlan, chunk_bytes: int = CHUNK_BYTES) -> Iterator[Segment]:
    """Yields the file's lines from `plan.read_from` to its planned size, chunk by chunk, at line boundaries.

    Reading stops at the size seen when planning, so a file still being written is cut at a consistent
    point; its unterminated last line is reloaded whole by a later load.
    """
    offset, line_number, first = plan.read_from, plan.first_line, True
    pending = b""
    with path.open("rb") as handle:
        handle.seek(plan.read_from)
        while True:
            block = handle.read(max(0, min(chunk_bytes, plan.size_bytes - handle.tell())))
            data = pending + block
            if block:
                cut = data.rfind(b"\n") + 1
                if cut == 0:  # one line longer than a chunk: keep reading until it ends
                    pending = data
                    continue
            elif not data:
                return
            else:
                cut = len(data)
            body, pending = data[:cut], data[cut:]
            end = offset + len(body)
            if end > plan.hashed_until:
                # The prefix hash covers exactly the bytes accounted for so far.
                plan.hasher.update(body[plan.hashed_until - offset :])
                plan.hashed_until = end
            complete = body.endswith(b"\n")
            lines, lengths = _split_lines(body, len(body) - 1 if complete else len(body))
            last_len = int(lengths[-1])
            yield Segment(
                plan=plan,
                lines=lines,
                first_line=line_number,
                end_offset=end,
                last_line_offset=end - last_len - (1 if complete else 0),
                last_line_complete=complete,
                prefix_hash=plan.hasher.hexdigest(),
                is_first=first,
            )
            offset, line_number, first = end, line_number + len(lines), False
            if not block:
                return
