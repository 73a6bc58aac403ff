"""Resource Groups Tagging API request handlers: GetResources by ARN answers in one response."""

from __future__ import annotations

from moto.core.responses import ActionResult
from moto.resourcegroupstaggingapi.exceptions import ResourceGroupsTaggingAPIError
from moto.resourcegroupstaggingapi.responses import ResourceGroupsTaggingAPIResponse

from emulator.extensions import extension, original, override


def get_resources(self: ResourceGroupsTaggingAPIResponse) -> ActionResult:
    """GetResources (https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html).

    With ``ResourceARNList`` (1 to 100 ARNs; botocore checks the length) it takes no ``ResourceTypeFilters``,
    ``TagFilters`` or pagination parameter (``ResourcesPerPage``, ``TagsPerPage``, ``PaginationToken``: "If you
    do, you get an Invalid Parameter exception"), so every listed resource comes in the one response; an ARN
    that does not exist is left out. Without it, moto's paging as before.
    """
    arns = self._get_param("ResourceARNList") or []
    if not arns:
        return original(ResourceGroupsTaggingAPIResponse, "get_resources")(self)
    conflicting = [
        name
        for name in ("ResourceTypeFilters", "TagFilters", "ResourcesPerPage", "TagsPerPage", "PaginationToken")
        # Present at all, even empty ("PaginationToken": ""): AWS refuses the parameter, not only a value of it.
        if self._get_param(name) is not None
    ]
    if conflicting:
        raise ResourceGroupsTaggingAPIError(
            "InvalidParameterException", f"ResourceARNList cannot be specified with {', '.join(conflicting)}."
        )
    resources = list(self.backend._get_resources_generator(resource_arn_list=arns))
    return ActionResult(
        {
            "ResourceTagMappingList": [
                {"ResourceARN": r.arn, "Tags": [{"Key": k, "Value": v} for k, v in r.tags.items()]} for r in resources
            ],
            "PaginationToken": "",
        }
    )


@extension("resourcegroupstaggingapi", "GetResources")
def get_resources_by_arn_in_one_response() -> None:
    """GetResources with ResourceARNList answers every listed resource at once (moto 5.2.5 pages them).

    moto pages them by its defaults (50 resources, 100 tags a page), so 34 alarms with three tags each take two
    calls where AWS, which refuses pagination parameters beside ResourceARNList, answers in one.
    """
    override(ResourceGroupsTaggingAPIResponse, get_resources)
