"""Every message of the web (templates and Python, extracted as pybabel would) has an nb and
an nl translation: an empty or fuzzy one counts as missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

WEB = Path(__file__).resolve().parents[2] / "web"
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
KEYWORDS["N_"] = None  # web/form_labels.py marks its labels with N_


def extracted() -> dict[str, str]:
    """msgid -> where it was first found."""
    found: dict[str, str] = {}
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    for name, line, message, _c, _ctx in extract_from_dir(
        str(WEB), METHODS, options_map=options, keywords=KEYWORDS
    ):
        key = message if isinstance(message, str) else message[0]
        found.setdefault(key, f"web/{name}:{line}")
    return found


def test_extraction_finds_the_web_messages() -> None:
    found = extracted()
    assert "Dashboard" in found and "partly approved" in found and "Given name" in found


@pytest.mark.parametrize("lang", ["nb", "nl"])
def test_every_message_is_translated(lang: str) -> None:
    with (WEB / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale=lang)
    missing = []
    for msgid, where in sorted(extracted().items(), key=lambda kv: kv[1]):
        m = catalog.get(msgid)
        strings = m.string if m is not None and isinstance(m.string, tuple) else (m and m.string,)
        if m is None or m.fuzzy or not all(strings):
            missing.append(f"{where}: {msgid!r}")
    assert not missing, f"{len(missing)} messages lack a {lang} translation:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", ["nb", "nl"])
def test_every_profile_path_is_described_in_the_readers_language(lang: str) -> None:
    """The map editor explains each profile path by the vocabulary's own description; the
    vocabulary is English, so each description must be in the catalog."""
    from formfill.profile.model import vocabulary

    with (WEB / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale=lang)
    described = {i.description for i in vocabulary().values() if i.description}
    missing = sorted(d for d in described if not (m := catalog.get(d)) or not m.string)
    assert not missing, f"{len(missing)} descriptions lack a {lang} translation: {missing}"
