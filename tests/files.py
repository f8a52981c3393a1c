"""Test files of every format ingest accepts, made on the fly (all content fictional)."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

KO = ("[가상 자료] 탈북민 34명이 2023년 1분기에 한국에 입국했다고 통일부가 밝혔다. "
      "함경북도 회령 출신 박철수 씨는 작년 3월 중국 공안에 체포돼 강제북송됐다고 증언했다.")
EN = ("[Fictional] Thirty-four people arrived in the first quarter of 2023. A group of five "
      "escapees was arrested by Chinese police in Shenyang and faced forced repatriation.")
LONG_KO = ("[가상 증언] 저는 양강도 혜산에서 장사를 하며 살았습니다. 겨울이 되면 강이 얼어서 "
           "사람들이 밤에 몰래 건너가곤 했습니다. 어느 날 보위부원이 집에 찾아와 남동생의 행방을 "
           "물었고, 어머니는 아무것도 모른다고 대답했습니다. 그 뒤로 우리 가족은 매일 감시를 "
           "받았고, 장마당에서도 사람들이 우리와 말을 섞지 않으려 했습니다. 결국 저는 이듬해 봄에 "
           "집을 떠나기로 마음먹었습니다.")
TOPICS = ["border crossing", "market crackdown", "school closure", "labour mobilisation",
          "rice ration", "hospital visit", "train journey", "river crossing", "letter home",
          "phone call", "broker fee", "family reunion"]


def fiction(seed: int, words: int = 60) -> str:
    """A distinct fictional English text, so that unrelated test files never look alike."""
    import random

    rng = random.Random(seed)
    vocabulary = [
        "the", "a", "witness", "said", "that", "in", "village", "town", "market", "winter",
        "summer", "border", "guard", "family", "brother", "sister", "mother", "father",
        "school", "worker", "farm", "mine", "factory", "night", "morning", "river",
        "mountain", "road", "train", "bus", "letter", "radio", "film", "song", "book"
    ]
    body = " ".join(rng.choice(vocabulary) for _ in range(words))
    return f"[Fictional] {TOPICS[seed % len(TOPICS)]} {seed}: {body}."


def pdf(pages: list[str]) -> bytes:
    """A small valid PDF with one line of Latin text per page (Helvetica)."""
    objects: list[bytes] = []
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, text in enumerate(pages):
        safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = f"BT /F1 12 Tf 72 720 Td ({safe}) Tj ET".encode()
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>"
                       .encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream
                       + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def docx(paragraphs: list[str], title: str = "") -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.core_properties.title = title
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def hancom(paragraphs: list[str], path: Path) -> bytes:
    """HWPX or, for a path ending in .hwp, HWP 5 binary (python-hwpx writes both)."""
    from hwpx import HwpxDocument

    document = HwpxDocument.new()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save_to_path(str(path))
    return path.read_bytes()


def html(body: str, title: str = "Fictional news") -> bytes:
    chrome = ("<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/about'>About us</a>"
              "</nav><form><input placeholder='Search this site…'></form>")
    footer = ("<div class='as-seen-in'>As Seen In: The Daily Example, Radio Example</div>"
              "<footer>Copyright 2023 Example Media. All rights reserved.</footer>")
    return (f"<!DOCTYPE html><html><head><title>{title}</title>"
            "<meta name='author' content='Jane Example'>"
            "<meta property='article:published_time' content='2023-05-08'></head><body>"
            f"{chrome}<article><h1>{title}</h1>"
            + "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
            + f"</article>{footer}</body></html>").encode()


def eml(body: str, attachments: list[tuple[str, bytes]]) -> bytes:
    message = EmailMessage()
    message["From"] = "field.office@example.org"
    message["To"] = "archive@example.org"
    message["Subject"] = "[Fictional] testimony transcript"
    message["Date"] = "Mon, 08 May 2023 10:00:00 +0900"
    message.set_content(body)
    for name, data in attachments:
        message.add_attachment(data, maintype="application", subtype="octet-stream",
                               filename=name)
    return bytes(message)


def png(text: str = "") -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (200, 60), "white")
    if text:
        ImageDraw.Draw(image).text((10, 20), text, fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def zip_bomb(inner: str = "word/document.xml", mimetype: str | None = None) -> bytes:
    """A DOCX- (or HWPX-) looking zip whose one member expands 100 MB from a few hundred kB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if mimetype:
            archive.writestr("mimetype", mimetype)
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(inner, b"\0" * (100 * 1024 * 1024))
    return out.getvalue()


