"""The compiled catalogues (.mo, committed) say exactly what their .po files say.

Django reads only the .mo files: a .po edited without `make messages` (which compiles) would leave
the site showing old or missing translations. The .po is read with polib and compared, message by
message, with the committed .mo: what msgfmt compiles is every translated entry that is neither
fuzzy nor obsolete.
"""

from pathlib import Path

import polib
import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
NOT_SOURCE = {".venv", ".git", "data", "staticfiles", "node_modules", "tests"}


def _catalogues():
    return sorted(
        path
        for top in BASE_DIR.iterdir()
        if top.is_dir() and top.name not in NOT_SOURCE
        for path in top.rglob("locale/*/LC_MESSAGES/*.po")
    )


def _key(entry):
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or None)


def _value(entry):
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
    return (entry.msgstr,)


def po_messages(path):
    catalogue = polib.pofile(str(path))
    return {_key(entry): _value(entry) for entry in catalogue.translated_entries()}


def mo_messages(path):
    catalogue = polib.mofile(str(path))
    return {_key(entry): _value(entry) for entry in catalogue if entry.msgid}


def differences(po_path, mo_path):
    """The messages whose translation differs between the .po and the compiled .mo."""
    if not mo_path.exists():
        return [f"{mo_path.name} is missing"]
    source, compiled = po_messages(po_path), mo_messages(mo_path)
    return [
        f"{key[1]!r} (context {key[0]!r}): .po {source.get(key)!r}, .mo {compiled.get(key)!r}"
        for key in sorted(source.keys() | compiled.keys(), key=lambda k: tuple(map(str, k)))
        if source.get(key) != compiled.get(key)
    ]


@pytest.mark.parametrize("po_path", _catalogues(), ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_compiled_catalogue_matches_its_po_file(po_path):
    problems = differences(po_path, po_path.with_suffix(".mo"))

    assert not problems, (
        f"{po_path.relative_to(BASE_DIR)} and its .mo differ; run `make messages` and commit the "
        ".mo:\n" + "\n".join(problems[:20])
    )


def _write_catalogue(folder, translations):
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "vi"}
    for (context, msgid), msgstr in translations.items():
        catalogue.append(polib.POEntry(msgctxt=context, msgid=msgid, msgstr=msgstr))
    catalogue.save(str(folder / "django.po"))
    return catalogue


def test_catalogue_check_passes_when_compiled(tmp_path):
    catalogue = _write_catalogue(tmp_path, {(None, "Editions"): "Các kỳ hội nghị"})
    catalogue.save_as_mofile(str(tmp_path / "django.mo"))

    assert differences(tmp_path / "django.po", tmp_path / "django.mo") == []


def test_catalogue_check_finds_a_translation_not_compiled(tmp_path):
    compiled = _write_catalogue(tmp_path, {(None, "Editions"): "Các kỳ hội nghị"})
    compiled.save_as_mofile(str(tmp_path / "django.mo"))
    _write_catalogue(
        tmp_path, {(None, "Editions"): "Các kỳ hội nghị", ("province", "Host"): "Tỉnh đăng cai"}
    )

    assert differences(tmp_path / "django.po", tmp_path / "django.mo") == [
        "'Host' (context 'province'): .po ('Tỉnh đăng cai',), .mo None"
    ]


def test_catalogue_check_finds_a_missing_mo(tmp_path):
    _write_catalogue(tmp_path, {(None, "Editions"): "Các kỳ hội nghị"})

    assert differences(tmp_path / "django.po", tmp_path / "django.mo") == ["django.mo is missing"]


@pytest.mark.parametrize("po_path", _catalogues(), ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_catalogue_translates_every_message(po_path):
    """Vietnamese first: every message of ours has its translation, none left fuzzy (msgfmt
    leaves a fuzzy one out: the page would show the English)."""
    catalogue = polib.pofile(str(po_path))
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]

    assert (missing, fuzzy) == ([], [])
