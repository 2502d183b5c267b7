"""Which attached files are kept: within the size limit and not of a kind that runs code when
opened. A refused file is still listed on the message, with the reason."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from sampo.mail.parsing import AttachedFile

BLOCKED_EXTENSIONS = {
    ".exe", ".com", ".bat", ".cmd", ".scr", ".pif", ".msi", ".msp", ".dll", ".cpl", ".jar",
    ".js", ".jse", ".vbs", ".vbe", ".wsf", ".wsh", ".ps1", ".hta", ".lnk", ".reg", ".sh",
    ".app", ".apk", ".iso", ".html", ".htm", ".svg", ".xhtml",
}  # fmt: skip
BLOCKED_TYPES = {
    "application/x-msdownload", "application/x-msdos-program", "application/x-executable",
    "application/x-sh", "application/javascript", "text/javascript", "application/java-archive",
    "application/x-ms-installer", "application/hta", "text/html", "image/svg+xml",
    "application/xhtml+xml",
}  # fmt: skip
# Executables whatever their name says: Windows PE, ELF, Mach-O, scripts with a shebang.
BLOCKED_MAGIC = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xce", b"#!")


def refusal(attached: AttachedFile) -> str:
    """Why the file is not kept, or "" when it is."""
    limit = settings.MAIL_MAX_ATTACHMENT_BYTES
    if len(attached.content) > limit:
        return _("larger than %(limit)s") % {"limit": filesizeformat(limit)}
    suffix = PurePath(attached.filename.lower()).suffix
    if (
        suffix in BLOCKED_EXTENSIONS
        or attached.content_type.lower() in BLOCKED_TYPES
        or attached.content.startswith(BLOCKED_MAGIC)
    ):
        return _("a type of file that could run code")
    return ""


def store(attached: AttachedFile) -> str:
    """Save the file under a fresh folder (so names never clash) and return its name."""
    today = timezone.now()
    try:
        safe_name = get_valid_filename(PurePath(attached.filename).name)[-120:]
    except SuspiciousFileOperation:  # nothing usable left of the name
        safe_name = "attachment"
    path = f"mail/{today:%Y/%m}/{uuid.uuid4().hex}/{safe_name}"
    return default_storage.save(path, ContentFile(attached.content))
