"""A result loaded with a key its model does not know: ignored for users, an error in the tests."""

from __future__ import annotations

import pytest

from agnobench.core.model import STRICT_ENV
from agnobench.passes.timing import TimingResult


def test_a_misspelt_key_is_an_error_under_the_test_suite() -> None:
    with pytest.raises(TypeError, match="rerun_pc"):
        TimingResult.from_dict({"rerun_pc": 1.5})


def test_a_users_newer_file_still_loads_its_known_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STRICT_ENV)
    assert TimingResult.from_dict({"rerun_pct": 1.5, "added_later": 3}).rerun_pct == 1.5
