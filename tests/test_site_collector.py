"""The site build pauses the cyclic garbage collector in the parent and always restores its state."""

from __future__ import annotations

import gc

import pytest

from catalog.gc_pause import paused_gc


@pytest.mark.parametrize("enabled_before", [True, False])
def test_the_collector_is_paused_inside_and_restored_after(enabled_before: bool) -> None:
    (gc.enable if enabled_before else gc.disable)()
    try:
        with paused_gc():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled_before
    finally:
        gc.enable()


def test_the_collector_is_restored_when_the_build_fails() -> None:
    gc.enable()

    @paused_gc()
    def failing_build() -> None:
        assert not gc.isenabled()
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        failing_build()
    assert gc.isenabled()
    with pytest.raises(RuntimeError):  # a second call pauses again (a fresh context per call)
        failing_build()
    assert gc.isenabled()
