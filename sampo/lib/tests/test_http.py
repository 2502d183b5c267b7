from __future__ import annotations

import zoneinfo

from django.utils import timezone, translation

from sampo.lib.http import in_current_locale


def _language_and_zone():
    for _ in range(2):
        yield translation.get_language(), timezone.get_current_timezone_name()


def test_a_stream_is_made_in_the_language_and_zone_of_the_request_that_started_it():
    with translation.override("fi"), timezone.override(zoneinfo.ZoneInfo("Europe/Budapest")):
        stream = in_current_locale(_language_and_zone())

    # consumed later, as a web server does once the middleware has returned
    assert list(stream) == [("fi", "Europe/Budapest")] * 2


def test_the_language_does_not_stay_on_between_chunks():
    with translation.override("hu"):
        stream = in_current_locale(_language_and_zone())
    with translation.override("en"):
        next(stream)

        assert translation.get_language() == "en"
