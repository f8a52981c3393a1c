"""E-mail: single messages (.eml), mbox archives and Outlook's .msg files.

A message's text is its plain body, or its HTML body's text when it has no plain one (a small
HTML part is read too: when the page extractor finds no "main text" in it, the markup is
stripped instead). Every other part — attachments, inline images, forwarded messages — is
handed back as an attachment, which the pipeline ingests as a child source, recursively.

Korean mail is decoded by what its bytes are, not only by what it says it is: ``euc-kr`` and
``ks_c_5601-1987`` (Outlook's name) are read as CP949, the superset Korean mail clients really
write (Python reads both names as strict EUC-KR, which loses 똠, 샾 and the rest of the 8,822
syllables outside it); ``x-windows-949`` is unknown to Python altogether; ISO-2022-KR is read by
its own codec; headers with raw 8-bit bytes and bodies with no charset go to the detector.

An mbox archive becomes one source listing its messages (threaded by Message-ID, In-Reply-To
and References), with each message as a child source that records its thread.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import io
import mailbox
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from email.header import decode_header
from email.message import EmailMessage, Message
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

from sillok.ingest.detect import Detected, Refused
from sillok.ingest.document import Attachment, Extracted, paragraph_offsets
from sillok.ingest.guards import Limits
from sillok.ingest.metadata import heading
from sillok.ingest.textcodec import NotText, decode

# Every label Korean mail carries for EUC-KR or its superset CP949 (UHC): all read as CP949.
KOREAN_LABELS = frozenset((
    "euc-kr", "euckr", "ks-c-5601-1987", "ks-c-5601", "ksc5601", "ksc-5601", "ks-x-1001",
    "korean", "csksc56011987", "iso-ir-149", "cseuckr", "cp949", "ms949", "uhc",
    "windows-949", "x-windows-949", "x-uhc",
))
ISO_2022_KR = frozenset(("iso-2022-kr", "csiso2022kr"))
THREAD_HEADERS = ("message-id", "in-reply-to", "references")


def codec_for(charset: str | None) -> str | None:
    """The codec to read a part declared as ``charset`` with; None: unknown, detect it."""
    if not charset:
        return None
    name = charset.strip().strip('"').lower().replace("_", "-")
    if name in KOREAN_LABELS:
        return "cp949"
    if name in ISO_2022_KR:
        return "iso2022_kr"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(raw: bytes, charset: str | None) -> str:
    """Text of a body or header part: its declared charset (mapped above) when the bytes fit,
    else what the detector finds, else the declared one with replacement characters."""
    codec = codec_for(charset)
    if codec is not None:
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            pass
    try:
        return decode(raw)[0]
    except NotText:
        return raw.decode(codec or "utf-8", "replace")


def header_text(raw: str) -> str:
    """A header's value from its raw form: encoded words decoded with the mapping above, raw
    8-bit bytes (mail clients that never encoded their headers) by detection."""
    # Raw bytes come as surrogates; a value already decoded (a file name) comes as UTF-8.
    raw_bytes = raw.encode("utf-8", "surrogateescape")
    if any(b > 127 for b in raw_bytes):
        text = decode_bytes(raw_bytes, None)
    else:
        text = "".join(chunk if isinstance(chunk, str) else decode_bytes(chunk, charset or "ascii")
                       for chunk, charset in decode_header(raw))
    return " ".join(text.split())


@dataclass
class Mail:
    """One message, read."""

    text: str
    subject: str
    headers: dict[str, str]
    published: str | None
    attachments: list[Attachment] = field(default_factory=list)
    html_only: bool = False


def eml(data: bytes, limits: Limits) -> Extracted:
    mail = read_message(data, limits)
    return _extracted("eml", "message/rfc822", mail)


def read_message(data: bytes, limits: Limits) -> Mail:
    message = email.message_from_bytes(data, policy=email.policy.default)
    if not isinstance(message, EmailMessage):  # pragma: no cover - policy.default guarantees it
        raise Refused("not an e-mail message")
    headers = {name.lower(): header_text(value) for name, value in message.raw_items()
               if name.lower() in ("from", "to", "cc", "date", "subject", *THREAD_HEADERS)}
    plain = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    text = _part_text(plain).strip() if plain is not None else ""
    html_only = False
    if not text and html_part is not None:
        text, html_only = html_text(_part_text(html_part), limits), True
    bodies = {id(p) for p in (plain, html_part) if p is not None}
    attachments: list[Attachment] = []
    extra_text: list[str] = []
    total = 0
    for part in _leaves(message):
        if id(part) in bodies:
            continue
        ctype = part.get_content_type()
        disposition = part.get_content_disposition()
        name = part.get_filename()
        if ctype == "text/plain" and disposition != "attachment" and not name:
            extra_text.append(_part_text(part).strip())  # a body in pieces (Apple Mail)
            continue
        if ctype == "text/html" and disposition != "attachment" and not name:
            continue  # the HTML twin of a plain body already read
        payload = _payload(part)
        if payload is None:
            continue
        total += len(payload)
        if len(attachments) >= limits.max_attachments:
            raise Refused(f"more than {limits.max_attachments} attachments")
        if total > limits.max_unpacked_bytes:
            raise Refused(f"attachments expand past {limits.max_unpacked_bytes} bytes")
        role = ("message" if ctype == "message/rfc822"
                else "inline" if disposition == "inline" or part.get("content-id") else
                "attachment")
        if name is None and ctype == "message/rfc822":
            name = "forwarded.eml"
        attachments.append(Attachment(header_text(name) if name else None, payload, ctype,
                                      role=role))
    text = "\n\n".join(t for t in [text, *extra_text] if t).replace("\r\n", "\n")
    return Mail(text, headers.get("subject", ""), headers, _mail_date(headers.get("date")),
                attachments, html_only)


def _extracted(family: str, media_type: str, mail: Mail) -> Extracted:
    metadata: dict[str, Any] = {k: v for k, v in mail.headers.items()
                                if k in ("from", "to", "cc", *THREAD_HEADERS) and v}
    if mail.html_only:
        metadata["body"] = "html"
    if mail.published:
        metadata["date_source"] = "e-mail Date header"
    return Extracted(family, media_type, text=mail.text,
                     title=mail.subject or heading(mail.text), published=mail.published,
                     author=mail.headers.get("from") or None,
                     paragraphs=paragraph_offsets(mail.text), metadata=metadata,
                     attachments=mail.attachments)


def _leaves(part: Message) -> list[Message]:
    """The parts that hold content, in order; a forwarded message is one part (not entered)."""
    if part.get_content_type() == "message/rfc822":
        return [part]
    if part.is_multipart():
        found: list[Message] = []
        for sub in part.get_payload():
            if isinstance(sub, Message):
                found.extend(_leaves(sub))
        return found
    return [part]


def _payload(part: Message) -> bytes | None:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            return inner[0].as_bytes(policy=email.policy.compat32)
        return None
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else None


def _part_text(part: Message) -> str:
    raw = part.get_payload(decode=True)
    if not isinstance(raw, bytes):
        return ""
    return decode_bytes(raw, part.get_content_charset())


class _Text(HTMLParser):
    """Markup stripped to its text, blocks on their own lines; nothing is nested, so no
    depth limit is needed (a hostile mail cannot make this recurse)."""

    BLOCKS = frozenset(("p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6",
                        "blockquote", "table", "hr", "pre"))
    SKIP = frozenset(("script", "style", "head", "title"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_text(markup: str, limits: Limits) -> str:
    """The text of an HTML body: the page extractor's when it finds a main text (it drops
    navigation and boilerplate), else the markup stripped — a two-line HTML mail is all
    "boilerplate" to an extractor made for web pages."""
    from sillok.ingest.formats_text import html

    try:
        text = html(Detected("html", "text/html", "utf-8", markup), limits).text
        if text.strip():
            return text
    except Refused:
        pass
    parser = _Text()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


# -- mbox -------------------------------------------------------------------------------------
def mbox(data: bytes, limits: Limits) -> Extracted:
    """One source listing the messages, each message a child source with its thread."""
    with tempfile.NamedTemporaryFile(suffix=".mbox") as fh:  # mailbox reads files only
        fh.write(data)
        fh.flush()
        box = mailbox.mbox(fh.name, create=False)
        try:
            messages = [box.get_bytes(key) for key in box.iterkeys()]
        finally:
            box.close()
    if not messages:
        raise Refused("an mbox archive with no messages")
    if len(messages) > limits.max_parts:
        raise Refused(f"more than {limits.max_parts} messages in one mbox archive")
    heads = [_thread_headers(raw) for raw in messages]
    replies, roots = thread(heads)
    attachments: list[Attachment] = []
    lines: list[str] = []
    for number, (raw, head) in enumerate(zip(messages, heads, strict=True)):
        links: dict[str, int] = {}
        reply = replies[number]
        if reply is not None:
            links["in_reply_to"] = reply
        if roots[number] != number:
            links["thread"] = roots[number]
        attachments.append(Attachment(f"message-{number + 1:04d}.eml", raw, "message/rfc822",
                                      role="message", links=links))
        depth = _depth(number, replies)
        date = head.get("date", "")
        when = _mail_date(date) or "????-??-??"
        lines.append(f"{'  ' * min(depth, 8)}{'↳ ' if depth else ''}{number + 1}. {when} "
                     f"{head.get('from', '')} — {head.get('subject', '') or '(no subject)'}")
    text = "\n".join(lines)
    threads = len(set(roots))
    return Extracted("mbox", "application/mbox", text=text,
                     title=(f"mbox: {len(messages)} message{'s' * (len(messages) != 1)} in "
                            f"{threads} thread{'s' * (threads != 1)}"),
                     paragraphs=paragraph_offsets(text), attachments=attachments,
                     metadata={"messages": len(messages), "threads": threads})


def _thread_headers(raw: bytes) -> dict[str, str]:
    head = raw.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    message = email.message_from_bytes(head + b"\n\n", policy=email.policy.compat32)
    return {name.lower(): header_text(str(value)) for name, value in message.items()
            if name.lower() in ("from", "date", "subject", *THREAD_HEADERS)}


MESSAGE_ID = re.compile(r"<[^<>\s]+>")


def thread(heads: list[dict[str, str]]) -> tuple[list[int | None], list[int]]:
    """For each message: the message it answers (its index, or None) and its thread's first
    message (an index). A reply names its parent in In-Reply-To, else as the last of its
    References; a parent that is not in the archive leaves it the start of a thread, grouped
    with others that share the first message of their References."""
    index: dict[str, int] = {}
    for number, head in enumerate(heads):
        for found in MESSAGE_ID.findall(head.get("message-id", ""))[:1]:
            index.setdefault(found, number)
    replies: list[int | None] = []
    for number, head in enumerate(heads):
        parent = None
        wanted = (MESSAGE_ID.findall(head.get("in-reply-to", ""))[:1]
                  + MESSAGE_ID.findall(head.get("references", ""))[::-1])
        for ref in wanted:
            if ref in index and index[ref] != number:
                parent = index[ref]
                break
        replies.append(parent)
    roots: list[int] = []
    first_seen: dict[str, int] = {}
    for number, head in enumerate(heads):
        root, seen = number, {number}
        while replies[root] is not None and replies[root] not in seen:
            root = replies[root]  # type: ignore[assignment]
            seen.add(root)
        if root == number:  # a parent outside the archive: group by the thread's first id
            refs = MESSAGE_ID.findall(head.get("references", "")) or MESSAGE_ID.findall(
                head.get("in-reply-to", ""))
            if refs:
                root = first_seen.setdefault(refs[0], number)
        roots.append(root)
    return replies, roots


def _depth(number: int, replies: list[int | None]) -> int:
    depth, seen = 0, {number}
    parent = replies[number]
    while parent is not None and parent not in seen:
        seen.add(parent)
        depth += 1
        parent = replies[parent]
    return depth


def _mail_date(value: Any) -> str | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(str(value)).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


# -- Outlook .msg -----------------------------------------------------------------------------
def msg(data: bytes, limits: Limits) -> Extracted:
    """An Outlook message (an OLE file of MAPI properties), read with extract-msg."""
    import extract_msg
    from extract_msg.enums import AttachmentType
    from extract_msg.exceptions import ExMsgBaseException
    from extract_msg.ole_writer import OleWriter

    try:
        message = extract_msg.openMsg(data, strict=False, delayAttachments=False)
    except (ExMsgBaseException, OSError, ValueError, KeyError) as exc:
        raise Refused(f"damaged Outlook message ({type(exc).__name__}: {exc})") from None
    with message:
        text = str(getattr(message, "body", None) or "").strip()
        html_only = False
        if not text:
            html_body = getattr(message, "htmlBody", None)
            if isinstance(html_body, bytes) and html_body.strip():
                text, html_only = html_text(decode_bytes(html_body, "utf-8"), limits), True
        headers = {
            "from": str(getattr(message, "sender", None) or ""),
            "to": str(getattr(message, "to", None) or ""),
            "cc": str(getattr(message, "cc", None) or ""),
            "subject": str(getattr(message, "subject", None) or ""),
            "message-id": str(getattr(message, "messageId", None) or ""),
            "in-reply-to": str(getattr(message, "inReplyTo", None) or ""),
        }
        sent = getattr(message, "date", None)
        attachments: list[Attachment] = []
        total = 0
        for att in getattr(message, "attachments", []):
            if att.type == AttachmentType.MSG:  # a message attached to the message
                writer, out = OleWriter(), io.BytesIO()
                writer.fromMsg(att.data)
                writer.write(out)
                content, ctype, role = out.getvalue(), "application/vnd.ms-outlook", "message"
            elif isinstance(att.data, bytes):
                content = att.data
                ctype = att.mimetype or "application/octet-stream"
                role = "inline" if getattr(att, "hidden", False) else "attachment"
            else:
                continue  # a link to a file elsewhere: nothing to keep
            total += len(content)
            if len(attachments) >= limits.max_attachments:
                raise Refused(f"more than {limits.max_attachments} attachments")
            if total > limits.max_unpacked_bytes:
                raise Refused(f"attachments expand past {limits.max_unpacked_bytes} bytes")
            name = att.longFilename or att.shortFilename or None
            attachments.append(Attachment(name, content, ctype, role=role))
    mail = Mail(text.replace("\r\n", "\n"), " ".join(headers["subject"].split()),
                {k: v for k, v in headers.items() if v},
                sent.date().isoformat() if isinstance(sent, datetime) else None,
                attachments, html_only)
    return _extracted("msg", "application/vnd.ms-outlook", mail)
