"""The table `bench_gateway` prints from its result."""

from __future__ import annotations

from typing import Any


def table(result: dict[str, Any]) -> str:
    lat, polls, probe = result["latency_ms"], result["polls_per_activation"], result["probe"]
    rows = [
        ("kiosks / seconds / mean pause between activations",
         f"{result['kiosks']} / {result['seconds']} / {result['pause']} s"),
        ("simulated kiosks' priority (on a fleet: machines of their own)",
         f"nice {result.get('kiosk_nice', 0)}"),
        ("requests through the gateway", f"{result['requests']} ({result['requests_per_s']}/s)"),
        ("activations", f"{result['activations']} ({result['activations_per_min']}/min)"),
        ("latency, every request via gateway p50 / p99 ms",
         f"{lat['all_via_gateway_p50']} / {lat['all_via_gateway_p99']}"),
        ("reads via gateway p50 / p99 ms", f"{lat['reads_via_gateway_p50']} / "
                                           f"{lat['reads_via_gateway_p99']}"),
        ("same reads direct to the sandbox p50 / p99 ms",
         f"{lat['reads_direct_p50']} / {lat['reads_direct_p99']}"),
        ("added by the gateway (paired) p50 / p99 ms",
         f"{lat['added_p50']} / {lat['added_p99']} ({lat['paired_samples']} pairs)"),
        ("added by the gateway (Server-Timing) p50 / p99 ms",
         f"{lat['beyond_gigs_p50']} / {lat['beyond_gigs_p99']} "
         f"({lat['beyond_gigs_samples']} requests)"),
        ("added, probe kiosk in its own process (Server-Timing) p50 / p99 ms",
         f"{probe['beyond_gigs_p50']} / {probe['beyond_gigs_p99']} ({probe['samples']} reads)"),
        ("added, probe kiosk (paired) p50 / p99 ms",
         f"{probe['added_p50']} / {probe['added_p99']}"),
        ("  of which in the gateway (its gw;dur less Gigs') p50 / p99 ms",
         f"{probe['in_gateway_p50']} / {probe['in_gateway_p99']}"),
        ("  of which to and from it (HTTP, loopback, scheduling) p50 / p99 ms",
         f"{probe['to_and_from_gateway_p50']} / {probe['to_and_from_gateway_p99']}"),
        ("  the probe's same reads straight to the sandbox p50 / p99 ms",
         f"{probe.get('direct_p50')} / {probe.get('direct_p99')}"),
        ("errors (must be 0)", str(result["errors"] + probe["errors"]) + (
            f" {result['error_kinds']}" if result["errors"] else "")),
        ("orders placed / in the sandbox / duplicates (must be 0)",
         f"{result['orders_placed']} / {result['orders_in_sandbox']} / "
         f"{result['duplicate_orders']}"),
        ("status polls per activation: polling / event stream",
         f"{polls['poll']} / {polls['stream']}"),
        ("events received / webhooks posted",
         f"{result['events_received']} / {result['webhooks_posted']}"),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)