def billion_laughs_docx() -> bytes:
    entities = "".join(f'<!ENTITY l{i} "&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};">'
                       for i in range(1, 10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY l0 "lol">{entities}]>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           "<w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
    return out.getvalue()


def mixed_folder(root: Path) -> dict[str, str]:
    """A folder of every format, legacy encodings, duplicates and hostile files; returns the
    expected outcome status of each file (by path relative to ``root``)."""
    (root / "web").mkdir(parents=True)
    (root / "office").mkdir()
    (root / "hostile").mkdir()
    files: dict[str, tuple[bytes, str]] = {
        "notes-utf8.txt": (LONG_KO.encode(), "ingested"),
        "legacy-euckr.txt": (KO.replace("34", "35").encode("euc-kr"), "ingested"),
        "legacy-cp949.txt": (("똠방각하 " + fiction(1)).encode("cp949"), "ingested"),
        "utf16.txt": (fiction(2).encode("utf-16"), "ingested"),
        "readme.md": (b"# Fictional notes\n\n- first\n- second\n\n" + fiction(3).encode(),
                      "ingested"),
        "web/article.html": (html(EN + "\n\n" + fiction(4)), "ingested"),
        "office/report.pdf": (pdf(["Page one: forced repatriation.", "Page two: detention."]),
                              "ingested"),
        "office/testimony.docx": (docx([KO, EN], title="Fictional testimony"), "ingested"),
        "mail.eml": (eml(fiction(5), [("../../etc/passwd", b"plain attached text, fictional")]),
                     "ingested"),
        "scan.png": (png("34"), "ingested"),
        "rows.csv": ("title,text\n가상 1,첫째 짧은 자료\n가상 2,둘째 짧은 자료\n".encode(),
                     "ingested"),
        "rows.jsonl": (b'{"title": "Fictional A", "text": "short one"}\n'
                       b'{"title": "Fictional B", "text": "short two"}\n', "ingested"),
        "notes-zz-copy.txt": (LONG_KO.encode(), "duplicate"),
        "notes-zz-retyped.txt": (LONG_KO.replace("장사를 하며", "장사하며", 1).encode(),
                                 "near_duplicate"),
        "hostile/bomb.docx": (zip_bomb(), "failed"),
        "hostile/bomb.hwpx": (zip_bomb("Contents/section0.xml", "application/hwp+zip"),
                              "failed"),
        "hostile/laughs.docx": (billion_laughs_docx(), "failed"),
        "hostile/random.bin": (bytes(range(256)) * 8, "failed"),
        "hostile/bad-bytes.txt": (b"\x81\xfe\xfa" + "가나".encode() + b"\x81", "failed"),
        "hostile/deep.html": (b"<html><body>" + b"<div>" * 3000 + b"</body></html>", "failed"),
        "hostile/empty.txt": (b"", "failed"),
    }
    for name, (data, _) in files.items():
        (root / name).write_bytes(data)
    return {name: status for name, (_, status) in files.items()}


# -- protected documents (refused by name, kept as originals without text) ----------------------
def encrypted_pdf(pages: list[str], user_password: str = "secret") -> bytes:
    """A PDF that needs ``user_password`` to open ("" gives one only an owner password locks)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf(pages))))
    writer.encrypt(user_password=user_password, owner_password="owner-secret",
                   algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_docx(paragraphs: list[str], password: str = "secret") -> bytes:
    """Word's "Encrypt with password": an OLE container with EncryptionInfo/EncryptedPackage."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(docx(paragraphs))).encrypt(password, out)
    return out.getvalue()


def hwp_with_flags(paragraphs: list[str], path: Path, flags: int) -> bytes:
    """An HWP 5 file whose FileHeader properties also carry ``flags`` (0x02 password set,
    0x04 distribution document / 배포용 문서); only the header is changed."""
    import olefile

    hancom(paragraphs, path)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        header = bytearray(ole.openstream("FileHeader").read())
        properties = int.from_bytes(header[36:40], "little") | flags
        header[36:40] = properties.to_bytes(4, "little")
        ole.write_stream("FileHeader", bytes(header))
    return path.read_bytes()


# A distribution document (배포용 문서) made the way the format describes, in reverse. Checked
# against a distribution file Hancom wrote (not kept here): its key is the password's SHA-1 in
# upper-case hex, UTF-16; its compressed streams end with the CRC-32 and size of what they hold;
# AES pads with zeros; BodyText holds a stand-in paragraph.
STAND_IN = ("이 문서는 상위 버전의 배포용 문서입니다. 문서를 읽으려면 최신 버전의 한글 또는 "
            "한글 전용 뷰어가 필요합니다.")


def _hancom_deflate(data: bytes) -> bytes:
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = packer.compress(data) + packer.flush()
    return body + zlib.crc32(data).to_bytes(4, "little") + len(data).to_bytes(4, "little")


def _distribution_stream(plain: bytes, seed: int, password: str) -> bytes:
    """``plain`` (a compressed stream) behind a scrambled HWPTAG_DISTRIBUTE_DOC_DATA record."""
    import hashlib
    import random

    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    filler = random.Random(seed)
    record = bytearray(seed.to_bytes(4, "little")
                       + bytes(filler.randrange(256) for _ in range(252)))
    at = 4 + (seed & 0xF)
    digest = hashlib.sha1(password.encode()).hexdigest().upper().encode("utf-16-le")
    record[at:at + 80] = digest
    state, left, mask = seed, 0, 0
    for index in range(256):  # MSVC rand(): a mask, then how many bytes it covers
        if left == 0:
            state = (state * 214013 + 2531011) & 0xFFFFFFFF
            mask = (state >> 16) & 0xFF
            state = (state * 214013 + 2531011) & 0xFFFFFFFF
            left = ((state >> 16) & 0xF) + 1
        if index >= 4:
            record[index] ^= mask
        left -= 1
    encryptor = Cipher(algorithms.AES(digest[:16]), modes.ECB()).encryptor()
    padded = plain + bytes(-len(plain) % 16)
    header = (0x1C | (256 << 20)).to_bytes(4, "little")  # HWPTAG_DISTRIBUTE_DOC_DATA, 256 bytes
    return header + bytes(record) + encryptor.update(padded) + encryptor.finalize()


def distribution_hwp(paragraphs: list[str], path: Path, seed: int = 0x4F2E629B,
                     damaged: bool = False, compressed: bool = True) -> bytes:
    """An HWP 5 distribution document holding ``paragraphs`` in ``ViewText/Section0`` (and
    encrypted scripts); python-hwpx writes the plain file first. ``damaged``: some of the
    section's ciphertext overwritten, as a broken download would. ``compressed=False``: no
    stream deflated (the FileHeader's bit 0 clear), as 한글 saves with compression off."""
    from hwpx.hwp5.cfb import CompoundFile, build_compound_file, read_all_streams
    from hwpx.hwp5.records import inflate

    plain = dict(read_all_streams(CompoundFile(hancom(paragraphs, path))))
    stand_in = CompoundFile(hancom([STAND_IN], path.with_name(path.stem + "-stand-in.hwp")))
    header = bytearray(plain["FileHeader"])
    flags = (int.from_bytes(header[36:40], "little") | 0x04) & ~(0 if compressed else 0x01)
    header[36:40] = flags.to_bytes(4, "little")

    def stored(name: str, data: bytes) -> bytes:
        if not name.startswith(("DocInfo", "BodyText/", "Scripts/", "BinData/")):
            return data
        return _hancom_deflate(inflate(data, name)) if compressed else inflate(data, name)

    streams: list[tuple[str, bytes]] = []
    for name, data in plain.items():
        if name == "FileHeader":
            streams.append((name, bytes(header)))
        elif name.startswith(("BodyText/", "Scripts/")):
            hidden = _distribution_stream(stored(name, data), seed, "fiction")
            if damaged and name == "BodyText/Section0":
                hidden = hidden[:300] + bytes(len(hidden) - 300)
            streams.append((name.replace("BodyText/", "ViewText/"), hidden))
            if name.startswith("BodyText/"):
                streams.append((name, stored(name, stand_in.read("BodyText/Section0"))))
        else:
            streams.append((name, stored(name, data)))
    path.write_bytes(build_compound_file(streams))
    return path.read_bytes()


def property_stream(title: str, author: str, created: datetime, size: int) -> bytes:
    """An OLE summary property set ([MS-OLEPS]) of ``size`` bytes, as Hancom writes into
    ``\x05HwpSummaryInformation``: title (2) and author (4) as VT_LPWSTR, created (12) as
    VT_FILETIME."""
    def lpwstr(value: str) -> bytes:
        raw = (value + "\x00").encode("utf-16-le")
        raw += b"\x00" * (-len(raw) % 4)
        return (0x1F).to_bytes(4, "little") + (len(value) + 1).to_bytes(4, "little") + raw

    ticks = int((created - datetime(1601, 1, 1)).total_seconds() * 10_000_000)
    values = [(2, lpwstr(title)), (4, lpwstr(author)),
              (12, (0x40).to_bytes(4, "little") + ticks.to_bytes(8, "little"))]
    table, body = b"", b""
    offset = 8 + 8 * len(values)
    for pid, value in values:
        table += pid.to_bytes(4, "little") + (offset + len(body)).to_bytes(4, "little")
        body += value
    section = table + body
    section = (8 + len(section)).to_bytes(4, "little") + len(values).to_bytes(4, "little") + section
    fmtid = bytes.fromhex("e0859ff2f94f6810ab9108002b27b3d9")  # the summary information set
    header = (b"\xfe\xff\x00\x00" + (0x00020006).to_bytes(4, "little") + bytes(16)
              + (1).to_bytes(4, "little") + fmtid + (48).to_bytes(4, "little"))
    stream = header + section
    assert len(stream) <= size, "the properties do not fit the stream they replace"
    return stream + bytes(size - len(stream))


def hwp_with_properties(paragraphs: list[str], path: Path, title: str, author: str,
                        created: datetime) -> bytes:
    """An HWP 5 file whose document properties (파일 > 문서 정보) hold ``title``, ``author``
    and ``created``; python-hwpx writes the file, and its summary stream is replaced by one
    of the same size (olefile writes a stream in place only)."""
    import olefile

    hancom(paragraphs, path)
    name = "\x05HwpSummaryInformation"
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        size = ole.get_size(name)
        ole.write_stream(name, property_stream(title, author, created, size))
    return path.read_bytes()


def encrypted_hwpx(paragraphs: list[str], path: Path) -> bytes:
    """An HWPX whose manifest lists its section as encrypted (as Hancom writes with a password);
    the section's bytes are left as they were: only the declaration is read."""
    source = hancom(paragraphs, path)
    manifest = (b'<?xml version="1.0" encoding="UTF-8"?><odf:manifest '
                b'xmlns:odf="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                b'<odf:file-entry odf:full-path="Contents/section0.xml" '
                b'odf:media-type="application/xml"><odf:encryption-data '
                b'odf:checksum-type="SHA1" odf:checksum="AAAA"/></odf:file-entry>'
                b'</odf:manifest>')
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            if info.filename.lower() != "meta-inf/manifest.xml":
                new.writestr(info, old.read(info))
        new.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()


# What an HWP 3 file (한글 3.0 / 96 / 97) starts with; the rest here is filler.
HWP3 = b"HWP Document File V3.00 \x1a\x01\x02\x03\x04\x05" + bytes(200)


# -- Outlook .msg -------------------------------------------------------------------------------
def outlook_msg(subject: str, body: str | None, attachments: list[tuple[str, bytes, str]],
                html: bytes | None = None, sent: int = 1683507600,
                message_id: str = "<msg-1@example.org>") -> bytes:
    """An Outlook .msg (MS-OXMSG: an OLE file of MAPI properties, strings in UTF-16), written
    with extract-msg's own OLE writer: subject, plain and/or HTML body, sender, sent time (Unix
    seconds) and attachments by value (name, bytes, MIME type)."""
    import struct

    from extract_msg.ole_writer import OleWriter

    writer = OleWriter()
    strings = {"001A": "IPM.Note", "0037": subject, "0C1F": "field.office@example.org",
               "0C1A": "Field Office (fictional)", "0E04": "archive@example.org",
               "1035": message_id}
    if body is not None:
        strings["1000"] = body
    props = b""
    for tag, value in strings.items():
        encoded = value.encode("utf-16-le")
        writer.addEntry(f"__substg1.0_{tag}001F", encoded)
        props += struct.pack("<IIII", int(tag + "001F", 16), 6, len(encoded) + 2, 0)
    if html is not None:
        writer.addEntry("__substg1.0_10130102", html)
        props += struct.pack("<IIII", 0x10130102, 6, len(html), 0)
    filetime = (sent + 11_644_473_600) * 10_000_000
    for tag in (0x00390040, 0x0E060040):  # client submit time, delivery time
        props += struct.pack("<IIQ", tag, 6, filetime)
    count = len(attachments)
    writer.addEntry("__properties_version1.0",
                    struct.pack("<8xIIII8x", 0, count, 0, count) + props)
    writer.addEntry("__nameid_version1.0", storage=True)
    for stream in ("00020102", "00030102", "00040102"):
        writer.addEntry(f"__nameid_version1.0/__substg1.0_{stream}", b"")
    for number, (name, data, mime) in enumerate(attachments):
        base = f"__attach_version1.0_#{number:08X}"
        writer.addEntry(base, storage=True)
        writer.addEntry(f"{base}/__substg1.0_37010102", data)
        writer.addEntry(f"{base}/__substg1.0_3707001F", name.encode("utf-16-le"))
        writer.addEntry(f"{base}/__substg1.0_370E001F", mime.encode("utf-16-le"))
        writer.addEntry(f"{base}/__properties_version1.0", bytes(8)
                        + struct.pack("<IIII", 0x37050003, 6, 1, 0)  # attached by value
                        + struct.pack("<IIII", 0x37010102, 6, len(data), 0))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -- PDFs with Korean text (fpdf2 and Debian's NanumGothic, a TrueType font) ---------------------
NANUM = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"


def korean_pdf(pages: list[list[tuple[float, float, str]]], size: float = 11,
               image: bytes | None = None) -> bytes:
    """A PDF with ``(x_mm, y_mm, text)`` runs per page, each drawn as its own text object (a
    run listed twice is printed twice: bold by overprinting); ``image``: a PNG filling the
    last page instead (a scan)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("nanum", fname=NANUM)
    pdf.set_font("nanum", size=size)
    for runs in pages:
        pdf.add_page()
        for x, y, text in runs:
            pdf.text(x, y, text)
    if image is not None:
        pdf.add_page()
        pdf.image(io.BytesIO(image), x=10, y=10, w=190)
    return bytes(pdf.output())


def letter_by_letter(text: str, y: float = 30, gap: float = 0.35, tracking: float = -0.05,
                     size: float = 11) -> list[tuple[float, float, str]]:
    """Runs placing each syllable on its own, as Hancom does: no space glyphs, a word gap of
    ``gap`` space widths, letters set ``tracking`` em closer (자간)."""
    from fpdf import FPDF

    measure = FPDF()
    measure.add_font("nanum", fname=NANUM)
    measure.set_font("nanum", size=size)
    space = measure.get_string_width(" ")
    em = size * 25.4 / 72  # mm
    runs: list[tuple[float, float, str]] = []
    x = 20.0
    for word in text.split():
        for ch in word:
            runs.append((x, y, ch))
            x += measure.get_string_width(ch) + tracking * em
        x += space * gap
    return runs


def remap_pdf(data: bytes, to: int | None) -> bytes:
    """The PDF with its fonts' ToUnicode maps removed (``to`` None: glyphs without Unicode) or
    replaced by one mapping glyph n to code point ``to + n`` (0xE000: private use; 0xB000:
    Hangul syllables, but the wrong ones)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for page in writer.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if to is None:
                font.pop(NameObject("/ToUnicode"), None)
                continue
            ranges = "".join(f"<{hi:02X}00> <{hi:02X}FF> <{to + hi * 256:04X}>\n"
                             for hi in range(16))
            cmap = DecodedStreamObject()
            cmap.set_data(("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
                           "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
                           f"16 beginbfrange\n{ranges}endbfrange\n"
                           "endcmap CMapName currentdict /CMap defineresource pop end end\n")
                          .encode())
            font[NameObject("/ToUnicode")] = writer._add_object(cmap)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
