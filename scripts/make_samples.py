#!/usr/bin/env python3
"""Generate the committed sample documents in samples/.

Run from the repository root (shared/ next to the repository, or set KEIYAKU_SHARED):

    python scripts/make_samples.py            # all samples, PDFs included
    python scripts/make_samples.py --no-pdf   # DOCX/TXT/MD only (no LibreOffice needed)

Needs python-docx (a project dependency) and, for the PDFs, LibreOffice and the
IPA fonts (Debian/Ubuntu):

    apt-get install -y libreoffice-writer-nogui fonts-ipafont-mincho fonts-ipafont-gothic

Outputs (all small; commit them — tests read them and never run LibreOffice):

* seisou-itaku-keiyakusho-draft.txt / .md — the seed draft, byte for byte.
* seisou-itaku-keiyakusho-draft.docx — the 清掃業務委託契約書（案） rebuilt as a Word
  document: A4, IPAMincho as the East Asian font, title centred, 見出し as their own
  paragraphs, 第N条 lines, paragraph numbers and item labels as literal text (no
  Word auto-numbering), 別表 and 様式 tables as real tables, every 様式 and the
  特記事項 on a new page, running header with the title and a PAGE field footer.
  Markdown marks (##, **, "- ") are layout, not text, and are dropped; lines the
  PDF-to-text conversion broke mid-sentence are re-joined; every other
  character is kept.
* seisou-itaku-keiyakusho-draft.pdf — that DOCX through LibreOffice (fonts embedded).
* reference-annexes-clean.{docx,pdf,txt,md} — a clean 業務委託契約書 made from
  reference/oita-police-2023.json: the four 記載例 as 第１条〜第４条 of the body,
  the 特記事項 as the annex 別添 (第１条〜第17条). Every one of the 45 reference
  clauses appears unchanged; drafting notes (本条は…, ※注, 注１) are left out.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KEIYAKU_SHARED") or REPO.parent / "shared")
SEISOU_SEED = "seisou-itaku-keiyakusho-draft.txt"
REF_JSON = REPO / "reference" / "oita-police-2023.json"

FONT_MINCHO = "IPAMincho"
FONT_GOTHIC = "IPAGothic"
BODY_PT = 10.5
IDEO_SPACE = "\u3000"


# ---------------------------------------------------------------------------- blocks
# Both documents are first turned into a flat list of blocks, then rendered.


@dataclass
class Block:
    kind: str  # title | heading | article | para | item | subitem | plain | center | right | sign | table | box
    text: str = ""
    marker: str = ""  # 第１条 / ２ / (1) / ア: printed before text, separated by an ideographic space
    lines: list[str] = field(default_factory=list)  # extra lines after hard line breaks
    rows: list[list[str]] = field(default_factory=list)  # for tables
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (r0, c0, r1, c1)
    page_break: bool = False
    size: float | None = None


def fw(n: int) -> str:
    """Article / paragraph numbers the way the seed prints them: １…９ full-width, 10+ ASCII."""
    return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")) if n < 10 else str(n)


# ---------------------------------------------------------------------------- DOCX rendering


def _set_east_asian_font(rpr_parent, name: str) -> None:
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "ja-JP")


def _style_font(style, name: str, size: float | None = None, bold: bool | None = None) -> None:
    style.font.name = name
    if size:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    _set_east_asian_font(style.element, name)


def _add_field(paragraph, instr: str, placeholder: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES) as fldChar begin / instrText / separate / result / end."""
    def fld(kind):
        r = paragraph.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        r._r.append(el)
        return r
    fld("begin")
    r = paragraph.add_run()
    it = OxmlElement("w:instrText")
    it.set(qn("xml:space"), "preserve")
    it.text = f" {instr} "
    r._r.append(it)
    fld("separate")
    paragraph.add_run(placeholder)
    fld("end")


