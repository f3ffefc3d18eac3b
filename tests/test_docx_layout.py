"""Every .docx the app makes, as LibreOffice lays it out (converted to PDF, then read back
with poppler: the words' boxes from pdftotext -bbox, the drawn lines from pdftocairo -svg):
the national title on one line, the rules of Decree 30/2020 Appendix I the right length,
the tables' columns as wide as the document sets them."""
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from tests.factories import passed, proposal_version, year_review

SOFFICE = shutil.which("soffice")
PT_PER_MM = 72 / 25.4


@pytest.fixture(scope="module", autouse=True)
def _tools():
    if SOFFICE and shutil.which("pdftotext") and shutil.which("pdftocairo"):
        return
    if os.environ.get("REQUIRE_LIBREOFFICE") == "1":
        pytest.fail("LibreOffice (soffice) and poppler-utils are required")
    pytest.skip("LibreOffice or poppler-utils missing")


class Laid:
    """A document as LibreOffice printed it: lines of words, horizontal and vertical rules."""

    def __init__(self, data: bytes, workdir: Path):
        workdir.mkdir(parents=True, exist_ok=True)
        src = workdir / "doc.docx"
        src.write_bytes(data)
        subprocess.run([SOFFICE, f"-env:UserInstallation=file://{workdir}/profile", "--headless",
                        "--convert-to", "pdf", "--outdir", str(workdir), str(src)],
                       check=True, capture_output=True, timeout=120)
        pdf = workdir / "doc.pdf"
        boxes = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                               check=True, capture_output=True, text=True).stdout
        # (x0, top, x1, bottom, text) for each word, in points from the page's top left
        self.words = [(float(x0), float(y0), float(x1), float(y1), w)
                      for x0, y0, x1, y1, w in re.findall(
                          r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                          r'yMax="([\d.]+)">([^<]*)</word>', boxes)]
        subprocess.run(["pdftocairo", "-svg", "-f", "1", "-l", "1", str(pdf),
                        str(workdir / "doc.svg")], check=True, timeout=60)
        svg = (workdir / "doc.svg").read_text()
        self.h_rules, self.v_rules = [], []
        for d, matrix in re.findall(r'<path[^>]* d="(M [\d. ]+ L [\d. ]+)"'
                                    r'(?: transform="matrix\(([^)]*)\)")?', svg):
            x1, y1, x2, y2 = (float(v) for v in d.replace("M", "").replace("L", "").split())
            a, b, c, dd, e, f = (float(v) for v in (matrix or "1,0,0,1,0,0").split(","))
            (x1, y1), (x2, y2) = ((a * x + c * y + e, b * x + dd * y + f)
                                  for x, y in ((x1, y1), (x2, y2)))
            if abs(y1 - y2) < 0.5:
                self.h_rules.append((min(x1, x2), max(x1, x2), y1))
            elif abs(x1 - x2) < 0.5:
                self.v_rules.append((x1, min(y1, y2), max(y1, y2)))

    def line_of(self, text):
        """The words of `text`, each (x0, y0, x1), as laid out (the first occurrence)."""
        wanted = text.split()
        for i in range(len(self.words)):
            if [w[4] for w in self.words[i:i + len(wanted)]] == wanted:
                return self.words[i:i + len(wanted)]
        raise AssertionError(f"{text!r} not found in {[w[4] for w in self.words][:60]}")

    def header_row(self, cells):
        """The top of a table's header row on this page: the first word of each cell, left
        to right on one line; None when the table is not on this page."""
        firsts = [cell.text.split()[0] for cell in cells if cell.text.split()]
        for start in (w for w in self.words if w[4] == firsts[0]):
            x, found = start[0], True
            for word in firsts[1:]:
                nxt = [w for w in self.words if w[4] == word and abs(w[1] - start[1]) < 1
                       and w[0] > x]
                if not nxt:
                    found = False
                    break
                x = min(w[0] for w in nxt)
            if found:
                return start[1]
        return None

    def rule_below(self, words, within=20):
        """The horizontal rule drawn just under a line of words."""
        bottom = max(w[3] for w in words)
        left, right = min(w[0] for w in words), max(w[2] for w in words)
        below = [r for r in self.h_rules if bottom < r[2] < bottom + within
                 and left < (r[0] + r[1]) / 2 < right]
        assert below, f"no rule under {' '.join(w[4] for w in words)}"
        return min(below, key=lambda r: r[2])


