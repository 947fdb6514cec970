"""Named numpy arrays in one file: written atomically, read memory-mapped where they lie.

The file is plain .npy records one after another (no zip layer, no checksums, unlike .npz), so a
reader maps the whole file once and views each record in place: opening the 190 MB signature
cache of 50,000 villages costs nothing until a value is read, and a one-village check reads only
the pages its queries touch. The arrays are read-only views; a changed table is a new array.
"""

from __future__ import annotations

import mmap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np

from generator.cache import atomic_file

HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}


def write_arrays(path: Path, arrays: Mapping[str, np.ndarray], names: Sequence[str]) -> None:
    """The arrays `names`, in this order, as one file at `path` (readers never see half of it)."""
    with atomic_file(path) as file:
        for name in names:
            np.lib.format.write_array(_Writes(file), np.ascontiguousarray(arrays[name]), allow_pickle=False)


class _Writes:
    """A file that numpy writes to through `write`, in chunks. Given the file itself, numpy writes
    it with C's fwrite and reports a full disk as "N requested and M written"; through Python's
    write it is "No space left on device", which the build's error message can say plainly."""

    def __init__(self, file: BinaryIO):
        self.write = file.write


def mapped_arrays(path: Path, names: Sequence[str]) -> dict[str, np.ndarray]:
    """The arrays `names` of a file `write_arrays` wrote, each a read-only view of the mapped file.

    Raises ValueError (or OSError) for a file that is short, damaged or of another layout: the
    caller's cache is then only a slower run."""
    with open(path, "rb") as file:
        mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)  # stays valid once the file closes
        arrays = {}
        for name in names:
            version = np.lib.format.read_magic(file)
            if version not in HEADER_READERS:
                raise ValueError(f"{path}: .npy version {version} is not one write_array makes")
            shape, fortran, dtype = HEADER_READERS[version](file)
            if dtype.hasobject:
                raise ValueError(f"{path}: {name} holds Python objects")
            count, start = int(np.prod(shape, dtype=np.int64)), file.tell()
            array = np.frombuffer(mapped, dtype=dtype, count=count, offset=start) if count else np.zeros(0, dtype)
            arrays[name] = array.reshape(shape, order="F" if fortran else "C")
            file.seek(start + count * dtype.itemsize)
    return arrays
