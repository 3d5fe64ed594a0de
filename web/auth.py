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
    Response,
    abort,
    flash,
    g,
    make_response,
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
from formfill.store import tokens as store_tokens
from formfill.store import users as store_users
from formfill.store.models import User
from web.security import note_denial
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
                note_denial(me().actor, "page", request.endpoint or "")
                abort(403)
            return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return deco


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _bearer() -> str | None:
    """The token of an ``Authorization: Bearer`` header, None without one."""
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else None


def _token_refused(status: int, code: str, message: str) -> Any:
    from web.errors import error_response

    resp = error_response(status, code, message)
    response = resp if isinstance(resp, Response) else make_response(resp)
    response.headers["WWW-Authenticate"] = f'Bearer error="{code}"'
    return response


def init(app: Flask) -> None:
    # CSRF is checked below, for requests that carry the session cookie; a request signed with
    # an API token carries no cookie, so a page elsewhere cannot make one in the user's name
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)

    @app.before_request
    def token_or_csrf() -> Any:
        secret = _bearer()
        if secret is None:
            if app.config.get("WTF_CSRF_ENABLED", True):
                csrf.protect(apply_exemptions=True)
            return None
        if not request.path.startswith("/api/"):
            return _token_refused(
                401, "invalid_request", _("API tokens are for the API (/api/v1) only.")
            )
        found = store_tokens.verify_token(db(), secret)
        if found is None:
            return _token_refused(
                401, "invalid_token", _("The API token is unknown, expired or revoked.")
            )
        if found.token.scope == "read" and request.method not in SAFE_METHODS:
            return _token_refused(
                403,
                "insufficient_scope",
                _("This token may only read. Make a token with the write scope to change data."),
            )
        g._login_user = WebUser(found.user)  # Flask-Login's current user, for this request only
        g.api_token = found.token.id
        return None

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


# -- personal API tokens ------------------------------------------------------------------------


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required  # type: ignore[misc]
def tokens() -> Any:
    """The user's API tokens: make one (shown once, on this answer only), list, revoke."""
    status, made, error = 200, None, None
    values: dict[str, str] = {}
    if request.method == "POST":
        values = {k: (request.form.get(k) or "").strip() for k in ("name", "scope", "days")}
        try:
            days = int(values["days"] or "90")
        except ValueError:
            days = 0
        try:
            row, secret = store_tokens.create_token(
                db(), me().actor, me().uid, values["name"], values["scope"], days
            )
        except ValueError:
            error = _(
                "Give the token a name, a scope (read or write) and a life of 1 to %(n)s days.",
                n=store_tokens.MAX_DAYS,
            )
            status = 400
        else:
            made = (row, secret)
            status = 201
            values = {}
    return render_template(
        "tokens.html",
        tokens=store_tokens.list_tokens(db(), me().uid),
        made=made,
        error=error,
        values=values,
        max_days=store_tokens.MAX_DAYS,
    ), status


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required  # type: ignore[misc]
def revoke_token(token_id: int) -> Any:
    store_tokens.revoke_token(db(), me().actor, me().uid, token_id)
    flash(_("The token is revoked: it no longer works."), "info")
    return redirect(url_for("auth.tokens"))
