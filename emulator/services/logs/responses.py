"""CloudWatch Logs request handlers: AssociateKmsKey and DisassociateKmsKey."""

from __future__ import annotations

from moto.logs.responses import LogsResponse

from emulator.extensions import extension, override


def associate_kms_key(self: LogsResponse) -> str:
    """AssociateKmsKey (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_AssociateKmsKey.html)."""
    self.logs_backend.associate_kms_key(
        self._get_param("logGroupName"), self._get_param("kmsKeyId"), self._get_param("resourceIdentifier")
    )
    return ""


def disassociate_kms_key(self: LogsResponse) -> str:
    """DisassociateKmsKey (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DisassociateKmsKey.html)."""
    self.logs_backend.disassociate_kms_key(self._get_param("logGroupName"), self._get_param("resourceIdentifier"))
    return ""


@extension("logs", "AssociateKmsKey", "DisassociateKmsKey")
def kms_key_handlers() -> None:
    """AssociateKmsKey, DisassociateKmsKey: the request handlers moto 5.2.5 lacks."""
    override(LogsResponse, associate_kms_key)
    override(LogsResponse, disassociate_kms_key)
