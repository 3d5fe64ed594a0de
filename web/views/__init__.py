"""Blueprints, one per noun."""

from __future__ import annotations

from flask import Flask


def register_views(app: Flask) -> None:
    from web.views import (
        admin,
        api,
        applications,
        batches,
        clients,
        dashboard,
        evidence,
        forms,
        health,
    )

    for module in (admin, api, applications, batches, clients, dashboard, evidence, forms, health):
        app.register_blueprint(module.bp)
