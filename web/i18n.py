"""The interface in English, Norwegian bokmål and Dutch (Flask-Babel). The language is the
user's (stored on the user), else the browser's. Catalogues are kept as .po files in
web/translations and compiled to .mo at start into <data_dir>/translations (no build step, and
the source tree may be read-only)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, request
from flask_babel import Babel, get_locale
from flask_login import current_user

from formfill.config import Settings

LOCALES = ("en", "nb", "nl")
LANGUAGE_NAMES = {"en": "English", "nb": "Norsk bokmål", "nl": "Nederlands"}
SOURCE = Path(__file__).resolve().parent / "translations"


def compile_catalogs(target: Path) -> Path:
    """Compile every web/translations/<lang>/LC_MESSAGES/messages.po newer than its .mo."""
    for po in SOURCE.glob("*/LC_MESSAGES/messages.po"):
        mo = target / po.relative_to(SOURCE).with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parts[-3])
        tmp = mo.with_suffix(".tmp")
        with tmp.open("wb") as f:
            write_mo(f, catalog)
        tmp.replace(mo)
    return target


def select_locale() -> str:
    if "locale" in g:
        return str(g.locale)
    if current_user.is_authenticated and current_user.locale in LOCALES:
        return str(current_user.locale)
    return request.accept_languages.best_match((*LOCALES, "no", "nn")) or "en"


def init(app: Flask, settings: Settings) -> None:
    folder = compile_catalogs(settings.data_dir / "translations")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(folder)
    app.config["BABEL_DEFAULT_LOCALE"] = "en"

    def locale() -> str:
        chosen = select_locale()
        return "nb" if chosen in ("no", "nn") else chosen

    Babel(app, locale_selector=locale)
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["get_locale"] = get_locale
