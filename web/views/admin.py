"""Admin: users (create, deactivate) and the forms catalogue's health."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from formfill.errors import ConflictError
from formfill.store import users as store_users
from formfill.store.models import ROLES
from web.auth import MIN_PASSWORD, me, roles
from web.services import db

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users", methods=["GET", "POST"])
@roles("admin")
def users() -> Any:
    status = 200
    if request.method == "POST":
        email = (request.form.get("email") or "").strip()
        name = (request.form.get("name") or "").strip()
        role = request.form.get("role") or ""
        password = request.form.get("password") or ""
        team = (request.form.get("team") or "").strip() or None
        if not email or "@" not in email or not name or role not in ROLES:
            flash(_("Give an e-mail, a name and a role."), "error")
            status = 400
        elif len(password) < MIN_PASSWORD:
            flash(_("The password needs at least %(n)s characters.", n=MIN_PASSWORD), "error")
            status = 400
        else:
            try:
                with db().begin_nested():
                    store_users.create_user(db(), me().actor, email, name, role, password, team)
            except ConflictError as e:
                flash(str(e), "error")
                status = 409
            else:
                flash(_("User created."), "info")
                return redirect(url_for("admin.users"))
    return render_template(
        "admin_users.html", users=store_users.list_users(db()), roles=ROLES
    ), status


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@roles("admin")
def set_active(user_id: int) -> Any:
    if user_id == me().uid:
        flash(_("You cannot deactivate yourself."), "error")
    else:
        store_users.set_active(db(), me().actor, user_id, request.form.get("active") == "1")
    return redirect(url_for("admin.users"))
