"""Raw messages as mail clients write them: encoded headers, multipart bodies, attachments."""

from __future__ import annotations

import base64

CRLF = "\r\n"


def raw(text: str) -> bytes:
    return CRLF.join(text.strip("\n").splitlines()).encode("latin-1") + b"\r\n"


def simple(
    *,
    sender: str = "Maija Lehtonen <maija.lehtonen@virtanen.example>",
    to: str = "Sampo CRM <crm@sampo.example>",
    subject: str = "Tarjouspyyntö",
    message_id: str | None = "<offer-1@virtanen.example>",
    in_reply_to: str = "",
    references: str = "",
    body: str = "Hei, voisitteko lähettää tarjouksen?",
    date: str = "Mon, 02 Mar 2026 09:15:00 +0200",
) -> bytes:
    headers = [f"From: {sender}", f"To: {to}", f"Subject: {subject}", f"Date: {date}"]
    if message_id:
        headers.append(f"Message-ID: {message_id}")
    if in_reply_to:
        headers.append(f"In-Reply-To: {in_reply_to}")
    if references:
        headers.append(f"References: {references}")
    headers += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: 8bit"]  # fmt: skip
    return (CRLF.join(headers) + CRLF + CRLF + body + CRLF).encode()


# Outlook-style: ISO-8859-1 encoded words in From and Subject, quoted-printable body.
ISO_8859_1 = raw("""
From: =?iso-8859-1?Q?J=E4rvinen=2C_P=E4ivi?= <paivi.jarvinen@saha.example>
To: crm@sampo.example
Subject: =?iso-8859-1?Q?P=E4=E4t=F6s_hankinnasta_=E4=F6=E5?=
Date: Tue, 03 Mar 2026 14:02:11 +0200
Message-ID: <iso-1@saha.example>
MIME-Version: 1.0
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

Hyv=E4 myyj=E4, p=E4=E4timme ostaa s=E4hk=F6ty=F6kalut.
""")

# Thunderbird-style from Hungary: UTF-8 base64 encoded words, multipart/alternative, a Cc.
HUNGARIAN_ALTERNATIVE = (
    CRLF.join(
        [
            "From: =?UTF-8?B?"
            + base64.b64encode("Kovács Árpád".encode()).decode()
            + "?= <arpad.kovacs@gyar.example>",
            "To: crm@sampo.example",
            "Cc: =?UTF-8?Q?Sz=C5=91ke_=C3=89va?= <eva.szoke@gyar.example>",
            "Subject: =?UTF-8?B?" + base64.b64encode("Árajánlat - űrlap".encode()).decode() + "?=",
            "Date: Wed, 04 Mar 2026 08:30:00 +0100",
            "Message-ID: <hu-1@gyar.example>",
            "MIME-Version: 1.0",
            'Content-Type: multipart/alternative; boundary="b1"',
            "",
            "--b1",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            base64.b64encode(
                "Tisztelt Uram, küldöm az árajánlatot. Üdvözlettel, Árpád".encode()
            ).decode(),
            "--b1",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "",
            (
                "<html><head><style>p{color:red}</style></head><body><p>Tisztelt Uram, "
                "<b>küldöm</b> az árajánlatot.</p></body></html>"
            ),
            "--b1--",
            "",
        ]
    )
).encode()

# HTML that tries to run code and to track the reader.
SCRIPTED_HTML = raw("""
From: Huijari <phish@evil.example>
To: crm@sampo.example
Subject: Invoice
Date: Thu, 05 Mar 2026 10:00:00 +0000
Message-ID: <evil-1@evil.example>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<p onclick="steal()">Pay now</p><script>alert(document.cookie)</script>
<a href="javascript:alert(1)">link</a><img src="https://tracker.evil.example/p.gif" onerror="x()">
<iframe src="https://evil.example"></iframe><a href="https://ok.example/">ok</a>
""")


def with_attachments(
    *, files: list[tuple[str, str, bytes]], message_id: str = "<files-1@virtanen.example>"
) -> bytes:
    """A message with the given (filename, content type, content) attachments."""
    parts = [
        "From: Maija Lehtonen <maija.lehtonen@virtanen.example>",
        "To: crm@sampo.example",
        "Subject: Liitteet",
        "Date: Fri, 06 Mar 2026 12:00:00 +0200",
        f"Message-ID: {message_id}",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="mix"',
        "",
        "--mix",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Liitteenä piirustukset.",
    ]
    for filename, content_type, content in files:
        parts += [
            "--mix",
            f'Content-Type: {content_type}; name="{filename}"',
            f'Content-Disposition: attachment; filename="{filename}"',
            "Content-Transfer-Encoding: base64",
            "",
            base64.encodebytes(content).decode().strip(),
        ]
    parts += ["--mix--", ""]
    return CRLF.join(parts).encode()
