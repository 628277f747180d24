"""Every parser of outside input, fed random bytes, unicode digits, huge and nested input:
each returns a value or raises its one documented error, never anything else.

(The IMEI rule: tests/scan/test_imei_rule.py; config files: tests/test_config_load.py;
activation codes: tests/flow/test_properties.py; QA files: tests/qa/.)
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.cli import build_parser
from kiosk.config import api_url_problem
from kiosk.gigs import GigsClient, GigsError, RetryPolicy
from kiosk.redact import printable, redact
from kiosk.sandbox.faults import FaultRule
from kiosk.scan.imei import InvalidIdentifier, parse_iccid
from kiosk.settings import ApiSettings

UNICODE_DIGITS = st.characters(whitelist_categories=("Nd", "No"))
HOSTILE_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=UNICODE_DIGITS, min_size=10, max_size=25),
    st.binary(max_size=60).map(lambda b: b.decode("utf-8", "surrogateescape")),
    st.integers(1, 200_000).map(lambda n: "9" * n),
)
COMMANDS = ["gui", "demo", "lookup", "plans", "activate", "journal", "doctor", "scan", "qa",
            "sandbox", "demo-sheet"]
FLAGS = ["--plan", "--email", "--deadline", "--port", "--latency-ms", "--idle-seconds",
         "--concurrency", "--expect-sims", "--seconds", "--budget", "--image", "--input",
         "--export", "--out", "--sim-type", "--mode", "--language", "--pin", "--fault"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(command=st.sampled_from(COMMANDS), args=st.lists(
    st.one_of(st.sampled_from(FLAGS), HOSTILE_TEXT), max_size=6))
def test_the_command_line_parser_parses_or_exits_2(command: str, args: list[str]) -> None:
    out, errors = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(errors):
            build_parser().parse_args([command, *args])
    except SystemExit as stop:
        assert stop.code in (0, 2)  # 0: --help somewhere in the random words
        err = errors.getvalue()
        if stop.code == 2:
            assert err.count("\n") == 1 and err.startswith("error: "), err
            assert "\x1b" not in err


@given(HOSTILE_TEXT)
def test_iccid_parses_or_fails_with_the_one_error(text: str) -> None:
    try:
        iccid = parse_iccid(text)
    except InvalidIdentifier:
        return
    assert iccid.isascii() and iccid[:-1].isdigit() and 18 <= len(iccid) <= 20


@given(HOSTILE_TEXT)
def test_printable_is_one_safe_line(text: str) -> None:
    shown = printable(text)
    assert len(shown) <= 300 * 4 + 1
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in shown)
    shown.encode("utf-8")  # no surrogates left: printing it cannot raise
    redact(shown).encode("utf-8")


@given(HOSTILE_TEXT)
def test_the_api_url_rule_answers_for_anything(text: str) -> None:
    assert api_url_problem(text) is None or isinstance(api_url_problem(text), str)


@given(HOSTILE_TEXT)
def test_fault_specs_parse_or_raise_value_error(text: str) -> None:
    with contextlib.suppress(ValueError, TypeError):
        FaultRule.parse(text)


def _nested(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.one_of(
    st.binary(max_size=300),
    st.integers(1, 300_000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(1, 300_000).map(_nested),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                 lambda inner: st.lists(inner, max_size=4)
                 | st.dictionaries(st.text(max_size=6), inner, max_size=4),
                 max_leaves=30).map(lambda v: json.dumps(v).encode()),
), status=st.sampled_from([200, 404, 422, 500]))
def test_any_answer_body_is_a_model_or_an_api_error(body: bytes, status: int) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"content-type": "application/json"})

    async def go() -> None:
        client = GigsClient(ApiSettings(api_url="https://api.example", project="p", token="t"),
                            transport=httpx.MockTransport(handler),
                            retry=RetryPolicy(max_retries=0))
        async with client:
            with contextlib.suppress(GigsError):
                await client.search_devices("358507311042123")

    asyncio.run(go())