def new_document(header_text: str) -> Document:
    doc = Document()
    # A4 portrait (python-docx's template is US Letter), 25 mm margins
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.left_margin = sec.right_margin = Mm(25)
    sec.top_margin, sec.bottom_margin = Mm(30), Mm(25)
    sec.header_distance = sec.footer_distance = Mm(12)

    styles = doc.styles
    _style_font(styles["Normal"], FONT_MINCHO, BODY_PT)
    pf = styles["Normal"].paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    pf.line_spacing = 1.15
    for name in ("Header", "Footer"):
        _style_font(styles[name], FONT_MINCHO, 9)
    for name in ("Title", "Heading 1", "Heading 2"):
        if name in styles:
            _style_font(styles[name], FONT_GOTHIC)
    # document defaults too, so that table cells and anything unstyled are Japanese
    rpr_default = doc.styles.element.find(qn("w:docDefaults"))
    if rpr_default is not None:
        rpr = rpr_default.find(qn("w:rPrDefault"))
        if rpr is not None and rpr.find(qn("w:rPr")) is not None:
            fonts = rpr.find(qn("w:rPr")).find(qn("w:rFonts"))
            if fonts is None:
                fonts = OxmlElement("w:rFonts")
                rpr.find(qn("w:rPr")).insert(0, fonts)
            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                fonts.set(qn(attr), FONT_MINCHO)
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                if fonts.get(qn(attr)) is not None:
                    del fonts.attrib[qn(attr)]

    hp = sec.header.paragraphs[0]
    hp.text = header_text
    hp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    fp = sec.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fp.add_run("－ ")
    _add_field(fp, "PAGE")
    fp.add_run(" －")
    doc.core_properties.title = header_text
    doc.core_properties.language = "ja-JP"
    return doc


def _cell_text(cell, text: str) -> None:
    p = cell.paragraphs[0]
    p.text = text


def render_docx(blocks: list[Block], header_text: str, out: Path) -> None:
    doc = new_document(header_text)
    em = Pt(BODY_PT)
    pending_break = False
    for b in blocks:
        if b.kind in ("table", "box"):
            if b.kind == "box":
                t = doc.add_table(rows=1, cols=1)
                t.rows[0].height = Mm(20)
            else:
                ncols = max(len(r) for r in b.rows)
                t = doc.add_table(rows=len(b.rows), cols=ncols)
                for i, row in enumerate(b.rows):
                    for j in range(ncols):
                        _cell_text(t.cell(i, j), row[j] if j < len(row) else "")
                for r0, c0, r1, c1 in b.merges:
                    t.cell(r0, c0).merge(t.cell(r1, c1))
            t.style = doc.styles["Table Grid"]
            t.alignment = WD_TABLE_ALIGNMENT.CENTER
            if b.page_break or pending_break:
                pending_break = True  # carried to the next paragraph (tables cannot break before)
            # a small gap after tables
            doc.add_paragraph()
            continue

        p = doc.add_paragraph()
        pf = p.paragraph_format
        if b.page_break or pending_break:
            pf.page_break_before = True
            pending_break = False
        if b.kind == "title":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            pf.space_after = Pt(12)
        elif b.kind == "center":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif b.kind == "right":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif b.kind == "heading":
            pf.left_indent = em
            pf.space_before = Pt(6)
            pf.keep_with_next = True
        elif b.kind in ("article", "para"):
            pf.left_indent = em
            pf.first_line_indent = -em
        elif b.kind == "item":
            pf.left_indent = Pt(BODY_PT * 2.5)
            pf.first_line_indent = -Pt(BODY_PT * 1.5)
        elif b.kind == "subitem":
            pf.left_indent = Pt(BODY_PT * 3.5)
            pf.first_line_indent = -em
        elif b.kind == "sign":
            pf.left_indent = Mm(70)
        elif b.kind == "cont":
            pf.left_indent = em
            pf.first_line_indent = em
        if b.marker:
            run = p.add_run(b.marker)
            if b.kind == "article":
                run.bold = True
            p.add_run(IDEO_SPACE)
        run = p.add_run(b.text)
        if b.kind == "title":
            run.bold = True
            run.font.size = Pt(b.size or 16)
            run.font.name = FONT_GOTHIC
            _set_east_asian_font(run._r, FONT_GOTHIC)
        elif b.size:
            run.font.size = Pt(b.size)
        for extra in b.lines:
            run.add_break()
            run = p.add_run(extra)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))


