"""How many failed admin logins lock a login out (django-axes' AXES_FAILURE_LIMIT).

Two limits: AXES_USER_FAILURE_LIMIT failures of one username from one address, and
AXES_IP_FAILURE_LIMIT failures from one address whatever the usernames (an attacker
trying many usernames). Either locks that address out, and only that address: the staff
elsewhere can always log in, so an attacker cannot lock them out.

django-axes counts failures under each of AXES_LOCKOUT_PARAMETERS ((username, address),
then address) and locks when the most of them reach one limit. The address's count is
never the smaller of the two, so the limit is the address's unless this username from
this address has reached its own.
"""

from axes.attempts import get_cool_off_threshold
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def failure_limit(request: HttpRequest, credentials: dict[str, str] | None = None) -> int:
    attempts = AccessAttempt.objects.filter(
        username=get_client_username(request, credentials),
        ip_address=getattr(request, "axes_ip_address", None),
        attempt_time__gte=get_cool_off_threshold(request),
    )
    pair = attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0
    if pair >= settings.AXES_USER_FAILURE_LIMIT:
        return settings.AXES_USER_FAILURE_LIMIT
    return settings.AXES_IP_FAILURE_LIMIT
