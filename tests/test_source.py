"""Reading files: encoding, BOM, CRLF, mojibake and size, each a finding with the right line."""

from pathlib import Path

from kb.pages.source import decode_source, read_source


def test_valid_utf8_with_bom_and_crlf_is_accepted_and_normalised() -> None:
    result = decode_source("\ufeff---\r\ntitle: Café\r\n---\r\nBody\r\n".encode(), "docs/a.md")
    assert result.findings == []
    assert result.text == "---\ntitle: Café\n---\nBody\n"


def test_invalid_utf8_reports_line_and_column_of_first_bad_byte() -> None:
    data = "---\ntitle: ok\n---\nline four\nna\u00efve ".encode() + b"caf\xe9 au lait\n"
    result = decode_source(data, "docs/bad.md")
    assert result.text is None
    [finding] = result.findings
    assert (finding.code, finding.line, finding.column) == ("KB101", 5, 10)
    assert "0xE9" in finding.message and "docs/bad.md" in finding.message
    assert "café" in finding.hint  # the Windows-1252 reading shows what was meant


def test_mojibake_is_a_warning_at_its_line_with_the_repair_as_hint() -> None:
    text = "---\ntitle: x\n---\nFine line — with a dash\nBroken line â€” here\n"
    result = decode_source(text.encode(), "docs/m.md")
    [finding] = result.findings
    assert (finding.code, finding.severity.value, finding.line) == ("KB102", "warning", 5)
    assert "Broken line — here" in finding.hint


def test_correct_accents_are_not_mojibake() -> None:
    text = "Déjà vu, naïve, São Paulo, Zürich, Ærø, smörgåsbord — “quotes” … 日本語\n"
    assert decode_source(text.encode(), "docs/ok.md").findings == []


def test_file_over_the_size_limit_is_an_error_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_bytes(b"x" * 2048)
    result = read_source(big, "docs/big.md", max_size=1024)
    assert result.text is None
    assert [f.code for f in result.findings] == ["KB103"]
    assert "2,048 bytes" in result.findings[0].message


def test_missing_file_is_a_finding_not_an_exception(tmp_path: Path) -> None:
    result = read_source(tmp_path / "gone.md", "docs/gone.md", max_size=1024)
    assert [f.code for f in result.findings] == ["KB105"]
