"""KMS backend fixes: key ARNs where the API accepts them, and key-state rules of the deletion APIs."""

from __future__ import annotations

from datetime import timedelta

from moto.core.exceptions import JsonRESTError
from moto.core.utils import unix_time, utcnow
from moto.kms.exceptions import ValidationException
from moto.kms.models import Key, KmsBackend

from emulator.extensions import extension, override


class KMSInvalidStateException(JsonRESTError):
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("KMSInvalidStateException", message)


def key_for(backend: KmsBackend, key_id: str) -> Key:
    """The key named by a key id or key ARN (the forms these APIs accept)."""
    return backend.keys[backend.get_key_id(key_id)]


def enable_key(self: KmsBackend, key_id: str) -> None:
    """EnableKey (https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKey.html): key id or ARN."""
    key = key_for(self, key_id)
    if key.key_state == "PendingDeletion":
        raise KMSInvalidStateException(f"{key.arn} is pending deletion.")
    key.enabled = True
    key.key_state = "Enabled"


def disable_key(self: KmsBackend, key_id: str) -> None:
    """DisableKey (https://docs.aws.amazon.com/kms/latest/APIReference/API_DisableKey.html): key id or ARN."""
    key = key_for(self, key_id)
    if key.key_state == "PendingDeletion":
        raise KMSInvalidStateException(f"{key.arn} is pending deletion.")
    key.enabled = False
    key.key_state = "Disabled"


def schedule_key_deletion(self: KmsBackend, key_id: str, pending_window_in_days: int) -> float:
    """ScheduleKeyDeletion (https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html).

    Key id or ARN; the window must be 7-30 days; a key already pending deletion is refused.
    """
    key = key_for(self, key_id)
    if not 7 <= int(pending_window_in_days) <= 30:
        raise ValidationException(
            f"1 validation error detected: Value '{pending_window_in_days}' at 'pendingWindowInDays' failed to "
            "satisfy constraint: Member must have value less than or equal to 30 and greater than or equal to 7"
        )
    if key.key_state == "PendingDeletion":
        raise KMSInvalidStateException(f"{key.arn} is pending deletion.")
    key.enabled = False
    key.key_state = "PendingDeletion"
    key.deletion_date = utcnow() + timedelta(days=int(pending_window_in_days))
    return unix_time(key.deletion_date)


def cancel_key_deletion(self: KmsBackend, key_id: str) -> None:
    """CancelKeyDeletion (https://docs.aws.amazon.com/kms/latest/APIReference/API_CancelKeyDeletion.html).

    Key id or ARN; only a key pending deletion can be cancelled (it becomes ``Disabled``).
    """
    key = key_for(self, key_id)
    if key.key_state != "PendingDeletion":
        raise KMSInvalidStateException(f"{key.arn} is not pending deletion.")
    key.key_state = "Disabled"
    key.deletion_date = None


@extension("kms", "EnableKey", "DisableKey", "ScheduleKeyDeletion", "CancelKeyDeletion")
def key_arn_identifiers() -> None:
    """EnableKey, DisableKey, ScheduleKeyDeletion, CancelKeyDeletion: accept a key ARN (moto: 500).

    moto 5.2.5 validates the ARN, then indexes its key table with the ARN itself: KeyError, HTTP 500.
    amazon.aws ``kms_key`` passes the ARN to all four, so ``state: absent`` and ``enabled`` fail.
    """
    override(KmsBackend, enable_key)
    override(KmsBackend, disable_key)
    override(KmsBackend, schedule_key_deletion)
    override(KmsBackend, cancel_key_deletion)
