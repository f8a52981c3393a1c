"""E-mail as documentation centres receive it: mbox archives (each message a source, threaded
by Message-ID / In-Reply-To / References), .eml and Outlook .msg files, HTML-only bodies,
inline images, attachments ingested as child sources recursively (with a depth guard), and the
encodings of Korean mail — EUC-KR, CP949 under its many labels, ISO-2022-KR, unlabelled 8-bit
headers and bodies. Storage on both backends. Every message here is made in the test and
fictional."""

from __future__ import annotations

import base64
import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from sillok.archive.service import Archive
from sillok.archive.verify import verify
from sillok.db import models as m
from sillok.ingest.detect import sniff
from sillok.ingest.formats_email import eml, header_text, mbox
from sillok.ingest.guards import Limits
from sillok.ingest.pipeline import Ingestor, Options
from tests import files
from tests.conftest import ADMIN

# Syllables outside EUC-KR (KS X 1001) that CP949 has: strict EUC-KR cannot decode them.
CP949_ONLY = "[가상] 똠방각하 샾 쀍 뷁, 할머니의 편지"


def _sources(archive: Archive, ids: list[int]) -> list[m.Source]:
    with archive.sessions() as session:
        found = [session.get_one(m.Source, i) for i in ids]
        for s in found:
            session.expunge(s)
        return found


def _raw(headers: list[tuple[str, str]], body: bytes, ctype: str = "text/plain",
         charset: str | None = "utf-8", cte: str = "8bit") -> bytes:
    lines = [f"{k}: {v}" for k, v in headers]
    lines.append("MIME-Version: 1.0")
    lines.append(f"Content-Type: {ctype}" + (f"; charset={charset}" if charset else ""))
    lines.append(f"Content-Transfer-Encoding: {cte}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _message(mid: str, subject: str, body: str, reply_to: str | None = None,
             references: str | None = None, attachments: list[tuple[str, bytes]] = ()) -> bytes:
    msg = EmailMessage()
    msg["From"] = "witness.contact@example.org"
    msg["To"] = "archive@example.org"
    msg["Subject"] = subject
    msg["Date"] = "Tue, 09 May 2023 11:00:00 +0900"
    msg["Message-ID"] = mid
    if reply_to:
        msg["In-Reply-To"] = reply_to
    if references:
        msg["References"] = references
    msg.set_content(body)
    for name, data in attachments:
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return bytes(msg)


def _mbox(messages: list[bytes]) -> bytes:
    out = b""
    for raw in messages:
        # mboxo: a body line starting with "From " is written as ">From ".
        body = raw.replace(b"\nFrom ", b"\n>From ")
        out += b"From witness.contact@example.org Tue May  9 11:00:00 2023\n" + body
        out += b"\n" if body.endswith(b"\n") else b"\n\n"
    return out


# -- mbox -------------------------------------------------------------------------------------
def test_mbox_each_message_a_source_threaded(archive: Archive) -> None:
    data = _mbox([
        _message("<t1@example.org>", "[가상] 구류장 면담 일정", "[가상] 첫 편지입니다."),
        _message("<other@example.org>", "[Fictional] unrelated", "[Fictional] a note.\n"
                 "From the field office, with thanks."),
        _message("<t2@example.org>", "Re: [가상] 구류장 면담 일정", "[가상] 답장입니다.",
                 reply_to="<t1@example.org>", references="<t1@example.org>",
                 attachments=[("면담.txt", "[가상] 면담 기록 첨부".encode())]),
        # names its parent only in References (some clients drop In-Reply-To)
        _message("<t3@example.org>", "Re: Re: [가상] 구류장 면담 일정", "[가상] 세 번째.",
                 references="<t1@example.org> <t2@example.org>"),
    ])
    assert sniff(data).family == "mbox"
    outcome = Ingestor(archive, ADMIN, Options()).ingest_bytes(data, "archive.mbox")
    assert outcome.status == "ingested", outcome.reason
    # the archive, 4 messages, 1 attachment
    assert len(outcome.sources) == 6
    box, first, other, second, note, third = _sources(archive, outcome.sources)
    assert box.title == "mbox: 4 messages in 2 threads" and box.kind == "letter"
    assert box.media_type == "application/mbox"
    assert "[가상] 구류장 면담 일정" in box.text and "↳ 3." in box.text
    assert [s.parent_id for s in (first, other, second, third)] == [box.id] * 4
    assert note.parent_id == second.id and note.text == "[가상] 면담 기록 첨부"
    assert first.title == "[가상] 구류장 면담 일정" and first.text == "[가상] 첫 편지입니다."
    assert "From the field office" in other.text  # the mbox's ">From " escape undone
    assert second.extra["attached"] == {"as": "message", "in_reply_to": first.id,
                                        "thread": first.id}
    assert third.extra["attached"] == {"as": "message", "in_reply_to": second.id,
                                       "thread": first.id}
    assert other.extra["attached"] == {"as": "message"}
    assert second.extra["metadata"]["in-reply-to"] == "<t1@example.org>"
    assert str(first.published_start) == "2023-05-09"
    assert verify(archive).ok


