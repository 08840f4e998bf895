"""Property: whatever users send (any Unicode, empty, 4096+ characters, HTML, odd commands, forged
buttons, inline queries), no exception escapes and every request the bot sends passes the spec."""

from __future__ import annotations

import itertools
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import Running

_users = itertools.count(1_000_000)

texts = st.one_of(
    st.text(max_size=300),
    st.text(min_size=4000, max_size=5000),
    st.sampled_from(
        [
            "",
            " ",
            "<b>Mali</b>",
            "</i><script>alert(1)</script>",
            "&amp; &lt; & <",
            "/advisory",
            "/advisory " + "x" * 5000,
            "/subscribe Congo",
            "/unsubscribe Atlantis",
            "/hotspots Antarctica",
            "/start@vigie_test_bot extra args",
            "/alert Mali",
            "🇲🇱🇳🇪" * 50,
            "Bamako\u0000\u200b\u202e",
            "is it safe to go to Mali?",
            "abonne-moi au Niger jusqu'au 31 février",
        ]
    ),
    st.builds(
        lambda cmd, arg: f"/{cmd} {arg}",
        st.sampled_from(["advisory", "subscribe", "unsubscribe", "hotspots", "language", "forget"]),
        st.text(max_size=100),
    ),
)
callback_data = st.one_of(
    st.text(min_size=1, max_size=64).filter(lambda s: len(s.encode()) <= 64),
    st.sampled_from(["a:ML", "a:ZZ", "s:ML:entry", "p:CD:advisory", "sub:XK", "h:asia", "fg:yes"]),
)
actions = st.lists(
    st.one_of(
        st.tuples(st.just("text"), texts),
        st.tuples(st.just("button"), callback_data),
        st.tuples(st.just("inline"), st.text(max_size=256)),
    ),
    min_size=1,
    max_size=25,
)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=actions)
async def test_random_input_never_breaks_the_bot(
    bot: Running, batch: list[tuple[str, str]], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    anchor_user = next(_users)
    bot.api.push_text(anchor_user, "Mali")
    [anchor] = await bot.api.wait_for_messages(anchor_user, 1, timeout=10)
    for kind, value in batch:
        user = next(_users)
        if kind == "text":
            bot.api.push_text(user, value)
        elif kind == "button":
            bot.api.push_callback(anchor_user, value, anchor["message_id"], check_button=False)
        else:
            bot.api.push_inline_query(user, value)
    await bot.api.idle(quiet=0.3, timeout=30)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    assert bot.api.violations == []
