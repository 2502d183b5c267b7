"""Every message in the code has a Finnish and a Hungarian translation.

The source tree is copied to a temporary folder and `makemessages` is run there, so messages
added to the code but not yet to the .po files show up as untranslated, and the committed files
are left untouched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["fi", "hu"]


@pytest.fixture(scope="module")
def extracted_catalogs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, polib.POFile]:
    copy = tmp_path_factory.mktemp("source")
    shutil.copytree(
        ROOT / "sampo",
        copy / "sampo",
        ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static"),
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(copy),
        "DJANGO_SETTINGS_MODULE": "sampo.settings",
        "SAMPO_DATA_DIR": str(copy / "var"),
    }
    languages = [arg for lang in LANGUAGES for arg in ("-l", lang)]
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", *languages, "--no-obsolete", "-v", "0"],
        cwd=copy / "sampo",
        env=env,
        check=True,
    )
    return {
        lang: polib.pofile(str(copy / "sampo" / "locale" / lang / "LC_MESSAGES" / "django.po"))
        for lang in LANGUAGES
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_has_a_translation(extracted_catalogs, language):
    catalog = extracted_catalogs[language]
    missing = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]

    assert len(catalog) > 100, "makemessages found too few messages: is extraction broken?"
    assert not missing, f"{len(missing)} messages lack a {language} translation: {missing[:10]}"
    assert not fuzzy, f"{len(fuzzy)} {language} translations are marked fuzzy: {fuzzy[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(extracted_catalogs, language):
    import re

    placeholder = re.compile(r"%\(\w+\)s|\{\{ ?\w+ ?\}\}|%s|%d")
    wrong = [
        entry.msgid
        for entry in extracted_catalogs[language].translated_entries()
        if sorted(placeholder.findall(entry.msgid)) != sorted(placeholder.findall(entry.msgstr))
        and not entry.msgid_plural
    ]

    assert not wrong, f"{language} translations drop or add placeholders: {wrong[:10]}"
