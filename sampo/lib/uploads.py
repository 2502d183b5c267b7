"""Files users attach: only the kinds an office shares, checked by name AND by content, so a
program renamed to offer.pdf is refused, and never larger than the configured limit."""

from __future__ import annotations

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Office files and Outlook .msg
ZIP = b"PK\x03\x04"  # zip and the Office Open XML / OpenDocument formats inside one
TEXT = None  # plain text: no signature, but no NUL bytes either

# extension -> the bytes the file must start with (any of them), or TEXT
SIGNATURES: dict[str, tuple[bytes, ...] | None] = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".docx": (ZIP,), ".xlsx": (ZIP,), ".pptx": (ZIP,),
    ".odt": (ZIP,), ".ods": (ZIP,), ".odp": (ZIP,), ".zip": (ZIP,),
    ".doc": (OLE,), ".xls": (OLE,), ".ppt": (OLE,), ".msg": (OLE,),
    ".txt": TEXT, ".csv": TEXT, ".eml": TEXT, ".ics": TEXT, ".vcf": TEXT, ".md": TEXT,
}  # fmt: skip
SNIFF_BYTES = 4096


def check_upload(upload: UploadedFile, *, max_bytes: int) -> None:
    """Raises a translated ValidationError for a file Sampo will not keep."""
    name = upload.name or ""
    extension = PurePath(name).suffix.lower()
    if extension not in SIGNATURES:
        raise ValidationError(
            _("“%(name)s” is not a kind of file Sampo keeps. Allowed: %(kinds)s.")
            % {"name": name, "kinds": ", ".join(sorted(SIGNATURES))}
        )
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is %(size)s; the limit is %(limit)s.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(max_bytes),
            }
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    signatures = SIGNATURES[extension]
    matches = b"\x00" not in head if signatures is TEXT else head.startswith(signatures)
    if not matches:
        raise ValidationError(
            _("“%(name)s” does not look like a %(kind)s file inside. It was not saved.")
            % {"name": name, "kind": extension.lstrip(".").upper()}
        )
