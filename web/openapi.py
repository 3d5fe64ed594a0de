"""The OpenAPI 3.1 document of /api/v1 (served at /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

ERROR = {"$ref": "#/components/schemas/Error"}


def _op(
    summary: str,
    ok: str = "200",
    body: dict[str, Any] | None = None,
    params: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {
            ok: {
                "description": "OK",
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            "400": {"description": "Bad input", "content": {"application/json": {"schema": ERROR}}},
            "401": {
                "description": "Not signed in",
                "content": {"application/json": {"schema": ERROR}},
            },
            "404": {
                "description": "Not found or not yours",
                "content": {"application/json": {"schema": ERROR}},
            },
        },
    }
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
        op["parameters"] = [
            {"name": "X-CSRFToken", "in": "header", "required": True, "schema": {"type": "string"}}
        ]
    if params:
        op["parameters"] = op.get("parameters", []) + params
    return op


def _q(name: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": {"type": kind}}


def _p(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "formfill API",
        "version": "1",
        "description": "Clients, applications and batches, with the web's permissions: "
        "sign in through /login (session cookie); unsafe methods need the "
        "X-CSRFToken header (GET /api/v1/csrf).",
    },
    "paths": {
        "/api/v1/csrf": {"get": _op("A CSRF token for unsafe requests")},
        "/api/v1/clients": {
            "get": _op(
                "Clients you may see",
                params=[_q("q"), _q("offset", "integer"), _q("limit", "integer")],
            ),
            "post": _op(
                "Create a client (on your caseload)",
                "201",
                {
                    "type": "object",
                    "required": ["profile"],
                    "properties": {
                        "reference": {"type": "string"},
                        "profile": {"type": "object", "description": "docs/profile.schema.json"},
                    },
                },
            ),
        },
        "/api/v1/clients/{id}": {
            "get": _op("A client's profile and provenance", params=[_p("id")])
        },
        "/api/v1/applications": {
            "get": _op("Applications", params=[_q("status"), _q("due_within", "integer")])
        },
        "/api/v1/applications/{id}": {
            "get": _op("An application and its events", params=[_p("id")])
        },
        "/api/v1/applications/{id}/advance": {
            "post": _op(
                "Move an application to a status",
                body={
                    "type": "object",
                    "required": ["to"],
                    "properties": {
                        "to": {"type": "string"},
                        "date": {"type": "string", "format": "date"},
                        "note": {"type": "string"},
                        "decision": {"type": "string"},
                        "submission": {
                            "type": "object",
                            "properties": {
                                "channel": {
                                    "type": "string",
                                    "enum": ["portal", "post", "email", "in_person"],
                                },
                                "reference": {"type": "string"},
                            },
                        },
                    },
                },
                params=[_p("id")],
            )
        },
        "/api/v1/batches": {
            "get": _op("Your batches"),
            "post": _op(
                "Plan and launch a batch",
                "201",
                {
                    "type": "object",
                    "required": ["clients", "forms"],
                    "properties": {
                        "clients": {"type": "array", "items": {"type": "integer"}},
                        "forms": {"type": "array", "items": {"type": "string"}},
                        "only_ready": {"type": "boolean"},
                        "label": {"type": "string"},
                    },
                },
            ),
        },
        "/api/v1/batches/{id}": {"get": _op("A batch's status and progress", params=[_p("id")])},
    },
    "components": {
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["status", "code", "message"],
                        "properties": {
                            "status": {"type": "integer"},
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "details": {"type": "array", "items": {"type": "string"}},
                        },
                    }
                },
            }
        }
    },
}
