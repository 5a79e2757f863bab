"""Safe unpacking of server archives (.tar.gz, .tgz, .tar, .zip, .whl) into a temporary folder.

Archives come from strangers: a member may try to escape the folder (absolute paths, ``..``, links), a small
file may inflate to gigabytes, and a package may hold a million files. Every member is checked before a single
byte is written: regular files and folders only (links and devices are skipped and reported), paths must stay
inside the destination, and counts and sizes are capped from Settings. Sizes are enforced while copying, not
trusted from headers, so a lying header cannot get past the limits.
"""

from __future__ import annotations

import shutil
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from catalog.records import ExtractionProblem

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".zip", ".whl", ".tar.bz2", ".tar.xz")
COPY_CHUNK = 64 * 1024
# A member that inflates more than this many times its compressed size is a bomb, whatever the totals say.
MAX_RATIO = 200


class ArchiveError(Exception):
    """The archive cannot be read at all (corrupt, truncated, not an archive, over a hard limit)."""


@dataclass(frozen=True)
class ArchiveLimits:
    max_archive_bytes: int = 200 * 1024 * 1024  # total unpacked bytes
    max_archive_files: int = 50_000
    max_file_bytes: int = 8 * 1024 * 1024  # larger members are skipped (reported), not unpacked

    @classmethod
    def from_settings(cls, settings: object) -> ArchiveLimits:
        return cls(
            max_archive_bytes=int(getattr(settings, "max_archive_bytes", cls.max_archive_bytes)),
            max_archive_files=int(getattr(settings, "max_archive_files", cls.max_archive_files)),
            max_file_bytes=int(getattr(settings, "max_file_bytes", cls.max_file_bytes)),
        )


@dataclass
class UnpackResult:
    root: Path
    files: int = 0
    bytes: int = 0
    problems: list[ExtractionProblem] = field(default_factory=list)


def is_archive(path: Path) -> bool:
    return path.name.lower().endswith(ARCHIVE_SUFFIXES)


def safe_member_path(name: str) -> PurePosixPath | None:
    """The member's relative path, or None when it is absolute, climbs out with `..`, or is empty."""
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        return None
    if any("\x00" in p for p in parts):
        return None
    return PurePosixPath(*parts)


class _Budget:
    """Totals across the whole archive; raises ArchiveError when a hard limit is crossed."""

    def __init__(self, limits: ArchiveLimits) -> None:
        self.limits = limits
        self.files = 0
        self.bytes = 0

    def add_file(self) -> None:
        self.files += 1
        if self.files > self.limits.max_archive_files:
            raise ArchiveError(f"more than {self.limits.max_archive_files} files; refusing to unpack the rest")

    def add_bytes(self, n: int) -> None:
        self.bytes += n
        if self.bytes > self.limits.max_archive_bytes:
            raise ArchiveError(
                f"unpacks to more than {self.limits.max_archive_bytes} bytes (a decompression bomb or an "
                "oversized package); raise max_archive_bytes to allow it"
            )


def _copy_capped(src: IO[bytes], dest: Path, cap: int, budget: _Budget, compressed: int | None) -> bool:
    """Copy at most `cap` bytes; False (and nothing left on disk) when the member turns out larger."""
    written = 0
    ratio_cap = compressed * MAX_RATIO + COPY_CHUNK if compressed else None
    with open(dest, "wb") as fh:
        while True:
            chunk = src.read(COPY_CHUNK)
            if not chunk:
                break
            written += len(chunk)
            if written > cap or (ratio_cap is not None and written > ratio_cap):
                break
            budget.add_bytes(len(chunk))
            fh.write(chunk)
    if written > cap or (ratio_cap is not None and written > ratio_cap):
        dest.unlink(missing_ok=True)
        return False
    return True


def _target(dest: Path, rel: PurePosixPath) -> Path | None:
    """Where a member goes; None if the resolved path would leave `dest` (e.g. through a pre-existing link)."""
    target = dest.joinpath(*rel.parts)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        return None
    if not target.parent.resolve().is_relative_to(dest.resolve()):
        return None
    if target.is_symlink():
        return None
    return target


