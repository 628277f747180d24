"""The fast path's one-statement forms answer as the Store's transactions do (PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from kiosk.gateway.fastpath import FastPath
from kiosk.gateway.store import CLAIM_SECONDS, Kiosk, Store


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _both(server: str, scenario: Callable[[Any, Clock, Callable[..., Any]], list[Any]]
          ) -> tuple[list[Any], list[Any]]:
    """The scenario's answers through the Store, then through the fast path (the same
    methods, the same arguments), each on a fresh database."""
    from tests.gateway import pg

    answers = []
    for fast in (False, True):
        url = pg.new_database(server)
        clock = Clock()
        store = Store(Store.open(url).engine, clock)
        runner = FastPath(store.engine.url, 4, clock) if fast else None
        loop = asyncio.new_event_loop()

        def call(name: str, *args: Any, runner: FastPath | None = runner,
                 store: Store = store, loop: asyncio.AbstractEventLoop = loop) -> Any:
            if runner is None:
                return getattr(store, name)(*args)
            return loop.run_until_complete(getattr(runner, name)(*args))

        try:
            answers.append(scenario(store, clock, call))
        finally:
            if runner is not None:
                loop.run_until_complete(runner.close())
            loop.close()
            store.close()
            pg.drop_database(url)
    return answers[0], answers[1]


def test_claims_orders_and_sims_answer_alike(postgres_server: str) -> None:
    def scenario(store: Store, clock: Clock, call: Callable[..., Any]) -> list[Any]:
        a = Kiosk("ksk_aaaaaaaaaaaa", "S1", "a", None)
        out = [call("claim_sim", "sim_1", "ksk_a"), call("claim_sim", "sim_1", "ksk_b"),
               call("claim_sim", "sim_1", "ksk_a"), call("sim_kiosk", "sim_1")]
        clock.now += CLAIM_SECONDS + 1  # the bare claim lapsed: another kiosk may take it
        out += [call("sim_kiosk", "sim_1"), call("claim_sim", "sim_1", "ksk_b"),
                call("sim_kiosk", "sim_1")]
        call("sim_ordered", "sim_1", "ksk_b")  # an order recorded: it never lapses now
        clock.now += CLAIM_SECONDS + 1
        out += [call("claim_sim", "sim_1", "ksk_a"), call("sim_kiosk", "sim_1")]
        call("sim_ordered", "sim_1", "ksk_a")  # never moves to another kiosk
        call("sim_ordered", "sim_2", "ksk_a")
        out += [call("sim_kiosk", "sim_1"), call("sim_kiosk", "sim_2")]
        call("order_placed", "ord_1", a, "sub_1", "pending")
        call("order_placed", "ord_1", Kiosk("ksk_b", "S2", "b", None), None, "x" * 40)
        call("order_placed", "ord_2", a, "not an id!", "completed")
        out += [call("owner_of", "order", "ord_1"), call("owner_of", "subscription", "sub_1"),
                call("owner_of", "order", "ord_3"), store.recent_orders()]
        call("order_seen", "ord_1", None, "completed")  # its subscription kept
        call("order_seen", "ord_2", "sub_2", None)  # its status kept
        call("order_seen", "ord_2", "not an id!", "y" * 40)  # a bad id ignored, status cut
        call("order_seen", "ord_9", "sub_9", "pending")  # not placed here: nothing
        out += [store.recent_orders(), call("owner_of", "subscription", "sub_2")]
        out += [call("hit", "o:ksk_a", 2, 3600) for _ in range(3)]
        call("audit_many", [store.audit_row(kiosk="ksk_a", store="S1", method="GET",
                                            endpoint="/projects/{p}/plans", status=200,
                                            latency_ms=4.6, imei="35850731****04212*"),
                            store.audit_row(kiosk=None, store=None, method="POST",
                                            endpoint="/x", status=401, latency_ms=0.2,
                                            note="no valid kiosk token")])
        call("audit_many", [])
        out.append([{k: v for k, v in r.items() if k != "id"} for r in store.audit_rows()])
        return [[{k: v for k, v in o.items() if k not in ("created_at", "updated_at")}
                 for o in x] if isinstance(x, list) else x for x in out]

    through_store, through_fast = _both(postgres_server, scenario)
    assert through_fast == through_store
    assert through_store[:4] == [True, False, False, "ksk_a"]


def test_admission_and_customers_answer_alike(postgres_server: str) -> None:
    def scenario(store: Store, clock: Clock, call: Callable[..., Any]) -> list[Any]:
        code = store.enroll("STORE-1", valid_seconds=600, payment_method="pm_1")
        joined = store.join(code, name="till", version="0.1.0")
        assert joined is not None
        secret = joined.token[-43:]
        out = [call("admit", joined.kiosk, secret, 2) for _ in range(3)]
        out.append(call("admit", joined.kiosk, secret[:-1] + ("B" if secret[-1] == "A" else "A"),
                        2))
        out.append(call("admit", "ksk_zzzzzzzzzzzz", secret, 2))
        call("users_seen", joined.kiosk, ["usr_1", "usr_1"])
        out += [call("knows_user", joined.kiosk, "usr_1", 60),
                call("knows_user", joined.kiosk, "usr_2", 60)]
        clock.now += 61
        out.append(call("knows_user", joined.kiosk, "usr_1", 60))
        call("users_seen", joined.kiosk, ["usr_1", "usr_3"])  # seen again: known again
        call("users_seen", joined.kiosk, [])
        out += [call("knows_user", joined.kiosk, u, 60) for u in ("usr_1", "usr_3")]
        call("heartbeat", joined.kiosk, {"version": "0.2.0", "camera_fps": 14.5, "pending": 2})
        clock.now += 5
        call("heartbeat", joined.kiosk, {"mode": "qa", "activations_today": 3})
        out.append([{k: v for k, v in row.items() if k != "kiosk"}  # a new id each time
                    for row in store.kiosks()])
        store.revoke(joined.kiosk)
        out.append(call("admit", joined.kiosk, secret, 1000))
        return [(o[0].store, o[0].payment_method, o[1]) if isinstance(o, tuple) and o[0]
                else o for o in out]

    through_store, through_fast = _both(postgres_server, scenario)
    assert through_fast == through_store
    assert through_store[0] == ("STORE-1", "pm_1", None) and through_store[2][2] is not None
    assert through_store[3:5] == [(None, None), (None, None)]
    assert through_store[5:10] == [True, False, False, True, True]
    assert through_store[10][0]["last_seen"] == 1_800_000_066.0
    assert through_store[10][0]["mode"] == "qa" and through_store[10][0]["pending"] == 2
    assert through_store[11] == (None, None)
