# Sampo's English users work in Europe: British day-month order and a 24-hour clock, the same
# conventions as the money formatting (babel's en_GB). Everything else is Django's en_GB.
from django.conf.locale.en_GB.formats import *  # noqa: F403

TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
