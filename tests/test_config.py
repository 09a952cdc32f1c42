"""`extra.briefdesk` is declared (hooks/briefings.py, BriefdeskConfig): a misspelt key or a
value of the wrong type fails the build, strict or not, with one error line naming it."""

from __future__ import annotations

import pytest

from conftest import copy_project, mkdocs_build


def _assert_build_fails_naming(tmp_path, setting: str, key: str, strict: bool) -> None:
    project = copy_project(tmp_path / "p", with_seeds=False)
    yml = project / "mkdocs.yml"
    conf = yml.read_text(encoding="utf-8")
    assert "    per_page: 50\n" in conf
    yml.write_text(conf.replace("    per_page: 50\n", f"    {setting}\n"), encoding="utf-8")
    result = mkdocs_build(project, strict=strict)
    assert result.returncode != 0
    errors = [line for line in result.output.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1 and key in errors[0], result.output
    assert "Traceback" not in result.output
    assert not (result.site / "index.html").exists()


@pytest.mark.parametrize("strict", [True, False])
def test_an_unknown_key_fails_the_build_naming_it(tmp_path, strict):
    _assert_build_fails_naming(tmp_path, "per_pag: 10", "'per_pag'", strict)


def test_a_wrong_type_fails_the_build_naming_the_key(tmp_path):
    _assert_build_fails_naming(tmp_path, "per_page: many", "per_page", strict=False)