def test_mbox_messages_in_their_own_encodings() -> None:
    euc = _raw([("From", "a@example.org"), ("Subject", "=?euc-kr?B?"
                + base64.b64encode("[가상] 편지".encode("cp949")).decode() + "?="),
                ("Date", "Wed, 10 May 2023 09:00:00 +0900")],
               CP949_ONLY.encode("cp949"), charset="euc-kr")
    utf = _raw([("From", "b@example.org"), ("Subject", "[Fictional] plain"),
                ("Date", "Wed, 10 May 2023 10:00:00 +0900")], "[가상] 유니코드".encode())
    data = _mbox([euc, utf])
    extracted = mbox(data, Limits())
    assert extracted.title == "mbox: 2 messages in 2 threads"
    one = mbox(_mbox([euc]), Limits())
    assert one.title == "mbox: 1 message in 1 thread"
    assert [a.role for a in extracted.attachments] == ["message", "message"]
    assert "[가상] 편지" in extracted.text  # the listing decoded each message's own subject
    first = eml(extracted.attachments[0].data, Limits())
    assert first.text == CP949_ONLY and first.title == "[가상] 편지"
    assert eml(extracted.attachments[1].data, Limits()).text == "[가상] 유니코드"


# -- Korean encodings -----------------------------------------------------------------------
@pytest.mark.parametrize("label", ["euc-kr", "EUC-KR", "ks_c_5601-1987", "x-windows-949",
                                   "windows-949", "cp949"])
@pytest.mark.parametrize("cte", ["8bit", "base64", "quoted-printable"])
def test_korean_labels_read_as_cp949(label: str, cte: str) -> None:
    raw = CP949_ONLY.encode("cp949")
    body = (base64.encodebytes(raw) if cte == "base64" else
            __import__("quopri").encodestring(raw) if cte == "quoted-printable" else raw)
    subject = "=?" + label + "?B?" + base64.b64encode("[가상] 똠방각하".encode("cp949")).decode()
    data = _raw([("From", "a@example.org"), ("Subject", subject + "?=")], body,
                charset=label, cte=cte)
    got = eml(data, Limits())
    assert got.text == CP949_ONLY
    assert got.title == "[가상] 똠방각하"


def test_pythons_own_reading_loses_cp949_syllables() -> None:
    """Why the labels are mapped: the email package reads these labels as strict EUC-KR."""
    data = _raw([("From", "a@example.org"), ("Subject", "x")], CP949_ONLY.encode("cp949"),
                charset="ks_c_5601-1987")
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert message.get_content() != CP949_ONLY  # replacement characters
    assert eml(data, Limits()).text == CP949_ONLY


