"""KMS request handlers: ScheduleKeyDeletion and CancelKeyDeletion answer with the key ARN."""

from __future__ import annotations

import json

from moto.kms.responses import KmsResponse

from emulator.extensions import extension, override
from emulator.services.kms.models import key_for


def schedule_key_deletion(self: KmsResponse) -> str:
    """ScheduleKeyDeletion (https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html).

    Returns ``KeyId`` (the key ARN), ``DeletionDate``, ``KeyState`` and ``PendingWindowInDays``.
    """
    key_id = self._get_param("KeyId")
    window = self._get_param("PendingWindowInDays")
    window = 30 if window is None else int(window)
    self._validate_cmk_id(key_id)
    deletion_date = self.kms_backend.schedule_key_deletion(key_id, window)
    key = key_for(self.kms_backend, key_id)
    return json.dumps(
        {"KeyId": key.arn, "DeletionDate": deletion_date, "KeyState": key.key_state, "PendingWindowInDays": window}
    )


def cancel_key_deletion(self: KmsResponse) -> str:
    """CancelKeyDeletion (https://docs.aws.amazon.com/kms/latest/APIReference/API_CancelKeyDeletion.html).

    Returns ``KeyId`` as the key ARN, as AWS does (moto echoes the request's identifier).
    """
    key_id = self._get_param("KeyId")
    self._validate_cmk_id(key_id)
    self.kms_backend.cancel_key_deletion(key_id)
    return json.dumps({"KeyId": key_for(self.kms_backend, key_id).arn})


@extension("kms", "ScheduleKeyDeletion", "CancelKeyDeletion")
def key_deletion_responses() -> None:
    """ScheduleKeyDeletion, CancelKeyDeletion: answer with the key ARN, state and window, as AWS."""
    override(KmsResponse, schedule_key_deletion)
    override(KmsResponse, cancel_key_deletion)
