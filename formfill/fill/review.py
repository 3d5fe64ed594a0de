"""What the map check adds once the catalogue is known: programs a map reads that the catalog
lacks, criteria a map re-states, people addressed by entry order, lists without [[rows]]."""

from __future__ import annotations

import re

from formfill.errors import Problem
from formfill.fill.catalogue import FormCatalogue
from formfill.maps.model import FormMap
from formfill.profile.expressions import expression_paths, program_refs
from formfill.profile.money import is_money_path
from formfill.programs.criteria import criterion_paths

__all__ = ["map_programs", "review_map"]


def map_programs(fmap: FormMap) -> frozenset[str]:
    """The programs whose screening the map's expressions read."""
    found: set[str] = set()
    for spec in fmap.fields:
        if spec.when:
            found |= program_refs(spec.when)
        if spec.expr:
            found |= program_refs(spec.expr, condition=False)
    return frozenset(found)


def _overlaps(a: str, b: str) -> bool:
    """One path is the other or lies under it (income.sources[].amount under income)."""
    return a == b or a.startswith(b + ".") or a.startswith(b + "[") or b.startswith(a + ".")


_POSITIONAL = re.compile(r"household\.members\[\d+\]")


def review_map(forms: FormCatalogue, fmap: FormMap) -> tuple[list[Problem], list[str]]:
    """What the map check adds once the catalog is known: problems (a program the map reads
    that the catalog does not have) and warnings (a ``when`` that re-states a criterion of a
    program the form belongs to, people addressed by the order they were entered in, a list
    read row by row without a [[rows]] declaration, so that extra items would be dropped)."""
    catalog = forms.catalog()
    known = {p.id for p in catalog.programs}
    problems = [
        Problem(f"fields[{spec.field}]", f"no program {pid!r} in the catalog")
        for spec in fmap.fields
        for text, cond in ((spec.when, True), (spec.expr, False))
        if text
        for pid in sorted(program_refs(text, condition=cond) - known)
    ]
    warnings: list[str] = []
    owners = [p for p in catalog.programs if fmap.id in p.forms]
    for spec in fmap.fields:
        if not spec.when:
            continue
        used = expression_paths(spec.when)
        for program in owners:
            for criterion in program.criteria:
                hit = sorted(u for u in used for c in criterion_paths(criterion) if _overlaps(u, c))
                if hit:
                    warnings.append(
                        f"fields[{spec.field}]: when re-states criterion {criterion.id!r} of "
                        f"{program.id} ({', '.join(dict.fromkeys(hit))}): refer to "
                        f"programs['{program.id}'] instead, so the box and the screening agree"
                    )
    for spec in fmap.fields:
        text = " ".join(t for t in (spec.profile, spec.expr, spec.when) if t)
        if _POSITIONAL.search(text):
            warnings.append(
                f"fields[{spec.field}]: reads household.members[i], the order the household "
                "was entered in: use household.partner, household.children[i], "
                "household.others[i] or household.everyone[i]"
            )
    if fmap.currency is None:
        amounts = [
            spec.field
            for spec in fmap.fields
            if (spec.profile and is_money_path(spec.profile))
            or any(is_money_path(p) for p in expression_paths(spec.expr or "", condition=False))
        ]
        if amounts:
            warnings.append(
                f"{', '.join(amounts[:3])}{' ...' if len(amounts) > 3 else ''}: amounts, but "
                'the map does not say the form\'s currency (currency = "USD"): no amount is '
                "written until it does"
            )
    declared = {g.list for g in fmap.rows}
    lists: dict[str, int] = {}
    for spec in fmap.fields:
        for source in (spec.profile, spec.expr, spec.when):
            for m in re.finditer(r"([a-z_][a-z0-9_.]*)\[(\d+)\]", source or ""):
                lists[m.group(1)] = max(lists.get(m.group(1), -1), int(m.group(2)))
    for name, top in sorted(lists.items()):
        if name not in declared:
            warnings.append(
                f"{name}[0..{top}] is read row by row but no [[rows]] declares it: a client "
                f"with more than {top + 1} would have the rest left off the form"
            )
    return problems, warnings
