"""Sign-in, sign-out, password change and interface language; who the user is and may see.

Sessions carry ``<user id>:<session version>``; sign-out and a password change bump the version
in the store, so every cookie issued before is void (server-side invalidation with signed-cookie
sessions). Failed sign-ins are counted in Redis per e-mail and per address (no new
infrastructure): past the limit, sign-in waits for the window to pass.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user
from flask_login import logout_user as _logout
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from redis.exceptions import RedisError
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from formfill.store import Actor
from formfill.store import users as store_users
from formfill.store.models import User
from web.services import db, services

bp = Blueprint("auth", __name__)
csrf = CSRFProtect()
F = TypeVar("F", bound=Callable[..., Any])

MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 30
WINDOW_SECONDS = 15 * 60
MIN_PASSWORD = 12


class WebUser(UserMixin):  # type: ignore[misc]
    """The signed-in user, detached from any database session."""

    def __init__(self, user: User) -> None:
        self.uid = user.id
        self.email = user.email
        self.name = user.name
        self.role = user.role
        self.team = user.team
        self.locale = user.locale
        self.version = user.session_version

    def get_id(self) -> str:
        return f"{self.uid}:{self.version}"

    @property
    def actor(self) -> Actor:
        return Actor(self.uid, f"user:{self.uid}")

    def row(self) -> User:
        """The user's row in this request's session."""
        return store_users.get_user(db(), self.uid)


def me() -> WebUser:
    return current_user  # type: ignore[no-any-return]


def roles(*allowed: str) -> Callable[[F], F]:
    """Only these roles; others get 404 for pages about clients (nothing to see here) and 403
    for admin pages."""

    def deco(fn: F) -> F:
        @wraps(fn)
        @login_required  # type: ignore[misc]
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if me().role not in allowed:
                # a page of another role: the refusal is audited (who, which page; no value)
                g.setdefault("denials", []).append(
                    (me().actor, "page", request.endpoint or "", None)
                )
                abort(403)
            return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return deco


def init(app: Flask) -> None:
    csrf.init_app(app)
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = None
    manager.session_protection = "basic"

    @manager.user_loader  # type: ignore[misc]
    def load(user_id: str) -> WebUser | None:
        try:
            uid, version = (int(v) for v in user_id.split(":"))
        except ValueError:
            return None
        user = db().get(User, uid)
        if user is None or not user.active or user.session_version != version:
            return None
        return WebUser(user)

    @manager.unauthorized_handler  # type: ignore[misc]
    def unauthorized() -> Any:
        from web.errors import error_response, wants_json

        if wants_json():
            return error_response(401, "unauthorized", _("Sign in first."))
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    app.register_blueprint(bp)


# -- rate limiting ----------------------------------------------------------------------------


def _keys(email: str) -> list[tuple[str, int]]:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    address = request.remote_addr or "unknown"
    return [
        (f"formfill:signin:email:{digest}", MAX_FAILURES_PER_EMAIL),
        (f"formfill:signin:addr:{address}", MAX_FAILURES_PER_ADDRESS),
    ]


def _blocked(email: str) -> bool:
    r = services().redis()
    return any(int(r.get(k) or 0) >= limit for k, limit in _keys(email))


def _failed(email: str) -> None:
    r = services().redis()
    for k, _limit in _keys(email):
        if r.incr(k) == 1:  # the window starts at the first failure (Redis 6.2: no EXPIRE NX)
            r.expire(k, WINDOW_SECONDS)


def _succeeded(email: str) -> None:
    services().redis().delete(_keys(email)[0][0])


# -- views ------------------------------------------------------------------------------------


class LoginForm(FlaskForm):  # type: ignore[misc]
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1000)])


_LOCAL_PATH = re.compile(r"/(?![/\\])[^\s\\]*")


def _safe_next(target: str | None) -> str:
    """``next`` only as a path of this site: "/clients/3", never "//host", "////host/path",
    "/\\host", a scheme or a control character (browsers read those as another site)."""
    if target and _LOCAL_PATH.fullmatch(target):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("dashboard.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    status = 200
    if request.method == "POST":
        if form.csrf_token.errors or not form.validate():
            if form.csrf_token.errors:
                flash(_("The sign-in form expired. Please sign in again."), "error")
            status = 400
        else:
            email = form.email.data or ""
            try:
                blocked = _blocked(email)
            except RedisError:
                blocked = True  # fail closed: without the counter, no guessing either
                flash(_("Sign-in is unavailable right now. Try again in a minute."), "error")
                return render_template("login.html", form=form), 503
            if blocked:
                flash(_("Too many failed attempts. Wait 15 minutes and try again."), "error")
                return render_template("login.html", form=form), 429
            user = store_users.authenticate(db(), email, form.password.data or "")
            if user is None:
                _failed(email)
                flash(_("Wrong e-mail or password."), "error")
                status = 401
            else:
                _succeeded(email)
                session.clear()  # no fixation: a fresh session for the signed-in user
                login_user(WebUser(user))
                session.permanent = True
                return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required  # type: ignore[misc]
def logout() -> Any:
    store_users.end_sessions(db(), me().uid)
    _logout()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


class PasswordForm(FlaskForm):  # type: ignore[misc]
    current = PasswordField("Current password", validators=[DataRequired()])
    new = PasswordField("New password", validators=[DataRequired(), Length(MIN_PASSWORD, 1000)])
    confirm = PasswordField("Repeat the new password", validators=[EqualTo("new")])


@bp.route("/account/password", methods=["GET", "POST"])
@login_required  # type: ignore[misc]
def password() -> Any:
    form = PasswordForm()
    status = 200
    if request.method == "POST":
        if not form.validate():
            status = 400
        elif store_users.authenticate(db(), me().email, form.current.data or "") is None:
            form.current.errors = [_("This is not your current password.")]
            status = 400
        else:
            user = store_users.set_password(db(), me().actor, me().uid, form.new.data or "")
            db().flush()
            login_user(WebUser(user))  # this session continues; every other one ends
            flash(_("Your password is changed. Other sessions are signed out."), "info")
            return redirect(url_for("dashboard.index"))
    return render_template("password.html", form=form), status


@bp.route("/account/locale", methods=["POST"])
@login_required  # type: ignore[misc]
def locale() -> Any:
    chosen = request.form.get("locale", "")
    if chosen not in store_users.LOCALES:
        abort(400)
    user = store_users.set_locale(db(), me().actor, me().uid, chosen)
    g.locale = user.locale
    return redirect(_safe_next(request.form.get("next")))