def _unpack_tar(archive: Path, dest: Path, limits: ArchiveLimits, result: UnpackResult) -> None:
    budget = _Budget(limits)
    try:
        tf = tarfile.open(archive, mode="r:*")  # noqa: SIM115 - closed by the with below
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise ArchiveError(f"not a readable tar archive ({exc})") from exc
    with tf:
        try:
            for member in tf:
                rel = safe_member_path(member.name)
                if rel is None:
                    result.problems.append(
                        ExtractionProblem(
                            f"{archive.name}:{member.name}", "unsafe member path (absolute or ..); refused"
                        )
                    )
                    continue
                if member.isdir():
                    continue
                if member.issym() or member.islnk():
                    result.problems.append(ExtractionProblem(f"{archive.name}:{rel}", "link member; not followed"))
                    continue
                if not member.isfile():
                    result.problems.append(ExtractionProblem(f"{archive.name}:{rel}", "special file; skipped"))
                    continue
                budget.add_file()
                if member.size > limits.max_file_bytes:
                    result.problems.append(
                        ExtractionProblem(f"{archive.name}:{rel}", f"file of {member.size} bytes over the size limit")
                    )
                    continue
                target = _target(dest, rel)
                if target is None:
                    result.problems.append(ExtractionProblem(f"{archive.name}:{rel}", "path escapes the folder"))
                    continue
                src = tf.extractfile(member)
                if src is None:
                    continue
                with src:
                    if not _copy_capped(src, target, limits.max_file_bytes, budget, None):
                        result.problems.append(ExtractionProblem(f"{archive.name}:{rel}", "file over the size limit"))
                        continue
                result.files += 1
        except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
            raise ArchiveError(f"corrupt or truncated tar archive ({exc})") from exc
    result.bytes = budget.bytes


def _unpack_zip(archive: Path, dest: Path, limits: ArchiveLimits, result: UnpackResult) -> None:
    budget = _Budget(limits)
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ArchiveError(f"not a readable zip archive ({exc})") from exc
    with zf:
        try:
            for info in zf.infolist():
                rel = safe_member_path(info.filename)
                if rel is None:
                    result.problems.append(
                        ExtractionProblem(
                            f"{archive.name}:{info.filename}", "unsafe member path (absolute or ..); refused"
                        )
                    )
                    continue
                if info.is_dir():
                    continue
                mode = (info.external_attr >> 16) & 0o170000
                if mode == 0o120000:
                    result.problems.append(ExtractionProblem(f"{archive.name}:{rel}", "link member; not followed"))
                    continue
                budget.add_file()
                if info.file_size > limits.max_file_bytes:
                    result.problems.append(
                        ExtractionProblem(
                            f"{archive.name}:{rel}", f"file of {info.file_size} bytes over the size limit"
                        )
                    )
                    continue
                target = _target(dest, rel)
                if target is None:
                    result.problems.append(ExtractionProblem(f"{archive.name}:{rel}", "path escapes the folder"))
                    continue
                with zf.open(info) as src:
                    compressed = info.compress_size if info.compress_type != zipfile.ZIP_STORED else None
                    if not _copy_capped(src, target, limits.max_file_bytes, budget, compressed):
                        result.problems.append(
                            ExtractionProblem(
                                f"{archive.name}:{rel}", "file over the size limit or compression ratio (bomb)"
                            )
                        )
                        continue
                result.files += 1
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, zlib.error) as exc:
            raise ArchiveError(f"corrupt zip archive ({exc})") from exc
    result.bytes = budget.bytes


def unpack(archive: Path, dest: Path, limits: ArchiveLimits | None = None) -> UnpackResult:
    """Unpack `archive` into the existing folder `dest`; member-level problems are returned, not raised.

    Raises ArchiveError when the archive as a whole is unusable (corrupt, or over the total limits); whatever
    was written stays inside `dest`.
    """
    limits = limits or ArchiveLimits()
    result = UnpackResult(root=dest)
    lower = archive.name.lower()
    if lower.endswith((".zip", ".whl")):
        _unpack_zip(archive, dest, limits, result)
    elif lower.endswith(ARCHIVE_SUFFIXES):
        _unpack_tar(archive, dest, limits, result)
    else:
        raise ArchiveError(f"unknown archive type (expected one of {', '.join(ARCHIVE_SUFFIXES)})")
    return result


def package_root(folder: Path) -> Path:
    """sdists and npm tarballs wrap everything in one top folder (`pkg-1.0/`, `package/`): step into it."""
    entries = [e for e in folder.iterdir() if not e.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink():
        return entries[0]
    return folder


@contextmanager
def unpacked(archive: Path, limits: ArchiveLimits | None = None) -> Iterator[UnpackResult]:
    """Unpack into a fresh temporary folder that is removed afterwards, whatever happens."""
    tmp = Path(tempfile.mkdtemp(prefix="mcp-catalog-unpack-"))
    try:
        result = unpack(archive, tmp, limits)
        result.root = package_root(tmp)
        yield result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
