"""Which version a config's tag or range means (publisher.scan.versions): pure, no registry."""

from __future__ import annotations

import pytest

from publisher.scan.versions import best_match, kind_of

NPM = ["0.9.0", "1.0.0", "1.2.0", "1.2.5", "1.3.0-beta.1", "2.0.0", "2.1.0"]
PYPI = ["0.5", "0.6.0", "0.6.2", "0.7.0rc1", "0.7.0", "1.0.0.post1", "2026.10.19"]


@pytest.mark.parametrize(
    ("eco", "spec", "kind"),
    [
        ("npm", "1.2.3", "exact"),
        ("npm", "1.2.3-beta.1", "exact"),
        ("npm", None, "latest"),
        ("npm", "latest", "latest"),
        ("npm", "next", "tag"),
        ("npm", "^1.2.0", "range"),
        ("npm", "1.x", "range"),
        ("pypi", "2026.10.19", "exact"),
        ("pypi", "0.7.0rc1", "exact"),
        ("pypi", ">=0.6", "range"),
        ("pypi", "latest", "latest"),
    ],
)
def test_kind_of(eco: str, spec: str | None, kind: str) -> None:
    assert kind_of(eco, spec) == kind


@pytest.mark.parametrize(
    ("spec", "want"),
    [
        ("^1.0.0", "1.2.5"),  # not the pre-release, not 2.x
        ("~1.2.0", "1.2.5"),
        ("~1", "1.2.5"),
        ("1.2.x", "1.2.5"),
        ("1", "1.2.5"),
        ("^0.9.0", "0.9.0"),  # ^0.x stays in the minor
        (">=1.2.0 <2.0.0", "1.2.5"),
        (">= 1.0.0", "2.1.0"),
        ("1.0.x || 2.0.x", "2.0.0"),
        ("^1.3.0-beta.0", "1.3.0-beta.1"),  # a pre-release only when asked for
        ("=1.2.0", "1.2.0"),
        ("^3", None),
        ("git+https://example.com/x.git", None),
    ],
)
def test_npm_ranges(spec: str, want: str | None) -> None:
    assert best_match("npm", spec, NPM) == want


@pytest.mark.parametrize(
    ("spec", "want"),
    [
        (">=0.6", "2026.10.19"),
        (">=0.6,<1", "0.7.0"),  # not 0.7.0rc1
        ("~=0.6.0", "0.6.2"),
        ("==0.6.*", "0.6.2"),
        ("!=0.7.0,<1", "0.6.2"),
        ("<0.6", "0.5"),
        (">=1,<2", "1.0.0.post1"),
        (">=3000", None),
    ],
)
def test_pypi_specifiers(spec: str, want: str | None) -> None:
    assert best_match("pypi", spec, PYPI) == want
