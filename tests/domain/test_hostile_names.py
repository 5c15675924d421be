"""Hostile names: what other people call their files must not fool, hide or overwrite."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from satchel.domain.file_names import plain_name, safe_file_name, same_name_key, terminal_text
from satchel.domain.model import Attachment, Board, Card
from satchel.transfers.naming import free_path


@pytest.mark.parametrize(
    ("hostile", "shown"),
    [
        ("a\u202efdp.exe", "afdp.exe"),  # right-to-left override: would read "aexe.pdf"
        ("invoice\u2066.pdf\u2069.exe", "invoice.pdf.exe"),  # isolates
        ("zero\u200bwidth\ufeff.txt", "zerowidth.txt"),
        ("two\nlines\r\there.txt", "two lines  here.txt"),
        ("bell\x07\x1b[31mred.txt", "bell  [31mred.txt"),
        ("line\u2028sep.txt", "line sep.txt"),
        ("Grüße, Café 👩\u200d💻.pdf", "Grüße, Café 👩\u200d💻.pdf"),  # joiners stay
    ],
)
def test_shown_names_hide_nothing(hostile: str, shown: str) -> None:
    assert plain_name(hostile) == shown
    attachment = Attachment(id="1", name=hostile, card_id="c", content_type="", size=1)
    assert attachment.name == shown  # every label, row and message shows this
    assert Card(id="c", name=hostile, list_id="l").name == shown
    assert Board(id="b", name=hostile).name == shown


@pytest.mark.parametrize(
    ("hostile", "saved"),
    [
        ("a\u202efdp.exe", "afdp.exe"),
        (".bashrc", "_.bashrc"),
        ("..hidden", "_..hidden"),
        (".", "attachment"),
        ("..", "attachment"),
        ("...", "attachment"),
        ("CON", "CON_"),
        ("con.txt", "con_.txt"),
        ("NUL.tar.gz", "NUL_.tar.gz"),
        ("com1.log", "com1_.log"),
        ("LPT9", "LPT9_"),
        ("CONSOLE.txt", "CONSOLE.txt"),  # only the exact device names are reserved
        ("report: final.pdf", "report_ final.pdf"),
        ('a<b>c"d|e?f*g.txt', "a_b_c_d_e_f_g.txt"),
        ("dir/..\\x.txt", "dir_.._x.txt"),
        ("trailing dots...", "trailing dots"),
        ("trailing space.txt  ", "trailing space.txt"),
        ("  leading space.txt", "leading space.txt"),
        ("Grüße, Café.pdf", "Grüße, Café.pdf"),
    ],
)
def test_saved_names_are_valid_everywhere_and_never_hidden(hostile: str, saved: str) -> None:
    assert safe_file_name(hostile) == saved


def test_long_names_keep_their_extension() -> None:
    name = safe_file_name("é" * 300 + ".pdf")
    assert len(name.encode()) <= 200 and name.endswith(".pdf")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Report.PDF", "report.pdf"),
        (unicodedata.normalize("NFD", "Café.pdf"), unicodedata.normalize("NFC", "Café.pdf")),
        ("STRASSE.txt", "straße.txt"),
    ],
)
def test_case_and_normalisation_twins_are_one_name(one: str, other: str, tmp_path: Path) -> None:
    assert same_name_key(one) == same_name_key(other)
    (tmp_path / one).write_bytes(b"theirs")
    chosen = free_path(tmp_path, other, lambda _p: False)
    assert same_name_key(chosen.name) != same_name_key(one)  # never the twin's place
    assert chosen.name.endswith(("(2).pdf", "(2).PDF", "(2).txt"))


@pytest.mark.parametrize(
    ("hostile", "printed"),
    [
        ("a\x1b]0;owned\x07.txt", "a\\x1b]0;owned\\x07.txt"),
        ("a\u202efdp.exe", "a\\u202efdp.exe"),
        ("two\nlines\t!", "two\\nlines\\t!"),
        ("plain name.txt", "plain name.txt"),
    ],
)
def test_the_command_line_escapes_control_characters(hostile: str, printed: str) -> None:
    assert terminal_text(hostile) == printed
