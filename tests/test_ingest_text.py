"""TXT / Markdown loader and the shared spacing cleaner."""
from __future__ import annotations

import pytest

from keiyaku_lint.errors import DecodeError, EmptyFileError, UnknownTypeError
from keiyaku_lint.ingest import load
from keiyaku_lint.ingest.clean import is_page_number, leading_marker, normalize_spacing, starts_new_unit
from keiyaku_lint.ingest.text import strip_markdown_line

CONTRACT = "第1条　乙は、本業務を誠実に履行しなければならない。\n２　乙は、甲の指示に従う。\n"


def _write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encoding,bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp932", b"")])
def test_decodes_utf8_bom_and_cp932(tmp_path, encoding, bom):
    path = _write(tmp_path, "c.txt", bom + CONTRACT.encode(encoding))
    result = load(path)
    assert result.kind == "txt"
    assert [ln.text for ln in result.lines] == CONTRACT.splitlines()
    assert result.meta["encoding"] == ("cp932" if encoding == "cp932" else "utf-8-sig")
    assert all(ln.page is None for ln in result.lines)
    assert [ln.lineno for ln in result.lines] == [1, 2]


def test_cp932_only_characters(tmp_path):
    text = "①　甲は、髙橋（ｲﾝﾌｫ）に通知する。\n"  # NEC / IBM extensions: cp932, not strict Shift_JIS
    assert load(_write(tmp_path, "c.txt", text.encode("cp932"))).lines[0].text == text.strip()


def test_utf16_with_bom(tmp_path):
    assert load(_write(tmp_path, "c.txt", CONTRACT.encode("utf-16"))).lines[0].text.startswith("第1条　乙は")


def test_undecodable_text_is_decode_error(tmp_path):
    data = "第1条　乙は".encode("cp932") + b"\x81\x7f\xa0\xfd\xfe"  # invalid in UTF-8 and cp932
    with pytest.raises(DecodeError):
        load(_write(tmp_path, "c.txt", data))


def test_binary_with_nuls_is_unknown_type(tmp_path):
    with pytest.raises(UnknownTypeError):
        load(_write(tmp_path, "c.txt", b"abc\x00\x01\x02" * 100))


def test_known_binary_magic_is_unknown_type(tmp_path):
    with pytest.raises(UnknownTypeError, match="PNG"):
        load(_write(tmp_path, "scan.txt", b"\x89PNG\r\n\x1a\n" + b"x" * 100))


@pytest.mark.parametrize("data", [b"", b"  \n\r\n\t", "\u3000\n".encode()])
def test_empty_or_whitespace_only(tmp_path, data):
    with pytest.raises(EmptyFileError):
        load(_write(tmp_path, "c.txt", data))


def test_blank_lines_dropped_and_footers_removed(tmp_path):
    text = "第1条　乙は、甲の指示に従い\n\n－ 1 －\n本業務を履行する。\n- 2 -\n3/12\nPage 4\n２　甲は、検査する。\n10\n"
    lines = [ln.text for ln in load(_write(tmp_path, "c.txt", text.encode())).lines]
    # hard-wrapped lines are left for the structure stage; a lone number may be content in TXT
    assert lines == ["第1条　乙は、甲の指示に従い", "本業務を履行する。", "２　甲は、検査する。", "10"]


MARKDOWN = """# 業務委託契約書

<!-- drafting note:
     not part of the contract -->
## 第１章　総則

#### 第3条（見出し）

**第1条** 乙は、__誠実に__履行する。  
> ２　乙は、*速やかに*報告する。

- 一 履行期間内に完了しないとき。
* 二 契約に違反したとき。

| 項目 | 内容 |
|---|---|
| 業務名 | 翻訳業務 |

---
"""


