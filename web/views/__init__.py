"""Blueprints, one per noun."""

from __future__ import annotations

from flask import Flask


def register_views(app: Flask) -> None:
    from web.views import (
        admin,
        api,
        applications,
        audit,
        batches,
        calendar,
        clients,
        dashboard,
        editor,
        evidence,
        forms,
        health,
    )

    for module in (admin, api, applications, audit, batches, calendar, clients, dashboard, editor,
                   evidence, forms, health):  # fmt: skip
        app.register_blueprint(module.bp)
