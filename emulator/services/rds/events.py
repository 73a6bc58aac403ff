"""RDS event subscriptions: Enabled by default, ModifyEventSubscription, source identifiers added and removed.

https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateEventSubscription.html
https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyEventSubscription.html
https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_AddSourceIdentifierToSubscription.html
https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RemoveSourceIdentifierFromSubscription.html
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.rds.exceptions import InvalidParameterValue, SubscriptionNotFoundError
from moto.rds.models import EventSubscription, RDSBackend
from moto.rds.responses import RDSResponse

from emulator.extensions import extension, original, override

#: SourceType values of the API (CreateEventSubscription).
SOURCE_TYPES = (
    "db-instance",
    "db-cluster",
    "db-parameter-group",
    "db-security-group",
    "db-snapshot",
    "db-cluster-snapshot",
    "db-proxy",
    "zero-etl",
    "custom-engine-version",
    "blue-green-deployment",
)


def _check_source_type(source_type: str | None) -> None:
    if source_type and source_type not in SOURCE_TYPES:
        raise InvalidParameterValue(f"Invalid source type: {source_type}")


def _subscription(backend: RDSBackend, name: str) -> EventSubscription:
    subscription = backend.event_subscriptions.get(name)
    if subscription is None:
        raise SubscriptionNotFoundError(name)
    return subscription


def create_event_subscription(self: RDSBackend, kwargs: Any) -> EventSubscription:
    """CreateEventSubscription: ``Enabled`` defaults to true (moto 5.2.5: false); the source type is checked."""
    _check_source_type(kwargs.get("source_type"))
    kwargs = dict(kwargs)
    if kwargs.get("enabled") is None:
        kwargs["enabled"] = True
    return original(RDSBackend, "create_event_subscription")(self, kwargs)


def modify_event_subscription(self: RDSResponse) -> ActionResult:
    """ModifyEventSubscription: the topic, source type, categories and Enabled; what is not given stays."""
    subscription = _subscription(self.backend, self.params.get("SubscriptionName"))
    source_type = self.params.get("SourceType")
    _check_source_type(source_type)
    if self.params.get("SnsTopicArn"):
        subscription.sns_topic_arn = self.params["SnsTopicArn"]
    if source_type:
        if source_type != subscription.source_type:
            subscription.source_ids = []  # AWS drops identifiers of another source type
        subscription.source_type = source_type
    if self.params.get("EventCategories") is not None:
        subscription.event_categories = list(self.params["EventCategories"])
    if self.params.get("Enabled") is not None:
        subscription.enabled = self.params["Enabled"]
    return ActionResult({"EventSubscription": subscription})


def add_source_identifier_to_subscription(self: RDSResponse) -> ActionResult:
    """AddSourceIdentifierToSubscription: adding an identifier already there is a no-op, as on AWS."""
    subscription = _subscription(self.backend, self.params.get("SubscriptionName"))
    source_id = self.params.get("SourceIdentifier")
    if source_id not in subscription.source_ids:
        subscription.source_ids = [*subscription.source_ids, source_id]
    return ActionResult({"EventSubscription": subscription})


def remove_source_identifier_from_subscription(self: RDSResponse) -> ActionResult:
    """RemoveSourceIdentifierFromSubscription."""
    subscription = _subscription(self.backend, self.params.get("SubscriptionName"))
    source_id = self.params.get("SourceIdentifier")
    subscription.source_ids = [s for s in subscription.source_ids if s != source_id]
    return ActionResult({"EventSubscription": subscription})


@extension(
    "rds",
    "CreateEventSubscription",
    "ModifyEventSubscription",
    "AddSourceIdentifierToSubscription",
    "RemoveSourceIdentifierFromSubscription",
)
def event_subscriptions() -> None:
    """Event subscriptions enabled by default and modifiable (moto 5.2.5: disabled, no Modify/Add/Remove: 500)."""
    override(RDSBackend, create_event_subscription)
    override(RDSResponse, modify_event_subscription)
    override(RDSResponse, add_source_identifier_to_subscription)
    override(RDSResponse, remove_source_identifier_from_subscription)
