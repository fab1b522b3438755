"""Minimal real files of each evidence type, and impostors (built in memory: nothing to ship)."""

import io
import struct
import zipfile
import zlib

PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n"
)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


PNG = (
    b"\x89PNG\r\n\x1a\n"
    + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    + _png_chunk(b"IDAT", zlib.compress(b"\x00\x00"))
    + _png_chunk(b"IEND", b"")
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 44
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run"
)
CSV = "vendor,control,status\nVendor Alpha,SR-3,yes\nVendor Alpha,SR-6,partial — see note\n".encode()
TEXT = b"Bridge letter: controls unchanged since the last SOC 2 period.\n"

CONTENT_TYPES_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def _entry(name: str) -> zipfile.ZipInfo:
    # A fixed timestamp keeps the bytes (and so the test ids) the same in every xdist worker.
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def office(*parts: str, content_types: bool = True) -> bytes:
    """A ZIP package with the given parts (and [Content_Types].xml unless told otherwise)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if content_types:
            archive.writestr(_entry("[Content_Types].xml"), CONTENT_TYPES_XML)
        archive.writestr(_entry("_rels/.rels"), "<Relationships/>")
        for part in parts:
            archive.writestr(_entry(part), "<document/>")
    return buffer.getvalue()


DOCX = office("word/document.xml")
XLSX = office("xl/workbook.xml", "xl/worksheets/sheet1.xml")
DOCM = office("word/document.xml", "word/vbaProject.bin")
PLAIN_ZIP = office("report.pdf", content_types=False)