def test_iso_2022_kr_body_and_header() -> None:
    text = "[가상] 탈북민 증언 기록입니다."
    raw = text.encode("iso2022_kr")
    subject = "=?iso-2022-kr?B?" + base64.b64encode("[가상] 증언".encode("iso2022_kr")).decode()
    data = _raw([("From", "a@example.org"), ("Subject", subject + "?=")], raw,
                charset="iso-2022-kr", cte="7bit")
    got = eml(data, Limits())
    assert got.text == text and got.title == "[가상] 증언"


def test_unlabelled_8bit_header_and_body() -> None:
    # A client that never encoded anything: raw CP949 in the header and no charset at all.
    head = b"From: a@example.org\r\nSubject: " + "[가상] 똠방각하의 편지".encode("cp949")
    data = head + b"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n" + \
        (CP949_ONLY + " 함경북도 회령에서 보낸 편지입니다.").encode("cp949")
    assert sniff(data).family == "eml"
    got = eml(data, Limits())
    assert got.title == "[가상] 똠방각하의 편지"
    assert got.text.startswith(CP949_ONLY)


def test_mixed_encodings_in_one_file_still_a_mail() -> None:
    # UTF-8 header, EUC-KR body: not text in any one encoding, a mail all the same.
    data = ("From: a@example.org\r\nSubject: [가상] 혼합\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=euc-kr\r\n\r\n").encode() + \
        CP949_ONLY.encode("cp949")
    assert sniff(data).family == "eml"
    got = eml(data, Limits())
    assert got.title == "[가상] 혼합" and got.text == CP949_ONLY


def test_header_words_in_several_charsets() -> None:
    value = ("=?utf-8?B?" + base64.b64encode("[가상] 보고".encode()).decode() + "?= "
             "=?euc-kr?B?" + base64.b64encode(" 똠방".encode("cp949")).decode() + "?= end")
    assert header_text(value) == "[가상] 보고 똠방 end"


# -- bodies, inline images, attachments --------------------------------------------------------
def test_small_html_only_body_and_its_attachment(archive: Archive) -> None:
    msg = EmailMessage()
    msg["From"] = "office@example.org"
    msg["Subject"] = "[Fictional] html only"
    msg.set_content("<html><body><p>[Fictional] Short note.</p><p>See attached.</p>"
                    "</body></html>", subtype="html")
    msg.add_attachment(files.docx(["[가상] 첨부된 증언."]), maintype="application",
                       subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                       filename="증언.docx")
    outcome = Ingestor(archive, ADMIN, Options()).ingest_bytes(bytes(msg), "note.eml")
    assert outcome.status == "ingested", outcome.reason
    parent, child = _sources(archive, outcome.sources)
    assert parent.text.split("\n") in (["[Fictional] Short note.", "See attached."],
                                        ["[Fictional] Short note.", "", "See attached."])
    assert parent.extra["metadata"]["body"] == "html"
    assert child.original_filename == "증언.docx" and "첨부된 증언" in child.text
    assert child.parent_id == parent.id


def test_inline_image_is_a_child_source(archive: Archive) -> None:
    msg = EmailMessage()
    msg["From"] = "office@example.org"
    msg["Subject"] = "[Fictional] photo inline"
    msg.set_content("[Fictional] the photo is below.")
    msg.add_alternative('<p>[Fictional] the photo is below.</p><img src="cid:photo1">',
                        subtype="html")
    msg.get_payload()[1].add_related(files.png("x"), maintype="image", subtype="png",
                                     cid="<photo1>", filename="photo.png")
    outcome = Ingestor(archive, ADMIN, Options()).ingest_bytes(bytes(msg), "photo.eml")
    assert outcome.status == "ingested", outcome.reason
    parent, image = _sources(archive, outcome.sources)
    assert parent.text == "[Fictional] the photo is below."
    assert image.media_type == "image/png" and image.extra["attached"] == {"as": "inline"}


