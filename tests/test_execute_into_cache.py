"""tools/execute_into_cache.py: the short-poll work-around keeps nbclient's semantics."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from queue import Empty

import pytest
from jupyter_client.channels import AsyncZMQSocketChannel

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import execute_into_cache  # noqa: E402


def install(monkeypatch, replies):
    """A fake channel whose underlying poll returns the queued replies (Empty = nothing yet)."""
    calls = []

    async def fake_get_msg(self, timeout=None):
        calls.append(timeout)
        reply = replies.pop(0) if replies else Empty
        if reply is Empty:
            await asyncio.sleep(timeout or 0)
            raise Empty
        return reply

    monkeypatch.setattr(AsyncZMQSocketChannel, "get_msg", fake_get_msg)
    execute_into_cache.poll_in_short_slices(slice_seconds=0.01)
    return calls


def test_a_late_reply_is_found_by_a_later_short_poll(monkeypatch):
    calls = install(monkeypatch, [Empty, Empty, {"msg": "reply"}])
    assert asyncio.run(AsyncZMQSocketChannel.get_msg(None, timeout=240)) == {"msg": "reply"}
    assert calls == [0.01, 0.01, 0.01]  # never one 240-second poll


def test_no_reply_still_times_out_at_the_deadline(monkeypatch):
    install(monkeypatch, [])
    start = time.monotonic()
    with pytest.raises(Empty):
        asyncio.run(AsyncZMQSocketChannel.get_msg(None, timeout=0.1))
    assert 0.09 <= time.monotonic() - start < 1.0


def test_no_timeout_waits_in_slices_until_a_reply(monkeypatch):
    calls = install(monkeypatch, [Empty, {"msg": "late"}])
    assert asyncio.run(AsyncZMQSocketChannel.get_msg(None)) == {"msg": "late"}
    assert calls == [0.01, 0.01]


def test_patching_twice_is_harmless(monkeypatch):
    install(monkeypatch, [{"msg": 1}])
    patched = AsyncZMQSocketChannel.get_msg
    execute_into_cache.poll_in_short_slices()
    assert AsyncZMQSocketChannel.get_msg is patched
