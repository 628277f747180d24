"""Property-based tests: the activation-code parser and model parsing of hostile JSON."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.flow.lpa import InvalidActivationCode, parse_activation_code
from kiosk.gigs import APIResponseValidationError, GigsClient
from kiosk.gigs import models as m
from kiosk.settings import ApiSettings

# SGP.22 fields are printable ASCII (an FQDN, [0-9A-Z-] matching ids, a dotted OID).
field_text = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E,
                                            blacklist_characters="$"), min_size=1, max_size=40)


@given(address=field_text, matching=field_text, oid=st.none() | field_text,
       flag=st.sampled_from([None, "0", "1"]), prefix=st.sampled_from(["LPA:", "lpa:", "Lpa:", ""]))
def test_well_formed_codes_round_trip(address: str, matching: str, oid: str | None,
                                      flag: str | None, prefix: str) -> None:
    parts = ["1", address, matching]
    if oid is not None or flag is not None:
        parts.append(oid or "")
    if flag is not None:
        parts.append(flag)
    parsed = parse_activation_code(prefix + "$".join(parts))
    assert (parsed.smdp_address, parsed.matching_id) == (address.strip(), matching.strip())
    assert parsed.oid == oid
    assert parsed.confirmation_code_required == (flag == "1")
    assert parse_activation_code(parsed.text) == parsed
    assert "matching_id" not in repr(parsed)  # the secret part stays out of logs


@given(st.text(max_size=80))
def test_any_text_parses_or_fails_clearly(text: str) -> None:
    try:
        parsed = parse_activation_code(text)
    except InvalidActivationCode as exc:
        assert len(text) < 8 or text not in str(exc)  # never echoes the code
    else:
        assert parsed.smdp_address and parsed.matching_id


@pytest.mark.parametrize("code", [
    "LPA:2$smdp.example$ABC", "LPA:1$$ABC", "LPA:1$smdp.example$", "1$smdp.example",
    "LPA:1$smdp.example$ABC$oid$2", "LPA:1$a$b$c$1$extra", "", "LPA:",
])
def test_malformed_codes(code: str) -> None:
    with pytest.raises(InvalidActivationCode):
        parse_activation_code(code)


@pytest.mark.parametrize("code", [
    "LPA:1$smdp.example$" + "A" * 10_000,  # 10 KB: no QR holds it, refused before drawing one
    "LPA:1$smdp.example$ABC\x1b[2J",  # a terminal escape sequence
    "LPA:1$smdp.example$ABC\u202e",  # a bidi override
    "LPA:1$smdp.exämple$ABC",  # outside ASCII
])
def test_huge_or_unprintable_codes_are_refused(code: str) -> None:
    with pytest.raises(InvalidActivationCode) as info:
        parse_activation_code(code)
    assert "ABC" not in str(info.value) and "AAAA" not in str(info.value)


def test_confirmation_flag_and_oid() -> None:
    code = parse_activation_code("LPA:1$smdp.example$K2-4ZP1Q-9XW3TR$1.2.3$1")
    assert code.oid == "1.2.3" and code.confirmation_code_required
    assert code.text == "LPA:1$smdp.example$K2-4ZP1Q-9XW3TR$1.2.3$1"
    assert parse_activation_code("LPA:1$smdp.example$X$$1").oid is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12),
                                                                      children, max_size=6),
    max_leaves=25)
MODELS = [m.Device, m.DeviceModel, m.Sim, m.Plan, m.Order, m.Subscription, m.SimCredentials,
          m.ESimProfile, m.User, m.UserAddress, m.PaymentMethod, m.ErrorObject]


def plausible(model: type[m.GigsModel]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with the model's real field names holding random, often wrong, values."""
    names = [f.alias or name for name, f in model.model_fields.items()]
    return st.dictionaries(st.sampled_from([*names, "id", "unexpected"]), json_values,
                           max_size=len(names) + 2)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(model=st.sampled_from(MODELS), data=st.data())
def test_hostile_json_parses_or_raises_a_validation_error(model: Any, data: Any) -> None:
    payload = data.draw(st.one_of(plausible(model), json_values))
    try:
        parsed = model.model_validate(payload)
    except pydantic.ValidationError:
        return
    assert isinstance(parsed, model)
    repr(parsed)  # never crashes


@settings(max_examples=100, deadline=None)
@given(body=json_values)
def test_client_turns_any_body_into_a_model_or_a_clear_error(body: Any) -> None:
    async def go() -> None:
        transport = httpx.MockTransport(lambda r: httpx.Response(200, json=body))
        async with GigsClient(ApiSettings(api_url="https://x.example", token="t"),
                              transport=transport) as client:
            try:
                devices = await client.search_devices("358507311042123")
            except APIResponseValidationError as exc:
                assert "358507311042123" not in str(exc)
            else:
                assert all(isinstance(d, m.Device) for d in devices)

    asyncio.run(go())
