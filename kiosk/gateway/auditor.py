"""Audit rows of answered requests, written after the answer has left, in batches.

A forwarded request that Gigs answered used to wait for its audit row's transaction before
its answer left: about a millisecond on every request, and a queue behind the database when
many kiosks are busy. Rows of answers now go to a writer task that writes whatever has
queued in one transaction, right away (under load the batches grow by themselves). Refusals
of the gateway's own (401, 403, 413, 429 and malformed requests) are still written before
their answer leaves (`Gateway.audit_now`): what the gateway refused is on record even if the
process dies the next moment. A process killed between an answer and its batch loses at
most that batch's rows of ordinary traffic; the orders it forwarded are recorded before
their answer, in their own tables.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger("kiosk.gateway")
#: Rows one transaction writes at most.
BATCH = 500
#: Rows kept while the database is away; past this the oldest go (and the loss is logged).
BACKLOG = 20_000
RETRY_SECONDS = 1.0
#: Failures of one batch before its rows are written one by one.
ONE_BY_ONE_AFTER = 3

Db = Callable[..., Awaitable[Any]]


class AuditWriter:
    def __init__(self, db: Db, store: Any) -> None:
        self.db, self.store = db, store
        self.rows: list[dict[str, Any]] = []
        self.queued = asyncio.Event()
        self.task: asyncio.Task[None] | None = None
        self.writing = 0  # rows in the transaction under way
        self.dropped = 0
        self.failures = 0  # of the batch at the head, in a row

    @property
    def pending(self) -> int:
        """Rows not written yet (queued or being written)."""
        return len(self.rows) + self.writing

    def add(self, **fields: Any) -> None:
        """Queue a row (fields as `Store.audit_row` takes them; its time is taken now)."""
        self.rows.append(self.store.audit_row(**fields))
        if len(self.rows) > BACKLOG:
            gone = len(self.rows) - BACKLOG
            del self.rows[:gone]
            self.dropped += gone
        self.queued.set()
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._run())

    async def _write_some(self) -> bool:
        batch, self.rows = self.rows[:BATCH], self.rows[BATCH:]
        self.writing = len(batch)
        try:
            await self.db(self.store.audit_many, batch)
            self.failures = 0
            return True
        except Exception as exc:
            self.failures += 1
            if self.failures >= ONE_BY_ONE_AFTER:
                # The same batch failing again and again may hold a row the database
                # refuses for good: rows one by one, and only the refused ones are lost.
                return await self._one_by_one(batch)
            log.warning("could not write %d audit rows (%s): kept, trying again",
                        len(batch), type(exc).__name__)
            self.rows[:0] = batch
            return False
        finally:
            self.writing = 0

    async def _one_by_one(self, batch: list[dict[str, Any]]) -> bool:
        lost = 0
        for n, row in enumerate(batch):
            try:
                await self.db(self.store.audit_many, [row])
            except Exception:
                lost += 1
                if lost == n + 1 == 4:  # the first four refused: the database is away
                    self.rows[:0] = batch
                    self.failures = ONE_BY_ONE_AFTER - 1
                    log.warning("audit rows: the database is away; %d kept", len(self.rows))
                    return False
        self.failures = 0
        if lost:
            log.warning("%d audit rows were refused by the database and are lost", lost)
        return True

    async def _run(self) -> None:
        while True:
            await self.queued.wait()
            self.queued.clear()
            while self.rows:
                if not await self._write_some():
                    await asyncio.sleep(RETRY_SECONDS)
            if self.dropped:
                log.warning("%d audit rows were lost while the database was away",
                            self.dropped)
                self.dropped = 0

    async def close(self) -> None:
        """Write what is queued (one try), then stop."""
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task
        while self.rows and await self._write_some():
            pass
