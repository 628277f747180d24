"""The gateway benchmark, short (20 kiosks, 5 s), so it keeps working: two replica processes
on PostgreSQL, the sandbox, kiosks polling and on the event stream, webhooks."""

from __future__ import annotations

import pytest

from tests.bench import bench_gateway


@pytest.mark.timeout(120)
def test_the_gateway_benchmark_runs_short_with_no_error_and_no_duplicate(
        postgres_server: str) -> None:
    args = bench_gateway.parser().parse_args(
        ["--kiosks", "20", "--seconds", "5", "--order-seconds", "2", "--postgres",
         postgres_server, "--kiosk-nice", "0"])
    result = bench_gateway.run(args)
    assert result["errors"] == 0, result["error_kinds"]
    assert result["duplicate_orders"] == 0
    assert result["orders_in_sandbox"] == result["orders_placed"] >= result["activations"] > 0
    by_mode = result["activations_by_mode"]
    assert by_mode["poll"] > 0 and by_mode["stream"] > 0
    polls = result["polls_per_activation"]
    # An order takes 2 s: polling sees it after about 6 polls, the stream after an event.
    assert polls["stream"] < polls["poll"], polls
    assert result["webhooks_posted"] > 0 and result["events_received"] > 0
    assert result["latency_ms"]["paired_samples"] > 0
    # The probe kiosk (its own process) read through both replicas all along, unrefused.
    assert result["probe"]["samples"] > 20 and result["probe"]["errors"] == 0, result["probe"]
    assert "duplicates (must be 0)" in bench_gateway.table(result)
