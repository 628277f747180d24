"""Activations that outlived their customer's session: finished in the background.

The kiosk's session flow hands an activation over when the provisioning deadline passes or
the visit ends first (idle reset, "I'm done"); at start-up, everything the journal holds
open is resumed. Each runs in its own `Flow`
with a long deadline and gentle polling, so a slow provider never blocks the next customer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace

from kiosk.flow.context import Context
from kiosk.flow.engine import Flow
from kiosk.flow.states import FlowState
from kiosk.journal import Activation

log = logging.getLogger("kiosk.flow.background")


class BackgroundActivations:
    def __init__(self, ctx: Context, *, deadline: float = 24 * 3600.0, may_send: bool = False,
                 on_finished: Callable[[Activation, FlowState], None] | None = None) -> None:
        self.ctx = replace(ctx, settings=replace(ctx.settings, deadline=deadline,
                                                 poll_initial=max(ctx.settings.poll_initial, 1.0)))
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._on_finished = on_finished
        #: Whether an intent that was never (provably) sent may still be sent. Off for the
        #: kiosk: its customer has left, so an order now would be a surprise charge; on for
        #: staff who resume on purpose (`kiosk journal --resume`).
        self.may_send = may_send

    @property
    def running(self) -> list[str]:
        return [a for a, t in self._tasks.items() if not t.done()]

    def adopt(self, activation: Activation) -> None:
        """Keep following this activation until it is finished (idempotent)."""
        task = self._tasks.get(activation.id)
        if task is not None and not task.done():
            return
        self._tasks[activation.id] = asyncio.ensure_future(self._follow(activation))

    async def resume_all(self) -> list[Activation]:
        """Adopt every unfinished activation of this API target (at start-up)."""
        unfinished = await self.ctx.record(self.ctx.journal.unfinished, self.ctx.target)
        for activation in unfinished:
            self.adopt(activation)
        if unfinished:
            log.info("resuming %d unfinished activation(s)", len(unfinished))
        return unfinished

    async def wait(self) -> None:
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    async def stop(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        await self.wait()
        self._tasks.clear()

    async def _follow(self, activation: Activation) -> None:
        flow = Flow(self.ctx)
        try:
            await flow.resume(activation.id, may_send=self.may_send)
            final = await self.ctx.record(self.ctx.journal.get, activation.id)
            log.info("background activation %s ended %s", final.reference, final.status)
            if self._on_finished is not None:
                self._on_finished(final, flow.state)
        finally:
            await flow.cancel()  # drops any activation code: nobody is there to see it
