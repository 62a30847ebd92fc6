import codecs

import pytest

from autointel.errors import IngestError
from autointel.ingest.decode import decode_bytes

SIMPLIFIED = "重庆汽车行业年会在两江新区开幕，长安汽车、赛力斯等企业参加，讨论智能网联新能源汽车发展。"
TRADITIONAL = "重慶汽車行業年會在兩江新區開幕，長安汽車、賽力斯等企業參加，討論智慧網聯新能源汽車發展。"


@pytest.mark.parametrize(
    "data,encoding",
    [
        (SIMPLIFIED.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), "utf-8-sig"),
        (SIMPLIFIED.encode("gbk"), "gb18030"),
        (SIMPLIFIED.encode("gb18030"), "gb18030"),
        (TRADITIONAL.encode("big5"), "big5"),
        (TRADITIONAL.encode("gb18030"), "gb18030"),
    ],
)
def test_detects_chinese_encodings(data, encoding):
    text, detected = decode_bytes(data)
    assert detected == encoding
    assert text.lstrip("\ufeff") in (SIMPLIFIED, TRADITIONAL)


@pytest.mark.parametrize(
    "data,code",
    [
        (b"", "E102"),
        (b"   \n\t ", "E102"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "E103"),
        (SIMPLIFIED.encode("utf-8")[:-1] + b"\xff\xfe" + SIMPLIFIED.encode("utf-8"), "E104"),
    ],
)
def test_refuses_with_a_code(data, code):
    with pytest.raises(IngestError) as e:
        decode_bytes(data, "x")
    assert e.value.code == code