def _forward(inner: bytes, depth: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = "office@example.org"
    msg["Subject"] = f"[Fictional] Fwd {depth}"
    msg.set_content(f"[Fictional] forwarding, level {depth}.")
    msg.add_attachment(email.message_from_bytes(inner, policy=email.policy.default))
    return bytes(msg)


def test_attachments_recursive_with_a_depth_guard(archive: Archive) -> None:
    inner = files.eml("[Fictional] the original letter.",
                      [("report.pdf", files.pdf(["[Fictional] page of the report."]))])
    forwarded = _forward(inner, 1)
    outcome = Ingestor(archive, ADMIN, Options()).ingest_bytes(forwarded, "fwd.eml")
    assert outcome.status == "ingested", outcome.reason
    top, letter, report = _sources(archive, outcome.sources)
    assert letter.parent_id == top.id and report.parent_id == letter.id
    assert letter.text == "[Fictional] the original letter."
    assert letter.extra["attached"] == {"as": "message"}
    assert "page of the report" in report.text and report.media_type == "application/pdf"

    deep = inner
    for level in range(1, 6):
        deep = _forward(deep, level)
    guarded = Ingestor(archive, ADMIN, Options(limits=Limits(max_depth=2)))
    outcome = guarded.ingest_bytes(deep, "deep.eml")
    assert outcome.status == "ingested", outcome.reason
    assert any("nested deeper than 2" in n for n in outcome.notes)
    made = _sources(archive, outcome.sources)
    # levels 5 and 4 read, level 3 kept as bytes without being read
    assert len(made) == 4 and made[-1].text == "" and made[-1].parent_id == made[-2].id
    other = files.eml("[Fictional] another letter.", [("a.txt", b"[Fictional] a"),
                                                       ("b.txt", b"[Fictional] b")])
    guarded = Ingestor(archive, ADMIN, Options(limits=Limits(max_parts=2)))
    outcome = guarded.ingest_bytes(_forward(other, 9), "many.eml")
    assert len(outcome.sources) == 3 and any("not kept" in n for n in outcome.notes)
    assert verify(archive).ok


# -- Outlook ----------------------------------------------------------------------------------
def test_outlook_msg_with_attachment(archive: Archive) -> None:
    data = files.outlook_msg("[가상] 회의 기록", "[가상] 회의 내용입니다. 똠방각하.",
                             [("첨부.txt", "[가상] 첨부 파일".encode(), "text/plain")])
    assert sniff(data).family == "msg"
    outcome = Ingestor(archive, ADMIN, Options()).ingest_bytes(data, "meeting.msg")
    assert outcome.status == "ingested", outcome.reason
    parent, child = _sources(archive, outcome.sources)
    assert parent.title == "[가상] 회의 기록" and parent.text == "[가상] 회의 내용입니다. 똠방각하."
    assert parent.media_type == "application/vnd.ms-outlook" and parent.kind == "letter"
    assert str(parent.published_start) == "2023-05-08"
    assert parent.extra["metadata"]["message-id"] == "<msg-1@example.org>"
    assert child.text == "[가상] 첨부 파일" and child.original_filename == "첨부.txt"


def test_outlook_msg_html_only() -> None:
    from sillok.ingest.worker import parse_here

    data = files.outlook_msg("[Fictional] html", None, [],
                             html=b"<html><body><p>[Fictional] short html body</p></body></html>")
    got = parse_here(data, Limits(), {})
    assert got.text == "[Fictional] short html body" and got.metadata["body"] == "html"


def test_damaged_mail_files_fail_alone(archive: Archive, tmp_path: Path) -> None:
    from sillok.ingest.batch import run_batch

    folder = tmp_path / "in"
    folder.mkdir()
    good = files.outlook_msg("[Fictional] ok", "[Fictional] fine.", [])
    (folder / "a.msg").write_bytes(good)
    (folder / "b-cut.msg").write_bytes(good[:1536])
    (folder / "c.mbox").write_bytes(_mbox([_message("<x@example.org>", "[Fictional] x",
                                                    "[Fictional] body.")]))
    report = run_batch(Ingestor(archive, ADMIN, Options()), [folder])
    got = {Path(o.file).name: o.status for o in report.outcomes}
    assert got == {"a.msg": "ingested", "b-cut.msg": "failed", "c.mbox": "ingested"}
