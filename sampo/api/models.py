from sampo.api.webhooks.models import (  # noqa: F401  (the api app's models live in webhooks/)
    Attempt,
    Delivery,
    DueActivity,
    Event,
    Subscription,
)