def render_txt(blocks: list[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if b.page_break and out:
            out.append("")
        if b.kind in ("heading", "cont") and out and out[-1] != "":
            out.append("")
        if b.kind == "table":
            out.extend("\t".join(r) for r in b.rows)
            continue
        line = (b.marker + IDEO_SPACE if b.marker else "") + b.text
        out.append(line)
        out.extend(b.lines)
        if b.kind == "title":
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def render_md(blocks: list[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if b.kind == "table":
            continue  # the clean document has none
        line = (b.marker + IDEO_SPACE if b.marker else "") + b.text
        if b.kind == "title":
            line = ("# " if not out else "## ") + line
        out.append("  \n".join([line] + b.lines))
    return "\n\n".join(out) + "\n"


# ---------------------------------------------------------------------------- the 清掃 draft

RE_ARTICLE = re.compile(r"^(第[0-9０-９]+条)\s+(.*)$")
RE_PARA = re.compile(r"^([0-9]{1,2}|[０-９]{1,2})\s+(.*)$")
RE_ITEM = re.compile(r"^(\([0-9０-９]+\)|（[0-9０-９]+）)\s?(.*)$")
RE_KANJI_ITEM = re.compile(r"^([一二三四五六七八九十]+)\s+(.*)$")
RE_SUBITEM = re.compile(r"^([アイウエオカキクケコ])\s+(.*)$")
RE_HEADING = re.compile(r"^[（(][^（()）]+[）)]$")
RE_YOSHIKI = re.compile(r"^\((別紙)?様式[0-9０-９]")
RE_DATE = re.compile(r"^(令和\s*)?年 月 日$|^第 号$")


def _split(line: str, regex: re.Pattern) -> tuple[str, str] | None:
    m = regex.match(line)
    return (m.group(1), m.group(2)) if m else None


def seisou_blocks(text: str) -> list[Block]:
    """Blocks of the 清掃 draft; the seed is markdown-ish with a blank line after every line."""
    raw = [ln for ln in text.split("\n") if ln.strip()]
    blocks: list[Block] = []
    section = "cover"  # cover | body | sign | beppyo | yoshiki | tokki
    titles_seen = 0
    hard = False  # previous line ended with a markdown hard break ("  ")
    table: Block | None = None
    i = 0
    while i < len(raw):
        src = raw[i]
        i += 1
        hard_next = src.endswith("  ")
        line = src.strip(" ")
        prev_hard, hard = hard, hard_next

        # ---- tables: consecutive lines with tabs
        if "\t" in line:
            cells = line.split("\t")
            if table is None:
                table = Block("table")
                blocks.append(table)
            table.rows.append(cells)
            continue
        if table is not None and section == "beppyo" and line == "総額" and i < len(raw) and raw[i].strip() == "0":
            # the PDF conversion split the table's last row (総額 | 0) onto two plain lines
            table.rows.append(["総額", "0"] + [""] * (max(len(r) for r in table.rows) - 2))
            if table.rows[0] == ["", "月額", "内訳", ""] and table.rows[1][:2] == ["", ""]:
                # two header rows: 月額 spans both, 内訳 spans its two columns
                table.merges = [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 3)]
            i += 1
            table = None
            continue
        table = None

        # ---- markdown marks are layout: drop them
        md_level = 0
        m = re.match(r"^(#{2,4}) (.*)$", line)
        if m:
            md_level, line = len(m.group(1)), m.group(2)
        bold = re.match(r"^\*\*(.+?)\*\*\s*(.*)$", line)
        if bold:
            line = (bold.group(1) + " " + bold.group(2)).strip()
        if line.startswith("- "):
            line = line[2:]

        if md_level == 2:
            titles_seen += 1
            if titles_seen == 1:
                blocks.append(Block("title", line, size=16))
            else:  # the 特記事項 appended to the draft
                section = "tokki"
                blocks.append(Block("title", line, size=14, page_break=True))
            continue
        if section == "cover" and md_level and RE_HEADING.match(line):
            section = "body"
        if section == "body" and line.startswith("本契約の証として"):
            section = "sign"
        if re.match(r"^別表[0-9０-９]", line):
            section = "beppyo"
            blocks.append(Block("plain", line, page_break=True))
            continue
        if RE_YOSHIKI.match(line):
            section = "yoshiki" if line.startswith("(別紙") or section == "yoshiki" else "tokki-yoshiki"
            blocks.append(Block("plain", line, page_break=True))
            continue
        if line == "--":  # an empty box to write in (様式1 作業場所)
            blocks.append(Block("box"))
            continue

        # ---- continuation of the previous paragraph
        prev = blocks[-1] if blocks else None
        is_marker = any(r.match(line) for r in (RE_ARTICLE, RE_PARA, RE_ITEM, RE_KANJI_ITEM, RE_SUBITEM)) \
            or RE_HEADING.match(line) or md_level or line.startswith(("・", "※", "注"))
        if prev is not None and prev.kind not in ("table", "box", "title") and not is_marker:
            if prev_hard:
                prev.lines.append(line)
                continue
            last = (prev.lines[-1] if prev.lines else prev.text)
            if section in ("body", "tokki") and len(last) >= 30 and not last.endswith("。"):
                # a line the PDF conversion broke mid-sentence
                if prev.lines:
                    prev.lines[-1] += line
                else:
                    prev.text += line
                continue

        # ---- classify
        if section in ("body", "tokki"):
            if RE_HEADING.match(line) or (md_level and section == "body"):
                blocks.append(Block("heading", line))
                continue
            for kind, regex in (("article", RE_ARTICLE), ("para", RE_PARA), ("item", RE_ITEM),
                                ("item", RE_KANJI_ITEM), ("subitem", RE_SUBITEM)):
                parts = _split(line, regex)
                if parts:
                    marker, rest = parts
                    if kind == "item" and regex is RE_ITEM and not line[len(marker):].startswith(" "):
                        blocks.append(Block(kind, line))  # "（1）大分県…": no space after the label
                    else:
                        blocks.append(Block(kind, rest, marker=marker))
                    break
            else:
                kind = "item" if line.startswith("・") else "cont"
                blocks.append(Block(kind, line))
            continue
        if section == "sign":
            kind = "plain" if line.startswith("本契約の証として") else "sign"
            blocks.append(Block(kind, line))
            continue
        # cover, 別表, 様式
        if md_level == 3 or (section != "cover" and line in ("記",)):
            blocks.append(Block("center", line, size=14 if md_level == 3 else None))
        elif md_level == 4 and line == "記":
            blocks.append(Block("center", line))
        elif RE_DATE.match(line):
            blocks.append(Block("right", line))
        else:
            blocks.append(Block("plain", line))
    return blocks


# ---------------------------------------------------------------------------- the clean reference document


def clean_blocks(ref: dict) -> list[Block]:
    kisai = [c for c in ref["clauses"] if c["part"] == "kisai"]
    tokki = [c for c in ref["clauses"] if c["part"] == "tokki"]
    tokki_title = next(p["title"] for p in ref["parts"] if p["id"] == "tokki")

    def clause_blocks(clauses: list[dict]) -> list[Block]:
        out: list[Block] = []
        for c in clauses:
            if c["paragraph"] == 1:
                out.append(Block("heading", f"（{c['heading']}）"))
                out.append(Block("article", c["text"], marker=f"第{fw(c['article'])}条"))
            else:
                out.append(Block("para", c["text"], marker=fw(c["paragraph"])))
            for it in c["items"]:
                out.append(Block("item", it["text"], marker=it["label"]))
                for sub in it["items"]:
                    out.append(Block("subitem", sub["text"], marker=sub["label"]))
        return out

    blocks = [
        Block("title", "業務委託契約書", size=16),
        Block("cont", "委託者○○○○（以下「甲」という。）と受託者○○○○（以下「乙」という。）とは、"
                      "○○○○業務（以下「本業務」という。）の委託について、次の条項により契約（以下「本契約」という。）を締結する。"),
    ]
    blocks += clause_blocks(kisai)
    blocks += [
        Block("cont", "本契約の締結を証するため、本書２通を作成し、甲乙記名押印の上、各自１通を保有する。"),
        Block("right", "令和　年　月　日"),
        Block("sign", "甲　住所"),
        Block("sign", "氏名"),
        Block("sign", "乙　住所"),
        Block("sign", "氏名"),
        Block("plain", "別添", page_break=True),
        Block("title", tokki_title, size=14),
    ]
    blocks += clause_blocks(tokki)
    return blocks


# ---------------------------------------------------------------------------- PDF


def to_pdf(docx: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("soffice not found: apt-get install -y libreoffice-writer-nogui "
                         "fonts-ipafont-mincho fonts-ipafont-gothic (or run with --no-pdf)")
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as prof:
        # a private profile: other LibreOffice instances on the machine are not disturbed
        subprocess.run([soffice, f"-env:UserInstallation=file://{prof}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(docx.parent), str(docx)],
                       check=True, capture_output=True, timeout=300)
    pdf = docx.with_suffix(".pdf")
    if not pdf.exists():
        raise SystemExit(f"LibreOffice did not write {pdf}")
    return pdf


def check_pdf_fonts(pdf: Path) -> list[str]:
    """Font names in the PDF (pdffonts, if installed); fail if IPAMincho is absent or any font is not embedded."""
    if not shutil.which("pdffonts"):
        return []
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [r.split() for r in out.splitlines()[2:] if r.strip()]
    names = [r[0] for r in rows]
    if not any("IPAMincho" in n for n in names):
        raise SystemExit(f"{pdf}: IPAMincho not in the PDF fonts: {names}")
    # columns counted from the right: emb sub uni object ID
    if any(r[-5] != "yes" for r in rows):
        raise SystemExit(f"{pdf}: a font is not embedded:\n{out}")
    return names


# ---------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate samples/ (see the module docstring).")
    ap.add_argument("--shared", type=Path, default=SHARED, help="the shared/ folder (seeds/)")
    ap.add_argument("--reference", type=Path, default=REF_JSON)
    ap.add_argument("--out", type=Path, default=REPO / "samples")
    ap.add_argument("--no-pdf", action="store_true", help="skip the LibreOffice conversions")
    args = ap.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    # 1. the 清掃 draft, as received
    seed = args.shared / "seeds" / SEISOU_SEED
    seed_bytes = seed.read_bytes()
    for suffix in (".txt", ".md"):
        p = out / (Path(SEISOU_SEED).stem + suffix)
        p.write_bytes(seed_bytes)
        written.append(p)

    # 2./3. the 清掃 draft as DOCX and PDF
    docx_path = out / (Path(SEISOU_SEED).stem + ".docx")
    render_docx(seisou_blocks(seed_bytes.decode("utf-8")), "清掃業務委託契約書（案）", docx_path)
    written.append(docx_path)

    # 4. the clean document made from the reference
    ref = json.loads(args.reference.read_text(encoding="utf-8"))
    blocks = clean_blocks(ref)
    stem = out / "reference-annexes-clean"
    stem.with_suffix(".txt").write_text(render_txt(blocks), encoding="utf-8")
    stem.with_suffix(".md").write_text(render_md(blocks), encoding="utf-8")
    render_docx(blocks, "業務委託契約書", stem.with_suffix(".docx"))
    written += [stem.with_suffix(s) for s in (".txt", ".md", ".docx")]

    if not args.no_pdf:
        for d in (docx_path, stem.with_suffix(".docx")):
            pdf = to_pdf(d)
            check_pdf_fonts(pdf)
            written.append(pdf)

    for p in written:
        print(f"wrote {p.relative_to(REPO) if p.is_relative_to(REPO) else p} ({p.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