def test_markdown_stripped(tmp_path):
    result = load(_write(tmp_path, "c.md", MARKDOWN.encode()))
    assert result.kind == "md"
    assert [ln.text for ln in result.lines] == [
        "業務委託契約書",
        "第１章　総則",
        "第3条（見出し）",
        "第1条　乙は、誠実に履行する。",
        "２　乙は、速やかに報告する。",
        "一　履行期間内に完了しないとき。",
        "二　契約に違反したとき。",
        "項目　内容",
        "業務名　翻訳業務",
    ]


def test_markdown_detected_from_markup_in_txt(tmp_path):
    result = load(_write(tmp_path, "c.txt", "# 契約書\n\n**第1条** 乙は、履行する。\n".encode()))
    assert result.kind == "md"
    assert [ln.text for ln in result.lines] == ["契約書", "第1条　乙は、履行する。"]


def test_plain_txt_keeps_asterisks(tmp_path):
    result = load(_write(tmp_path, "c.txt", "※ 注意 * は残す\n".encode()))
    assert result.kind == "txt" and result.lines[0].text == "※ 注意 * は残す"


@pytest.mark.parametrize("line,expected", [
    ("**第1条** 乙は、", "第1条 乙は、"),
    ("#### 第3条（見出し）", "第3条（見出し）"),
    ("- 一 履行期間内に…", "一 履行期間内に…"),
    ("> 引用文", "引用文"),
    ("行末改行  ", "行末改行"),
    ("[別添](annex.md)を参照", "別添を参照"),
    ("|---|:--:|", None),
    ("エスケープ \\*", "エスケープ *"),
])
def test_strip_markdown_line(line, expected):
    assert strip_markdown_line(line) == expected


@pytest.mark.parametrize("raw,expected", [
    ("第 3 条 乙は、", "第3条　乙は、"),
    ("契 約 書", "契約書"),
    ("給 与 計 算 業 務 委 託 契 約 書", "給与計算業務委託契約書"),
    ("令和 7 年 4 月 1 日から 30 日以内", "令和7年4月1日から30日以内"),
    ("２ 乙は、甲 は", "２　乙は、甲は"),
    ("２　　乙は", "２　乙は"),
    ("(1)  秘密", "(1)　秘密"),
    ("一 本業務", "一　本業務"),
    ("ア　甲が", "ア　甲が"),
    ("１\t業務名", "１　業務名"),
    ("ISO 27001 を取得", "ISO 27001を取得"),
    ("3,000 人", "3,000人"),
    ("  前後の空白  ", "前後の空白"),
])
def test_normalize_spacing(raw, expected):
    assert normalize_spacing(raw) == expected


@pytest.mark.parametrize("text,marker", [
    ("第3条　乙は", "第3条"), ("第十条の二　乙は", "第十条の二"), ("第１　乙は", "第１"),
    ("２　乙は", "２"), ("１．見出し", "１．"), ("①甲は", "①"), ("⑴　甲は", "⑴"),
    ("（１）　甲は", "（１）"), ("(ア) 甲は", "(ア)"), ("一　甲は", "一"), ("イ　甲は", "イ"),
    ("別添", "別添"), ("別記　特記事項", "別記"),
    ("１項に規定する", None), ("第２条第１項の", None), ("十分な措置", None),
    ("別記「特記事項」に基づき", None), ("3,000人", None),
])
def test_leading_marker(text, marker):
    assert (leading_marker(text) or "").rstrip(" \u3000") == (marker or "")


def test_caption_line_starts_new_unit():
    assert starts_new_unit("（総則）")
    assert not starts_new_unit("（以下「甲」という。）と乙は")


@pytest.mark.parametrize("text,lone,expected", [
    ("－３－", True, True), ("- 3 -", True, True), ("― 3 ―", True, True), ("−1−", True, True),
    ("3/12", True, True), ("3 / 12", True, True), ("Page 3", True, True), ("page 2 / 5", True, True),
    ("3", True, True), ("3", False, False), ("第3条", True, False), ("3日以内", True, False),
])
def test_is_page_number(text, lone, expected):
    assert is_page_number(text, lone_digits=lone) is expected
