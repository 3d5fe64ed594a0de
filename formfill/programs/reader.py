"""Reading the sections of a program file, collecting every problem (used by
:mod:`formfill.programs.catalog`). Each reader takes the raw TOML table and returns model
objects."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from formfill.errors import DeadlineRuleError, Problem, UnknownPathError
from formfill.lifecycle import parse_rules
from formfill.profile.expressions import expression_problems
from formfill.profile.model import check_path
from formfill.programs.model import (
    CRITERION_KINDS,
    LANGUAGES,
    ApplyBy,
    Backdating,
    Criterion,
    EvidenceItem,
    Parameter,
    ParamValue,
    PeriodRule,
    ReportChanges,
    RuleInfo,
    Source,
    Text,
)
from formfill.programs.model import suggest as _suggest
from formfill.text import localised

_SOURCE_KEYS = ("url", "title", "date", "verified", "note")
_VALUE_KEYS = ("from", "value", "source", "verified", "note")
_COMMON_CRITERION = ("id", "kind", "explain", "source", "when", "note")
# placeholders an explanation may use: the criterion's limits and the client's value
_PLACEHOLDERS = frozenset(
    {"min", "below", "max", "count", "country", "values", "value", "currency", "share", "unit"}
)
_EVIDENCE_KEYS = ("id", "doc_type", "label", "when", "max_age_months", "source", "note")
_APPLY_RULES = ("months_after_start_month", "date_next_year", "day_of_start_month")
_APPLY_KEYS = ("rule", "months", "month", "day", "text", "source", "note", "verified")
_BACKDATING_KEYS = ("months", "starts", "text", "source", "note", "verified")
_STARTS = ("month_after", "same_month")
_REPORT_KEYS = ("weeks", "text", "source", "note", "verified")
_META = ("text", "source", "note", "verified", "stops")
_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")


class Reader:
    """Collects problems while reading one file."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def keys(self, data: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
        allowed = tuple(allowed)
        for key in data:
            if key not in allowed:
                self.add(f"{where}{key}", f"unknown key{_suggest(key, allowed)}")

    def table(self, data: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.add(f"{where}{key}", "must be a table")
            return {}
        return value

    def array(self, data: Mapping[str, Any], key: str, where: str) -> list[dict[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.add(f"{where}{key}", "must be an array of tables ([[...]])")
            return []
        return value

    def text(self, data: Mapping[str, Any], key: str, where: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            self.add(f"{where}{key}", "missing or not a non-empty string")
            return ""
        return value

    def langs(self, data: Mapping[str, Any], key: str, where: str, check: bool = False) -> Text:
        raw = data.get(key)
        if not isinstance(raw, dict):
            self.add(f"{where}{key}", f"missing: a table with {', '.join(LANGUAGES)}")
            return {}
        self.keys(raw, LANGUAGES, f"{where}{key}.")
        out: dict[str, str] = {}
        for lang in LANGUAGES:
            value = raw.get(lang)
            if not isinstance(value, str) or not value.strip():
                self.add(f"{where}{key}.{lang}", "missing or empty")
                continue
            if check:
                self.placeholders(value, f"{where}{key}.{lang}")
            out[lang] = value
        return out

    def placeholders(self, text: str, where: str) -> None:
        try:
            parts = list(string.Formatter().parse(text))
        except ValueError as e:
            self.add(where, f"bad placeholder: {e}")
            return
        for _lit, name, spec, conv in parts:
            if name is None:
                continue
            if name not in _PLACEHOLDERS or spec or conv:
                known = ", ".join(sorted(_PLACEHOLDERS))
                self.add(where, f"placeholder {{{name}}} is not allowed (known: {known})")

    def flag(self, data: Mapping[str, Any], key: str, where: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.add(f"{where}{key}", "must be true or false")
            return default
        return value

    def whole(self, data: Mapping[str, Any], key: str, where: str, low: int = 0) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            self.add(f"{where}{key}", f"must be a whole number >= {low}")
            return None
        return value

    def source_ref(self, data: Mapping[str, Any], where: str, sources: Mapping[str, Any]) -> str:
        ref = data.get("source")
        if not isinstance(ref, str):
            self.add(f"{where}source", "missing: the id of a [sources.<id>] entry")
            return ""
        if ref not in sources:
            self.add(f"{where}source", f"no source {ref!r}{_suggest(ref, sources)}")
        return ref

    def expression(self, text: Any, where: str) -> str | None:
        if text is None:
            return None
        if not isinstance(text, str) or not text.strip():
            self.add(where, "must be a non-empty expression")
            return None
        for msg in expression_problems(text, condition=True):
            self.add(where, msg)
        return text


# --- sections ------------------------------------------------------------------------------------


def read_sources(r: Reader, data: Mapping[str, Any]) -> dict[str, Source]:
    out: dict[str, Source] = {}
    raw = r.table(data, "sources", "")
    if not raw:
        r.add("sources", "no [sources.<id>] entries: every rule needs a cited source")
    for sid, entry in raw.items():
        w = f"sources.{sid}."
        if not isinstance(entry, dict):
            r.add(w[:-1], "must be a table")
            continue
        r.keys(entry, _SOURCE_KEYS, w)
        url = r.text(entry, "url", w)
        if url and not url.startswith("https://"):
            r.add(f"{w}url", "must be an https:// address")
        day = entry.get("date")
        if not isinstance(day, date):
            r.add(f"{w}date", "missing: the date of the rule or of the page version (YYYY-MM-DD)")
            day = date.min
        out[sid] = Source(
            id=sid,
            url=url,
            title=r.text(entry, "title", w),
            date=day,
            verified=r.flag(entry, "verified", w, True),
            note=str(entry.get("note", "")),
        )
        if not out[sid].verified and not out[sid].note:
            r.add(f"{w}note", "an unverified source needs a note saying what is uncertain")
    return out


def read_parameters(
    r: Reader, data: Mapping[str, Any], sources: Mapping[str, Source]
) -> dict[str, Parameter]:
    out: dict[str, Parameter] = {}
    for name, entry in r.table(data, "parameters", "").items():
        w = f"parameters.{name}."
        if not isinstance(entry, dict):
            r.add(w[:-1], "must be a table")
            continue
        r.keys(entry, ("unit", "description", "values"), w)
        values: list[ParamValue] = []
        for i, raw in enumerate(r.array(entry, "values", w)):
            vw = f"{w}values[{i}]."
            r.keys(raw, _VALUE_KEYS, vw)
            start = raw.get("from")
            if not isinstance(start, date):
                r.add(f"{vw}from", "missing: the date the value takes effect (YYYY-MM-DD)")
                continue
            if "value" not in raw:
                r.add(f"{vw}value", "missing")
                continue
            verified = r.flag(raw, "verified", vw, True)
            note = str(raw.get("note", ""))
            if not verified and not note:
                r.add(f"{vw}note", "an unverified value needs a note saying what is uncertain")
            values.append(
                ParamValue(start, raw["value"], r.source_ref(raw, vw, sources), verified, note)
            )
        if not values:
            r.add(f"{w}values", "no dated values")
        starts = [v.start for v in values]
        if len(set(starts)) != len(starts):
            r.add(f"{w}values", "two values take effect on the same date")
        out[name] = Parameter(
            name,
            str(entry.get("unit", "")),
            tuple(sorted(values, key=lambda v: v.start)),
            str(entry.get("description", "")),
        )
    return out


def _limit(
    r: Reader, spec: Mapping[str, Any], key: str, where: str, params: Mapping[str, Any]
) -> None:
    value = spec.get(key)
    if value is None:
        return
    if isinstance(value, str):
        if value not in params:
            r.add(f"{where}{key}", f"no parameter {value!r}{_suggest(value, params)}")
    elif not isinstance(value, (int, float)) or isinstance(value, bool):
        r.add(f"{where}{key}", "must be a number or the name of a parameter")


def _criterion_spec(
    r: Reader, kind: str, raw: Mapping[str, Any], w: str, params: Mapping[str, Any]
) -> None:
    """Kind-specific checks (the keys themselves are checked by the caller)."""
    for key in ("min", "below", "max", "count", "min_custody_share"):
        _limit(r, raw, key, w, params)
    if kind in ("age", "children") and "min" not in raw and "below" not in raw:
        r.add(w[:-1], f"{kind} needs min and/or below")
    if kind == "children" and raw.get("unit", "years") not in ("years", "months"):
        r.add(f"{w}unit", "must be years or months")
    if kind == "income":
        if raw.get("measure") not in ("monthly_gross", "yearly_gross"):
            r.add(f"{w}measure", "must be monthly_gross or yearly_gross")
        if raw.get("scope", "client") not in ("client", "household"):
            r.add(f"{w}scope", "must be client or household")
        if "max" not in raw and "min" not in raw:
            r.add(w[:-1], "income needs max and/or min")
        if not isinstance(raw.get("currency"), str):
            r.add(f"{w}currency", "missing: the currency of the limits (NOK, EUR)")
    if kind == "residence" and not isinstance(raw.get("country"), str):
        r.add(f"{w}country", "missing: a two-letter country code")
    if kind == "assessment":
        for key in ("path", "currency_path"):
            if key in raw:
                try:
                    check_path(str(raw[key]))
                except UnknownPathError as e:
                    r.add(f"{w}{key}", str(e))
        if "path" in raw and not isinstance(raw.get("currency"), str):
            r.add(f"{w}currency", "missing: the currency of the limits (NOK, EUR)")
    if kind == "one_of":
        path = raw.get("path")
        try:
            check_path(str(path))
        except UnknownPathError as e:
            r.add(f"{w}path", str(e))
        values = raw.get("values")
        if not isinstance(values, list) or not values:
            r.add(f"{w}values", "must be a non-empty list")
    if kind == "expr":
        r.expression(raw.get("test"), f"{w}test")
        needs = raw.get("needs", [])
        if not isinstance(needs, list):
            r.add(f"{w}needs", "must be a list of profile paths")
            needs = []
        for path in needs:
            try:
                check_path(str(path))
            except UnknownPathError as e:
                r.add(f"{w}needs", str(e))


def read_criteria(
    r: Reader, data: Mapping[str, Any], sources: Mapping[str, Source], params: Mapping[str, Any]
) -> list[Criterion]:
    out: list[Criterion] = []
    seen: set[str] = set()
    raw_list = r.array(data, "criteria", "")
    if not raw_list:
        r.add("criteria", "no [[criteria]]")
    for i, raw in enumerate(raw_list):
        cid = raw.get("id")
        w = f"criteria[{cid if isinstance(cid, str) else i}]."
        kind = raw.get("kind")
        if not isinstance(kind, str) or kind not in CRITERION_KINDS:
            r.add(f"{w}kind", f"must be one of {', '.join(CRITERION_KINDS)} (got {kind!r})")
            continue
        r.keys(raw, _COMMON_CRITERION + CRITERION_KINDS[kind], w)
        if not isinstance(cid, str) or not _ID.fullmatch(cid):
            r.add(f"{w}id", "missing or not a lower-case id")
            cid = f"#{i}"
        elif cid in seen:
            r.add(f"{w}id", "duplicate criterion id")
        seen.add(cid)
        _criterion_spec(r, kind, raw, w, params)
        spec = {k: v for k, v in raw.items() if k in CRITERION_KINDS[kind]}
        out.append(
            Criterion(
                id=cid,
                kind=kind,
                spec=spec,
                explain=r.langs(raw, "explain", w, check=True),
                source=r.source_ref(raw, w, sources),
                when=r.expression(raw.get("when"), f"{w}when"),
                note=str(raw.get("note", "")),
            )
        )
    return out


def read_evidence(
    r: Reader, data: Mapping[str, Any], sources: Mapping[str, Source], doc_types: Iterable[str]
) -> list[EvidenceItem]:
    known = tuple(doc_types)
    out: list[EvidenceItem] = []
    for i, raw in enumerate(r.array(data, "evidence", "")):
        eid = raw.get("id") if isinstance(raw.get("id"), str) else f"#{i}"
        w = f"evidence[{eid}]."
        r.keys(raw, _EVIDENCE_KEYS, w)
        doc_type = r.text(raw, "doc_type", w)
        if known and doc_type and doc_type not in known:
            r.add(f"{w}doc_type", f"unknown document type {doc_type!r}{_suggest(doc_type, known)}")
        out.append(
            EvidenceItem(
                id=str(eid),
                doc_type=doc_type,
                label=r.langs(raw, "label", w),
                source=r.source_ref(raw, w, sources),
                when=r.expression(raw.get("when"), f"{w}when"),
                max_age_months=r.whole(raw, "max_age_months", w, low=1),
            )
        )
    return out


def read_deadlines(
    r: Reader, data: Mapping[str, Any], sources: Mapping[str, Source]
) -> list[RuleInfo]:
    out: list[RuleInfo] = []
    for i, raw in enumerate(r.array(data, "deadlines", "")):
        w = f"deadlines[{i}]."
        text = r.langs(raw, "text", w)
        src = r.source_ref(raw, w, sources)
        verified = r.flag(raw, "verified", w, True)
        note = str(raw.get("note", ""))
        rule_data = {k: v for k, v in raw.items() if k not in _META}
        rule_data.setdefault("label", localised(text, "en"))
        try:
            (rule,) = parse_rules([rule_data], source=w)
        except DeadlineRuleError as e:
            for p in e.problems:
                r.add(f"{w}{p.where.removeprefix('deadlines[0].')}", p.message)
            continue
        stops = r.langs(raw, "stops", w) if "stops" in raw else {}
        out.append(RuleInfo(rule, text, src, verified, note, stops))
    return out


def read_apply_by(
    r: Reader, data: Mapping[str, Any], sources: Mapping[str, Source]
) -> ApplyBy | None:
    raw = data.get("apply_by")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        r.add("apply_by", "must be a table")
        return None
    w = "apply_by."
    r.keys(raw, _APPLY_KEYS, w)
    rule = raw.get("rule")
    if rule not in _APPLY_RULES:
        r.add(f"{w}rule", f"must be one of {', '.join(_APPLY_RULES)}")
    months = r.whole(raw, "months", w) or 0
    month = r.whole(raw, "month", w, low=1) or 0
    day = r.whole(raw, "day", w, low=1) or 0
    if rule == "months_after_start_month" and not months:
        r.add(f"{w}months", "missing")
    if rule == "date_next_year" and not (1 <= month <= 12 and 1 <= day <= 28):
        r.add(w[:-1], "date_next_year needs month (1-12) and day (1-28)")
    if rule == "day_of_start_month" and not 1 <= day <= 28:
        r.add(f"{w}day", "day_of_start_month needs day (1-28)")
    return ApplyBy(
        str(rule),
        r.langs(raw, "text", w),
        r.source_ref(raw, w, sources),
        months,
        month,
        day,
        r.flag(raw, "verified", w, True),
        str(raw.get("note", "")),
    )


def read_backdating(
    r: Reader, data: Mapping[str, Any], sources: Mapping[str, Source], params: Mapping[str, Any]
) -> Backdating | None:
    raw = data.get("backdating")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        r.add("backdating", "must be a table")
        return None
    w = "backdating."
    r.keys(raw, _BACKDATING_KEYS, w)
    months = raw.get("months")
    _limit(r, raw, "months", w, params)
    if not isinstance(months, (int, str)) or isinstance(months, bool):
        r.add(f"{w}months", "missing: a number of months or a parameter name")
        months = 0
    starts = raw.get("starts", "month_after")
    if starts not in _STARTS:
        r.add(f"{w}starts", f"must be one of {', '.join(_STARTS)}")
    return Backdating(
        months,
        str(starts),
        r.langs(raw, "text", w),
        r.source_ref(raw, w, sources),
        r.flag(raw, "verified", w, True),
        str(raw.get("note", "")),
    )


def read_report(
    r: Reader, data: Mapping[str, Any], sources: Mapping[str, Source]
) -> ReportChanges | None:
    raw = data.get("report_changes")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        r.add("report_changes", "must be a table")
        return None
    w = "report_changes."
    r.keys(raw, _REPORT_KEYS, w)
    return ReportChanges(
        r.whole(raw, "weeks", w, low=1),
        r.langs(raw, "text", w),
        r.source_ref(raw, w, sources),
        r.flag(raw, "verified", w, True),
        str(raw.get("note", "")),
    )


_PERIOD_KEYS = (
    "per", "unit", "start", "from_age_months", "end", "until_age_months", "payments",
    "text", "source", "note", "verified",
)  # fmt: skip
_PAYMENT_KEYS = ("at", "day", "days", "months")
_PERIOD_CHOICES = {
    "per": ("child",),
    "unit": ("month", "quarter"),
    "start": ("after", "from"),
    "end": ("before", "through", "through_unless_first_day"),
}


def read_periods(
    r: Reader, data: Mapping[str, Any], sources: Mapping[str, Source]
) -> PeriodRule | None:
    """``[periods]``: which days the benefit covers per child and when it is paid."""
    raw = data.get("periods")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        r.add("periods", "must be a table")
        return None
    w = "periods."
    r.keys(raw, _PERIOD_KEYS, w)
    chosen: dict[str, str] = {}
    for key, choices in _PERIOD_CHOICES.items():
        value = raw.get(key, choices[0])
        if value not in choices:
            r.add(f"{w}{key}", f"must be one of {', '.join(choices)}")
            value = choices[0]
        chosen[key] = str(value)
    pay = raw.get("payments", {})
    if not isinstance(pay, dict):
        r.add(f"{w}payments", "must be a table")
        pay = {}
    r.keys(pay, _PAYMENT_KEYS, f"{w}payments.")
    at = pay.get("at", "in_unit")
    if at not in ("in_unit", "after_unit", "before_unit"):
        r.add(f"{w}payments.at", "must be one of in_unit, after_unit, before_unit")
        at = "in_unit"
    day = r.whole(pay, "day", f"{w}payments.", low=1) or 1
    if day > 28:
        r.add(f"{w}payments.day", "must be 28 or less (every month has it)")
        day = 28
    return PeriodRule(
        per=chosen["per"],
        unit=chosen["unit"],
        start=chosen["start"],
        from_age_months=r.whole(raw, "from_age_months", w) or 0,
        end=chosen["end"],
        until_age_months=r.whole(raw, "until_age_months", w, low=1),
        pay_at=str(at),
        pay_day=day,
        pay_days=r.whole(pay, "days", f"{w}payments.") or 0,
        pay_months=r.whole(pay, "months", f"{w}payments.") or 0,
        text=r.langs(raw, "text", w),
        source=r.source_ref(raw, w, sources),
        verified=r.flag(raw, "verified", w, True),
        note=str(raw.get("note", "")),
    )
