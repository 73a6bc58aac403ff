"""CloudTrail backend fixes: DeleteTrail by ARN."""

from __future__ import annotations

from moto.cloudtrail.models import CloudTrailBackend

from emulator.extensions import extension, override


def delete_trail(self: CloudTrailBackend, name: str) -> None:
    """DeleteTrail (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DeleteTrail.html).

    ``Name`` is the trail's name or its ARN; an unknown trail is TrailNotFoundException, and the trail's
    tags go with it.
    """
    trail = self.get_trail(name)  # raises TrailNotFoundException, by name or ARN
    del self.trails[trail.trail_name]
    self.tagging_service.delete_all_tags_for_resource(trail.arn)


@extension("cloudtrail", "DeleteTrail")
def delete_trail_by_arn() -> None:
    """DeleteTrail takes the trail's ARN (moto 5.2.5 ignores an ARN: the trail stays, the call succeeds).

    amazon.aws.cloudtrail deletes by ARN, so on plain moto a teardown leaves the trail behind.
    """
    override(CloudTrailBackend, delete_trail)
