"""EventBridge backend fixes: rules in the Resource Groups Tagging API."""

from __future__ import annotations

from collections.abc import Iterator

from moto.core.resource_tagging import TaggedResource
from moto.events.models import EventsBackend

from emulator.extensions import extension, original, override


def iter_tagged_resources(self: EventsBackend) -> Iterator[TaggedResource]:
    """The event buses (as moto lists them) and the rules of every bus, as GetResources lists them on AWS
    (resource type ``events:rule``, https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/supported-services.html).
    """
    yield from original(EventsBackend, "iter_tagged_resources")(self)
    for bus in self.event_buses.values():
        for rule in bus.rules.values():
            yield TaggedResource(
                arn=rule.arn, tags=self.tagger.get_tag_dict_for_resource(rule.arn), resource_type="events:rule"
            )


@extension("events", "GetResources")
def events_rules_in_tagging_api() -> None:
    """GetResources lists EventBridge rules (moto 5.2.5 lists only the event buses, so a tagged rule is never found).

    TagResources on a rule works in moto, so without this a rule is tagged again on every run and the leak
    report misses it.
    """
    override(EventsBackend, iter_tagged_resources)