def _width(words):
    return max(w[2] for w in words) - min(w[0] for w in words)


def check_decree30_layout(data: bytes, workdir: Path):
    laid = Laid(data, workdir)
    title = laid.line_of("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert len({round(w[1]) for w in title}) == 1, "the national title wraps"
    organ = [laid.line_of("ỦY BAN NHÂN DÂN"), laid.line_of("XÃ BÌNH LƯ")]
    longest = max(_width(line) for line in organ)
    x0, x1, _y = laid.rule_below(organ[-1])
    assert longest / 3 <= x1 - x0 <= longest / 2, (x1 - x0, longest)
    organ_mid = (min(w[0] for w in organ[0]) + max(w[2] for w in organ[0])) / 2
    assert abs((x0 + x1) / 2 - organ_mid) < 2 * PT_PER_MM, "the rule is not under the name"
    motto = laid.line_of("Độc lập - Tự do - Hạnh phúc")
    x0, x1, _y = laid.rule_below(motto)
    assert abs((x1 - x0) - _width(motto)) <= 0.05 * _width(motto), (x1 - x0, _width(motto))
    # every bordered table on the first page: its columns where the document's grid puts them
    doc = Document(io.BytesIO(data))
    checked = 0
    for table in doc.tables[1:-1]:  # the header and signature blocks have no borders
        grid = [int(c.get(qn("w:w"))) / 20 for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        top = laid.header_row(table.rows[0].cells)
        if top is None:
            continue  # on a later page
        xs = sorted({round(x, 1) for x, y0, y1 in laid.v_rules if y0 - 2 <= top <= y1 + 2})
        assert len(xs) == len(grid) + 1, (xs, grid)
        laid_widths = [b - a for a, b in zip(xs, xs[1:])]
        for set_pt, seen in zip(grid, laid_widths):
            assert abs(set_pt - seen) < 1 * PT_PER_MM, (grid, laid_widths)
        checked += 1
    assert checked or len(doc.tables) == 2, "no table of the document was found laid out"
    return laid


def test_the_commune_report_lays_out_as_the_decree_says(app, login, accepted_month, tmp_path):
    pid = accepted_month
    vhxh = login("vhxh")
    assert vhxh.post(f"/reports/commune/{pid}/compile", {}).status_code == 302
    data = login("chutich").get(f"/reports/commune/{pid}/report.docx").get_data()
    laid = check_decree30_layout(data, tmp_path)
    assert Document(io.BytesIO(data)).tables[1:-1], "the report has its figures' table"
    # the indicator's name gets the widest column, as set
    chi, tieu = laid.line_of("Chỉ tiêu")[:2]
    assert tieu[0] - chi[0] < 40


def test_the_review_and_the_decision_lay_out_as_the_decree_says(app, login, tmp_path):
    review_id, vhxh = year_review(app, login)
    check_decree30_layout(vhxh.get(f"/emulation/reviews/{review_id}/report.docx").get_data(),
                          tmp_path / "review")
    pid = passed(app, login, vhxh)
    chutich = login("chutich")
    assert chutich.post(f"/emulation/proposals/{pid}/decide", {
        "decision_number": "125/QĐ-UBND", "decision_date": "20/12/2026",
        "version": proposal_version(app, pid)}).status_code == 303
    response = chutich.get(f"/emulation/proposals/{pid}/decision.docx")
    assert response.status_code == 200
    check_decree30_layout(response.get_data(), tmp_path / "decision")
