"""The README is the user's reference: every error code the code can record is listed there."""
from autointel.errors import CODES
from tests.conftest import REPO


def test_every_error_code_is_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [code for code in CODES if f"| {code} |" not in readme]
    assert not missing, f"README's error table lacks {missing}"


def test_readme_starts_with_the_two_setup_commands():
    head = (REPO / "README.md").read_text(encoding="utf-8").split("```")[1]
    assert "make demo" in head and "make test" in head
