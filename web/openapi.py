"""The OpenAPI 3.1 document of /api/v1 (served at /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

ERROR = {"$ref": "#/components/schemas/Error"}


def _op(
    summary: str,
    ok: str = "200",
    body: dict[str, Any] | None = None,
    params: list[dict[str, Any]] | None = None,
    *,
    body_required: bool = True,
    result: dict[str, Any] | None = None,
    more: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An operation: ``ok`` answers ``result`` (default: an object); 400, 401 and 404 are
    always possible, ``more`` adds other statuses with their description (409 Conflict)."""
    failures = {
        "400": "Bad input",
        "401": "Not signed in, or the API token is unknown, expired or revoked",
        "404": "Not found or not yours",
        **(more or {}),
    }
    if body is not None:
        failures["403"] = "The API token's scope is read: changes need a write token"
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {
            ok: {
                "description": "OK",
                "content": {"application/json": {"schema": result or {"type": "object"}}},
            },
            **{
                status: {"description": why, "content": {"application/json": {"schema": ERROR}}}
                for status, why in sorted(failures.items())
            },
        },
    }
    if body is not None:
        op["requestBody"] = {
            "required": body_required,
            "content": {"application/json": {"schema": body}},
        }
        op["parameters"] = [
            {
                "name": "X-CSRFToken",
                "in": "header",
                "required": False,
                "description": "Needed with the session cookie; not with an API token",
                "schema": {"type": "string"},
            }
        ]
    if params:
        op["parameters"] = op.get("parameters", []) + params
    return op


def _q(name: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": {"type": kind}}


def _p(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


PROPOSAL_STATES = ["proposed", "accepted", "corrected", "rejected"]
OWNER = {
    "type": "boolean",
    "description": "true: you checked that the document is the client's (needed when another "
    "of its values names someone else)",
}
SEEN = {
    "description": "The current value you were shown (null or empty: none). When the profile "
    "holds another value now, nothing is saved and the answer is 409.",
    "type": ["string", "number", "null"],
}
CONFLICT = {
    "409": "The proposal is decided already, or the profile changed since the value in seen"
}
DECISION = {"$ref": "#/components/schemas/Decision"}


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "formfill API",
        "version": "1",
        "description": "Clients, applications, batches and evidence proposals, with the "
        "web's permissions. Either a personal API token (made at /account/tokens, shown once; "
        "scope read: GET only, scope write: every request; it expires) sent as "
        "'Authorization: Bearer ff_...', or the web's session cookie (sign in through /login), "
        "with which unsafe methods need the X-CSRFToken header (GET /api/v1/csrf).",
    },
    "security": [{"bearerAuth": []}, {"cookieAuth": []}],
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
        "/api/v1/clients/{id}/proposals": {
            "get": _op(
                "The values read from a client's evidence, pending and decided",
                params=[
                    _p("id"),
                    {
                        "name": "state",
                        "in": "query",
                        "required": False,
                        "description": "Only these states (repeat it, or separate with commas)",
                        "style": "form",
                        "explode": True,
                        "schema": {
                            "type": "array",
                            "items": {"type": "string", "enum": PROPOSAL_STATES},
                        },
                    },
                ],
                result={
                    "type": "object",
                    "properties": {
                        "client": {"type": "integer"},
                        "items": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Proposal"},
                        },
                    },
                },
            )
        },
        "/api/v1/proposals/{id}/accept": {
            "post": _op(
                "Accept a proposal: its value goes into the profile, the evidence its provenance "
                "(400 without owner_checked when the document may be another person's)",
                body={"type": "object", "properties": {"seen": SEEN, "owner_checked": OWNER}},
                body_required=False,
                params=[_p("id")],
                result=DECISION,
                more=CONFLICT,
            )
        },
        "/api/v1/proposals/{id}/correct": {
            "post": _op(
                "Accept a proposal with another value (400 when the profile refuses it, naming "
                "whose value and which field)",
                body={
                    "type": "object",
                    "required": ["value"],
                    "properties": {
                        "value": {
                            "type": ["string", "number"],
                            "description": "As the profile stores it: ISO dates, dot decimals",
                        },
                        "seen": SEEN,
                        "owner_checked": OWNER,
                    },
                },
                params=[_p("id")],
                result=DECISION,
                more=CONFLICT,
            )
        },
        "/api/v1/proposals/{id}/reject": {
            "post": _op(
                "Reject a proposal; the profile stays as it is",
                body={
                    "type": "object",
                    "properties": {
                        "reason": {
                            "type": "string",
                            "description": "Why; kept as a note on the client",
                        }
                    },
                },
                body_required=False,
                params=[_p("id")],
                result=DECISION,
                more={"409": "The proposal is decided already"},
            )
        },
    },
    "components": {
        "securitySchemes": {
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "description": "A personal API token (ff_...), scope read or write",
            },
            "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "formfill_session"},
        },
        "schemas": {
            "Proposal": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "path": {"type": "string", "description": "docs/profile-reference.md"},
                    "label": {
                        "type": "string",
                        "description": "Whose value and which: 'client (Kari Nordmann): amount'",
                    },
                    "current": {"description": "The profile's value at the path now (or null)"},
                    "proposed": {"description": "The value read"},
                    "replaces": {
                        "type": "boolean",
                        "description": "Accepting changes a different value",
                    },
                    "source": {
                        "type": "object",
                        "properties": {
                            "evidence_id": {"type": "integer"},
                            "file": {"type": "string"},
                            "page": {"type": ["integer", "null"]},
                            "box": {"type": ["array", "null"], "items": {"type": "number"}},
                        },
                    },
                    "confidence": {"type": ["number", "null"]},
                    "doubtful": {"type": "boolean", "description": "Never preselect it"},
                    "doubts": {"type": "array", "items": {"type": "string"}},
                    "state": {"type": "string", "enum": PROPOSAL_STATES},
                    "final": {"description": "The value accepted or corrected (or null)"},
                    "decided_by": {"type": ["integer", "null"]},
                    "decided_at": {"type": ["string", "null"], "format": "date-time"},
                },
            },
            "Decision": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "client": {"type": "integer"},
                    "path": {"type": "string"},
                    "state": {"type": "string", "enum": PROPOSAL_STATES[1:]},
                    "value": {"description": "What the profile now holds (null: rejected)"},
                    "replaced": {"description": "The different value it replaced (or null)"},
                },
            },
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
            },
        },
    },
}
