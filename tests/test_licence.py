"""Licence and credit: the code's licence file, the SPDX field that setuptools reads, a citation file, the credits."""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_code_licence_is_mit_and_named_in_spdx_form():
    licence = (ROOT / "LICENSE").read_text()
    assert licence.startswith("MIT License") and "CC BY-SA 4.0" in licence
    pyproject = (ROOT / "pyproject.toml").read_text().splitlines()  # no tomllib: Python 3.10 is supported
    assert 'license = "MIT"' in pyproject and 'license-files = ["LICENSE"]' in pyproject


def test_citation_file_has_the_required_fields_and_cites_the_book():
    cff = (ROOT / "CITATION.cff").read_text()
    for key in ("cff-version: 1.2.0", "message:", "title:", "authors:", "license: MIT"):
        assert key in cff, key
    assert "Dive into Deep Learning" in cff and "Fashion-MNIST" in cff


def test_readme_credits_the_book_and_both_data_sets():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Licence and credit") :]
    for credit in ("CC BY-SA 4.0", "Dive into Deep Learning", "Xiao", "arXiv:1708.07747", "LeCun", "CITATION.cff"):
        assert credit in section, credit


def test_every_section_notebook_links_to_its_section_of_the_book():
    for path in sorted((ROOT / "notebooks").glob("[78].*.ipynb")):
        first = "".join(json.loads(path.read_text())["cells"][0]["source"])
        section = path.name[:3]
        assert f"*Book: [section {section}, " in first and "](https://d2l.ai/chapter_convolutional-" in first, path.name
