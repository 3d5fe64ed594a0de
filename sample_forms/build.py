"""Build the synthetic sample forms that formfill's maps and tests are written against.

Run from the repository root:  .venv/bin/python sample_forms/build.py

The forms are our own design: fictional layouts, generic field labels, a "sample form, not an
official form" notice on every page. They deliberately contain the traps real agency forms have
(see sample_forms/README.md and ../shared/pdf-forms-lessons.md), so that the filler's tests meet
them. reportlab's acroform draws pages and widgets; pypdf then post-processes what reportlab
cannot express (per-widget on-states, /Opt radios, non-ASCII state names, signature fields, a
field with widgets on two pages, an orphan widget, /Q alignment, the AcroForm /DR).

The output is deterministic: reportlab runs in invariant mode and pypdf gets a fixed /ID.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfgen import canvas

HERE = Path(__file__).resolve().parent

LABEL_FONT = ("Helvetica", 7.5)
FIELD_FILL = Color(0.91, 0.94, 1.0)
BORDER = Color(0.35, 0.35, 0.45)
FIELD_H = 16
BOX = 11  # checkbox / radio size

# The Spanish on-state "Sí" is written the way the real form had it: one PDFDocEncoding byte,
# /S#ED, not the UTF-8 /S#C3#AD that pypdf writes. Same length after padding, so the xref
# offsets stay valid.
_NAME_BYTE_PATCHES = {b"/S#C3#AD": b"/S#ED   "}


class _Latin1Name(NameObject):
    """A name pypdf writes as single Latin-1 bytes (/S#ED), the way agency forms made with
    a single-byte encoding spell their state names; pypdf itself writes UTF-8 (/S#C3#AD)."""

    def renumber(self) -> bytes:
        return b"/" + b"".join(
            f"#{b:02X}".encode() if b > 126 or b < 33 or b in b"#()<>[]{}/%" else bytes([b])
            for b in self[1:].encode("latin-1")
        )


@dataclass
class Patch:
    """What pypdf must change on one field after reportlab wrote it."""

    states: dict[str, str] = field(default_factory=dict)  # reportlab state -> wanted state
    opt: list[str] | None = None  # radio /Opt export values (states become /0, /1, ...)
    align: int = 0  # /Q
    signature: bool = False
    orphan: bool = False  # remove from /AcroForm /Fields, keep in the page's /Annots
    merge_into: str | None = None  # this widget becomes a second widget of that field
    blank_choice: bool = False  # drop the preselected value reportlab insists on
    latin1: bool = False  # write the renamed states as Latin-1 bytes (/S#ED), not UTF-8


class Form:
    """A fillable form under construction: reportlab canvas plus the pypdf patches to apply."""

    def __init__(
        self,
        path: Path,
        pagesize: tuple[float, float],
        title: str,
        notice: str,
        byte_patches: dict[bytes, bytes] | None = None,
    ) -> None:
        self.path = path
        self.byte_patches = _NAME_BYTE_PATCHES if byte_patches is None else byte_patches
        self.width, self.height = pagesize
        self.title = title
        self.notice = notice
        self.buf = BytesIO()
        self.c = canvas.Canvas(self.buf, pagesize=pagesize, invariant=1)
        self.c.setTitle(title)
        self.c.setAuthor("formfill sample forms (synthetic)")
        self.c.setCreator("formfill sample_forms/build.py")
        self.patches: dict[str, Patch] = {}
        self.page = 1
        self.y = 0.0
        self._page_header()

    # ---- page furniture ---------------------------------------------------------------------

    def _page_header(self) -> None:
        c = self.c
        c.setFillColor(Color(0.15, 0.2, 0.35))
        c.rect(36, self.height - 62, self.width - 72, 30, stroke=0, fill=1)
        c.setFillColor(Color(1, 1, 1))
        c.setFont("Helvetica-Bold", 13)
        c.drawString(44, self.height - 51, self.title)
        c.setFont("Helvetica", 7)
        c.setFillColor(Color(0.4, 0.1, 0.1))
        c.drawString(36, self.height - 72, self.notice)
        c.setFillColor(black)
        c.setFont("Helvetica", 7)
        c.drawRightString(self.width - 36, 24, f"{self.path.stem}  ·  {self.page}")
        self.y = self.height - 92

    def new_page(self) -> None:
        """Finish the current page and start the next one with the same header."""
        self.c.showPage()
        self.page += 1
        self._page_header()

    def section(self, text: str) -> None:
        """A grey section bar across the page; moves the cursor below it."""
        c = self.c
        c.setFillColor(Color(0.85, 0.86, 0.9))
        c.rect(36, self.y - 14, self.width - 72, 16, stroke=0, fill=1)
        c.setFillColor(black)
        c.setFont("Helvetica-Bold", 9)
        c.drawString(40, self.y - 10, text)
        self.y -= 24

    def row(self, height: float = 34) -> float:
        """Reserve one row of fields (labels above boxes); return the boxes' bottom y."""
        self.y -= height
        return self.y + 4

    def note(self, x: float, y: float, text: str, size: float = 7.5) -> None:
        """Print free text (instructions, column heads)."""
        self.c.setFont("Helvetica", size)
        self.c.drawString(x, y, text)

    def _label_above(self, x: float, y: float, h: float, label: str) -> None:
        self.c.setFont(*LABEL_FONT)
        self.c.drawString(x, y + h + 2.5, label)

    def _box_background(self, x: float, y: float, w: float, h: float, cells: int = 0) -> None:
        c = self.c
        c.setFillColor(FIELD_FILL)
        c.setStrokeColor(BORDER)
        c.setLineWidth(0.6)
        c.rect(x, y, w, h, stroke=1, fill=1)
        if cells:
            step = w / cells
            for i in range(1, cells):
                c.line(x + i * step, y, x + i * step, y + h * 0.45)
        c.setFillColor(black)

    # ---- widgets ----------------------------------------------------------------------------

    def text(
        self,
        name: str,
        label: str,
        x: float,
        y: float,
        w: float,
        *,
        h: float = FIELD_H,
        tooltip: str | None = None,
        comb: int = 0,
        multiline: bool = False,
        readonly: bool = False,
        hidden: bool = False,
        align: int = 0,
        show_label: bool = True,
    ) -> None:
        """A text field with its printed label above the box."""
        if show_label:
            self._label_above(x, y, h, label)
        if not hidden:  # a hidden field leaves no trace on the printed page
            self._box_background(x, y, w, h, comb)
        flags = []
        if comb:
            flags += ["comb", "doNotScroll"]
        if multiline:
            flags.append("multiline")
        if readonly:
            flags.append("readOnly")
        self.c.acroForm.textfield(
            name=name,
            tooltip=tooltip if tooltip is not None else label,
            x=x,
            y=y,
            width=w,
            height=h,
            maxlen=comb or None,
            fieldFlags=" ".join(flags),
            annotationFlags="hidden" if hidden else "print",
            fontName="Helvetica",
            fontSize=10,
            textColor=None,  # DA "0 g" (reportlab writes black as "0 0 0 rg")
            fillColor=None,
            borderColor=None,
            borderWidth=0,
        )
        if align:
            self._patch(name).align = align

    def second_widget(self, name: str, x: float, y: float, w: float, label: str, comb: int) -> None:
        """Another widget of text field `name` on the current page (merged by pypdf later)."""
        temp = f"{name}__widget{self.page}"
        self.text(temp, label, x, y, w, comb=comb)
        self._patch(temp).merge_into = name

    def checkbox(
        self, name: str, label: str, x: float, y: float, *, on: str = "Ja", tooltip: str = ""
    ) -> None:
        """One checkbox with on-state `on`; the label is printed right of the box."""
        self.c.acroForm.checkbox(
            name=name,
            tooltip=tooltip or label,
            x=x,
            y=y,
            size=BOX,
            buttonStyle="check",
            shape="square",
            fieldFlags="",
            borderWidth=0.8,
            borderColor=BORDER,
            fillColor=FIELD_FILL,
            textColor=black,
        )
        self.note(x + BOX + 4, y + 2, label, 8)
        if on != "Yes":
            self._patch(name).states["Yes"] = on

    def buttons(
        self,
        name: str,
        tooltip: str,
        choices: list[tuple[str, str, float, float]],
        *,
        radio: bool = True,
        opt: bool = False,
    ) -> None:
        """One field with several widgets: a radio group, or a checkbox group (radio=False)
        whose widgets have different on-states. choices: (export value, label, x, y)."""
        for i, (_state, label, x, y) in enumerate(choices):
            self.c.acroForm.radio(
                name=name,
                value=f"S{i}",
                tooltip=tooltip,
                x=x,
                y=y,
                size=BOX,
                buttonStyle="circle" if radio else "check",
                shape="circle" if radio else "square",
                fieldFlags="noToggleToOff radio" if radio else "",
                borderWidth=0.8,
                borderColor=BORDER,
                fillColor=FIELD_FILL,
                textColor=black,
            )
            self.note(x + BOX + 4, y + 2, label, 8)
        patch = self._patch(name)
        if opt:
            patch.opt = [state for state, *_ in choices]
            patch.states = {f"S{i}": str(i) for i in range(len(choices))}
        else:
            patch.states = {f"S{i}": state for i, (state, *_) in enumerate(choices)}

    def choice(
        self,
        name: str,
        label: str,
        x: float,
        y: float,
        w: float,
        options: list[tuple[str, str]],
        *,
        listbox: bool = False,
        h: float = FIELD_H,
    ) -> None:
        """A dropdown (or list box) with options as (display text, export value)."""
        self._label_above(x, y, h, label)
        self._box_background(x, y, w, h)
        make = self.c.acroForm.listbox if listbox else self.c.acroForm.choice
        make(
            name=name,
            tooltip=label,
            x=x,
            y=y,
            width=w,
            height=h,
            options=options,
            value=next(v for _, v in options if v),  # reportlab insists on a value
            fieldFlags="" if listbox else "combo",
            fontName="Helvetica",
            fontSize=10 if not listbox else 9,
            textColor=None,
            fillColor=None,
            borderColor=None,
            borderWidth=0,
        )
        self._patch(name).blank_choice = True

    def signature(self, name: str, label: str, x: float, y: float, w: float, h: float) -> None:
        """A signature field (/FT /Sig) with a printed line and label."""
        self.text(name, label, x, y, w, h=h)
        self._patch(name).signature = True

    def orphan(self, name: str) -> None:
        """Mark field `name` to be dropped from /AcroForm /Fields (its widget stays on the page)."""
        self._patch(name).orphan = True

    def _patch(self, name: str) -> Patch:
        return self.patches.setdefault(name, Patch())

    # ---- output -----------------------------------------------------------------------------

    def save(self) -> Path:
        """Write the reportlab draft, apply the pypdf patches, and save the form."""
        self.c.save()
        writer = PdfWriter(clone_from=PdfReader(BytesIO(self.buf.getvalue())))
        _postprocess(writer, self.patches)
        digest = hashlib.md5(self.path.name.encode(), usedforsecurity=False).digest()
        writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
        out = BytesIO()
        writer.write(out)
        data = out.getvalue()
        for old, new in self.byte_patches.items():
            assert len(old) == len(new)
            data = data.replace(old, new)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_bytes(data)
        return self.path


# ---- pypdf post-processing ------------------------------------------------------------------


def _widgets(field_obj: DictionaryObject) -> list[DictionaryObject]:
    if "/Kids" in field_obj:
        return [k.get_object() for k in field_obj["/Kids"]]
    return [field_obj]


def _rename_states(
    field_obj: DictionaryObject, mapping: dict[str, str], name: type[NameObject] = NameObject
) -> None:
    for widget in _widgets(field_obj):
        ap = widget["/AP"]
        for key in list(ap.keys()):
            states = ap[key].get_object()
            for old, new in mapping.items():
                if NameObject("/" + old) in states:
                    states[name("/" + new)] = states.pop(NameObject("/" + old))
        for key in ("/AS", "/V"):
            if key in widget and str(widget[key])[1:] in mapping:
                widget[NameObject(key)] = name("/" + mapping[str(widget[key])[1:]])
    if "/V" in field_obj and str(field_obj["/V"])[1:] in mapping:
        field_obj[NameObject("/V")] = name("/" + mapping[str(field_obj["/V"])[1:]])


def _postprocess(writer: PdfWriter, patches: dict[str, Patch]) -> None:
    acro = writer._root_object["/AcroForm"]
    fields: ArrayObject = acro["/Fields"]
    by_name = {str(ref.get_object()["/T"]): ref for ref in fields}
    font_helv = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    font_zadb = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/ZapfDingbats"),
            }
        )
    )
    acro[NameObject("/DR")] = DictionaryObject(
        {
            NameObject("/Font"): DictionaryObject(
                {NameObject("/Helv"): font_helv, NameObject("/ZaDb"): font_zadb}
            )
        }
    )
    acro[NameObject("/DA")] = TextStringObject("/Helv 0 Tf 0 g")

    for name, patch in patches.items():
        ref = by_name[name]
        obj = ref.get_object()
        if patch.states:
            _rename_states(obj, patch.states, _Latin1Name if patch.latin1 else NameObject)
        if patch.opt is not None:
            obj[NameObject("/Opt")] = ArrayObject(TextStringObject(v) for v in patch.opt)
        if patch.blank_choice:
            for key in ("/V", "/DV", "/I"):
                obj.pop(key, None)
            obj[NameObject("/AP")] = DictionaryObject({NameObject("/N"): _blank_ap(writer, obj)})
        if patch.align:
            obj[NameObject("/Q")] = NumberObject(patch.align)
        if patch.signature:
            obj[NameObject("/FT")] = NameObject("/Sig")
            for key in ("/V", "/DV", "/MaxLen", "/Ff", "/DA"):
                obj.pop(key, None)
        if patch.merge_into:
            _merge_widget(writer, fields, by_name, name, patch.merge_into)
        if patch.orphan:
            fields.remove(ref)


def _blank_ap(writer: PdfWriter, widget: DictionaryObject) -> Any:
    """An empty appearance (no text) sized to the widget."""
    x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
    stream = DecodedStreamObject()
    stream.set_data(b"/Tx BMC EMC")
    stream.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(
                [NumberObject(0), NumberObject(0), FloatObject(x1 - x0), FloatObject(y1 - y0)]
            ),
        }
    )
    return writer._add_object(stream)


_FIELD_KEYS = ("/FT", "/T", "/TU", "/Ff", "/MaxLen", "/V", "/DV", "/Q", "/DA")


def _merge_widget(
    writer: PdfWriter, fields: ArrayObject, by_name: dict[str, Any], temp: str, target: str
) -> None:
    """Turn the terminal field `target` into a parent with two widget kids (temp's widget is
    the second), so one field shows on two pages."""
    target_ref = by_name[target]
    target_obj = target_ref.get_object()
    temp_ref = by_name[temp]
    if "/Kids" not in target_obj:
        parent = DictionaryObject(
            {NameObject(k): target_obj[k] for k in _FIELD_KEYS if k in target_obj}
        )
        parent_ref = writer._add_object(parent)
        parent[NameObject("/Kids")] = ArrayObject([target_ref])
        for k in _FIELD_KEYS:
            if k != "/DA":
                target_obj.pop(k, None)
        target_obj[NameObject("/Parent")] = parent_ref
        fields[fields.index(target_ref)] = parent_ref
        by_name[target] = parent_ref
    parent_ref = by_name[target]
    temp_obj = temp_ref.get_object()
    for k in _FIELD_KEYS:
        if k != "/DA":
            temp_obj.pop(k, None)
    temp_obj[NameObject("/Parent")] = parent_ref
    parent_ref.get_object()["/Kids"].append(temp_ref)
    fields.remove(temp_ref)


# ---- the four forms -------------------------------------------------------------------------

NB_NOTICE = (
    "Eksempelskjema laget for testing av formfill. Ikke et offisielt skjema. "
    "Alle opplysninger er fiktive."
)


def build_nav_barnetrygd(root: Path) -> Path:
    """Norwegian child-benefit application (bokmål), 3 pages."""
    f = Form(
        root / "nav" / "nav-barnetrygd.pdf",
        A4,
        "Søknad om barnetrygd (eksempelskjema)",
        NB_NOTICE,
    )
    ro = f.row(30)
    f.text(
        "Saksnummer",
        "Saksnummer (fylles ut av NAV)",
        380,
        ro,
        179,
        readonly=True,
    )
    f.note(36, ro + 4, "Les veiledningen før du fyller ut. Skriv tydelig.")
    f.section("1  Opplysninger om søker")
    y = f.row()
    f.text("Fornavn", "Fornavn (og eventuelle mellomnavn)", 36, y, 250)
    f.text("Etternavn", "Etternavn", 300, y, 259)
    y = f.row()
    f.text("Fodselsnummer", "Fødselsnummer (11 siffer)", 36, y, 198, comb=11)
    f.text("Telefon", "Telefonnummer", 300, y, 120)
    f.text("Epost", "E-postadresse", 430, y, 129)
    y = f.row()
    f.text("Adresse", "Adresse (gate, nummer, bokstav)", 36, y, 330)
    y = f.row()
    f.text("Postnummer", "Postnummer", 36, y, 72, comb=4)
    f.text("Poststed", "Poststed", 120, y, 246)
    f.section("2  Sivilstand")
    f.note(36, f.y + 2, "Kryss av for én:")
    y = f.row(20)
    states = [
        ("Ugift", "Ugift"),
        ("Gift", "Gift"),
        ("Registrert partner", "Registrert partner"),
        ("Samboer", "Samboer"),
        ("Skilt/separert", "Skilt/separert"),
        ("Enke/enkemann", "Enke/enkemann"),
        ("Særbo", "Særbo"),
    ]
    choices = []
    for i, (state, label) in enumerate(states):
        col, line = i % 4, i // 4
        choices.append((state, label, 40 + col * 130, y - line * 18))
    f.buttons("Sivilstand", "Sivilstand", choices)
    f.y -= 22
    f.section("3  Barn du søker barnetrygd for")
    f.note(36, f.y + 2, "Bor barnet fast sammen med deg?  Kryss av Ja eller Nei.")
    f.y -= 6
    for n in (1, 2, 3):
        y = f.row()
        f.text(f"Barn{n}_fornavn", f"Barn {n}: fornavn", 36, y, 140)
        f.text(f"Barn{n}_etternavn", f"Barn {n}: etternavn", 184, y, 130)
        f.text(f"Barn{n}_fodselsnummer", f"Barn {n}: fødselsnummer", 322, y, 165, comb=11)
        f.note(495, y + FIELD_H + 2.5, "Bor sammen med søker", 6.5)
        f.buttons(
            f"Barn{n}_bor_sammen",
            f"Barn {n}: bor sammen med søker",
            [("Ja", "Ja", 497, y + 2), ("Nei", "Nei", 530, y + 2)],
            radio=False,
        )

    f.new_page()
    f.section("4  Utbetaling")
    y = f.row()
    f.text("Kontonummer", "Kontonummer for utbetaling (11 siffer)", 36, y, 198, comb=11)
    y = f.row(24)
    f.checkbox(
        "Utvidet_barnetrygd",
        "Jeg søker også om utvidet barnetrygd (jeg bor alene med barnet)",
        36,
        y,
        tooltip="Søker om utvidet barnetrygd",
    )
    f.section("5  Tilleggsopplysninger")
    y = f.row(110)
    f.text(
        "Tilleggsopplysninger",
        "Andre opplysninger du mener er viktige for søknaden",
        36,
        y,
        523,
        h=96,
        multiline=True,
    )

    f.new_page()
    f.section("6  Underskrift")
    f.note(36, f.y, "Jeg bekrefter at opplysningene er riktige og fullstendige.")
    f.y -= 8
    y = f.row(40)
    f.text("Dato", "Dato (dd.mm.åååå)", 36, y, 110, align=1)
    f.signature("Underskrift", "Søkers underskrift", 170, y, 260, 26)
    return f.save()


def build_nav_yrkesskade(root: Path) -> Path:
    """Norwegian work-injury report (bokmål), 2 pages; the fødselsnummer repeats on page 2."""
    f = Form(
        root / "nav" / "nav-yrkesskade.pdf",
        A4,
        "Melding om yrkesskade eller yrkessykdom (eksempelskjema)",
        NB_NOTICE,
    )
    y = f.row(30)
    f.text("Fodselsnummer", "Den skadedes fødselsnummer", 361, y, 198, comb=11)
    f.section("1  Den skadede")
    y = f.row()
    f.text("Fornavn", "Fornavn", 36, y, 250)
    f.text("Etternavn", "Etternavn", 300, y, 259)
    y = f.row()
    f.text("Adresse", "Adresse", 36, y, 250)
    f.text("Postnummer", "Postnr.", 300, y, 60, comb=4)
    f.text("Poststed", "Poststed", 370, y, 189)
    y = f.row()
    f.text("Telefon", "Telefon", 36, y, 120)
    f.text("Stilling", "Stilling / yrke", 170, y, 250)
    f.text("Timer_per_uke", "Avtalt arbeidstid (timer per uke)", 430, y, 129, align=2)
    f.section("2  Arbeidsgiver")
    y = f.row()
    f.text("Arbeidsgiver_navn", "Arbeidsgiverens navn", 36, y, 300)
    f.text("Arbeidsgiver_orgnr", "Organisasjonsnummer (9 siffer)", 350, y, 162, comb=9)
    f.section("3  Skaden")
    y = f.row()
    f.text("Skadedato", "Dato for skaden (dd.mm.åååå)", 36, y, 110, align=1)
    f.text("Klokkeslett", "Klokkeslett (tt:mm)", 160, y, 60, align=1)
    f.text("Skadested", "Hvor skjedde skaden?", 234, y, 325)
    y = f.row()
    f.choice(
        "Skadetype",
        "Type skade",
        36,
        y,
        250,
        [
            ("Velg ...", ""),
            ("Bruddskade", "BRUDD"),
            ("Kuttskade / sårskade", "KUTT"),
            ("Forstuing eller forvridning", "FORSTUING"),
            ("Brannskade / etseskade", "BRANN"),
            ("Annen skade", "ANNET"),
        ],
    )
    y = f.row(70)
    f.choice(
        "Skadet_kroppsdel",
        "Skadet kroppsdel",
        36,
        y,
        200,
        [
            ("Hode", "hode"),
            ("Øye", "oye"),
            ("Arm / hånd", "arm"),
            ("Rygg", "rygg"),
            ("Bein / fot", "bein"),
        ],
        listbox=True,
        h=58,
    )
    f.note(250, y + 40, "Velg den kroppsdelen som ble mest skadet.")

    f.new_page()
    y = f.row(30)
    f.second_widget("Fodselsnummer", 361, y, 198, "Den skadedes fødselsnummer", comb=11)
    f.section("4  Beskrivelse")
    y = f.row(130)
    f.text(
        "Beskrivelse",
        "Beskriv hendelsen og skaden så nøyaktig som mulig",
        36,
        y,
        523,
        h=116,
        multiline=True,
    )
    f.section("5  Underskrift")
    y = f.row(40)
    f.text("Dato", "Dato", 36, y, 110, align=1)
    f.signature("Underskrift", "Underskrift (den skadede)", 170, y, 260, 26)
    return f.save()


def build_toeslag(root: Path) -> Path:
    """Dutch allowance application (huurtoeslag / zorgtoeslag / kindgebonden budget), 2 pages."""
    f = Form(
        root / "toeslagen" / "toeslag-aanvraag.pdf",
        A4,
        "Aanvraag toeslagen (voorbeeldformulier)",
        "Voorbeeldformulier gemaakt om formfill te testen. Geen officieel formulier. "
        "Alle gegevens zijn verzonnen.",
    )
    # The hidden widget: an internal code field the applicant never sees.
    f.text("Verwerkingscode", "Verwerkingscode", 480, f.y - 10, 79, hidden=True, show_label=False)
    f.section("1  Uw gegevens")
    y = f.row()
    f.text("Voorletters", "Voorletters", 36, y, 80)
    f.text("Achternaam", "Achternaam", 126, y, 260)
    f.text("Geboortedatum", "Geboortedatum (dd-mm-jjjj)", 396, y, 110, align=1)
    y = f.row()
    f.text("BSN", "Burgerservicenummer (BSN)", 36, y, 162, comb=9)
    f.text("Telefoonnummer", "Telefoonnummer", 210, y, 130)
    f.text("Email", "E-mailadres", 350, y, 209)
    y = f.row()
    f.text("Straat", "Straat", 36, y, 260)
    f.text("Huisnummer", "Huisnummer", 306, y, 60)
    f.text("Toevoeging", "Toevoeging", 376, y, 60)
    y = f.row()
    f.text("Postcode", "Postcode", 36, y, 80)
    f.text("Woonplaats", "Woonplaats", 126, y, 260)
    f.section("2  Welke toeslag vraagt u aan?")
    y = f.row(20)
    f.checkbox("Aanvraag_huurtoeslag", "Huurtoeslag", 40, y)
    f.checkbox("Aanvraag_zorgtoeslag", "Zorgtoeslag", 180, y)
    f.checkbox("Aanvraag_kgb", "Kindgebonden budget", 320, y)
    f.section("3  Uw situatie")
    f.note(36, f.y + 2, "Wat is uw leefsituatie?")
    y = f.row(20)
    f.buttons(
        "Leefsituatie",
        "Leefsituatie",
        [
            ("Alleenstaand", "Alleenstaand", 40, y),
            ("Gehuwd / geregistreerd partner", "Gehuwd / geregistreerd partner", 150, y),
            ("Samenwonend (met toeslagpartner)", "Samenwonend (met toeslagpartner)", 340, y),
        ],
        opt=True,
    )
    y = f.row(24)
    f.note(36, y + 2, "Heeft u een toeslagpartner?", 8)
    f.buttons(
        "Toeslagpartner",
        "Heeft u een toeslagpartner?",
        [("Ja", "Ja", 200, y), ("Nee", "Nee", 250, y)],
        radio=False,
    )

    f.new_page()
    f.section("4  Inkomen en betaling")
    y = f.row()
    f.text("Inkomen_per_jaar", "Uw verwachte inkomen per jaar (euro)", 36, y, 160, align=2)
    f.text("IBAN", "Rekeningnummer (IBAN)", 210, y, 230)
    f.section("5  Ondertekening")
    f.note(36, f.y, "Ik verklaar dat ik dit formulier volledig en naar waarheid heb ingevuld.")
    f.y -= 8
    y = f.row(40)
    f.text("Datum", "Datum", 36, y, 110, align=1)
    f.signature("Handtekening", "Handtekening", 170, y, 260, 26)
    f.orphan("Telefoonnummer")
    return f.save()


def build_housing(root: Path) -> Path:
    """English (US-style) county housing and food assistance application, 2 pages."""
    f = Form(
        root / "county" / "housing-assistance.pdf",
        LETTER,
        "Application for Housing and Food Assistance (sample)",
        "Sample form made for testing formfill. Not an official form. All data is fictitious.",
    )
    y = f.row(30)
    f.text("Case Number", "Case number (office use only)", 420, y, 156, readonly=True)
    f.section("Part 1  Applicant")
    y = f.row()
    f.text("First Name", "First name", 36, y, 170)
    f.text("Middle Name", "Middle name", 214, y, 110)
    f.text("Last Name", "Last name", 332, y, 244)
    y = f.row()
    f.text("SSN", "Social Security number", 36, y, 162, comb=9)
    f.text("Date of Birth", "Date of birth (MM/DD/YYYY)", 214, y, 110, align=1)
    f.text("Phone", "Phone number", 332, y, 110)
    f.text("Email", "Email address", 450, y, 126)
    y = f.row()
    f.text("Street Address", "Street address", 36, y, 300)
    f.text("Apt", "Apt / unit", 344, y, 60)
    y = f.row()
    f.text("City", "City", 36, y, 220)
    f.choice(
        "State",
        "State",
        264,
        y,
        110,
        [
            ("Illinois", "IL"),
            ("Indiana", "IN"),
            ("Michigan", "MI"),
            ("Ohio", "OH"),
            ("Wisconsin", "WI"),
        ],
    )
    f.text("ZIP", "ZIP code", 382, y, 90, comb=5)
    y = f.row(24)
    f.note(36, y + 2, "Household status (check one):", 8)
    f.buttons(
        "Household Status",
        "Household status",
        [
            ("Single", "Single", 170, y),
            ("Married", "Married", 240, y),
            ("HoH", "Head of household", 320, y),
        ],
        radio=False,
    )
    y = f.row(24)
    f.checkbox(
        "Interpreter",
        "¿Necesita intérprete? / Do you need an interpreter?",
        36,
        y,
        on="Sí",
    )
    f.text("Interpreter Language", "Language", 330, y - 2, 150, show_label=False)
    f.note(290, y + 2, "Language:", 8)

    f.new_page()
    f.section("Part 2  Household members (people who live with you)")
    f.y -= 4
    relations = [
        ("Select ...", ""),
        ("Child", "CHILD"),
        ("Spouse", "SPOUSE"),
        ("Partner", "PARTNER"),
        ("Parent", "PARENT"),
        ("Brother / sister", "SIBLING"),
        ("Other", "OTHER"),
    ]
    for n in (1, 2, 3):
        y = f.row()
        f.text(f"Member{n} First Name", f"Member {n}: first name", 36, y, 140)
        f.text(f"Member{n} Last Name", f"Member {n}: last name", 184, y, 140)
        f.choice(f"Member{n} Relationship", f"Member {n}: relationship", 332, y, 110, relations)
        f.text(f"Member{n} DOB", f"Member {n}: date of birth", 450, y, 90, align=1)
    f.section("Part 3  Income")
    y = f.row()
    f.text(
        "Monthly Income",
        "Total monthly household income before taxes ($)",
        36,
        y,
        200,
        align=2,
    )
    f.text("Employer", "Employer (if employed)", 250, y, 326)
    f.section("Part 4  Signature")
    y = f.row(24)
    f.checkbox(
        "Certify",
        "I certify that the information on this form is true and complete.",
        36,
        y,
        on="Yes",
    )
    y = f.row(40)
    f.signature("Applicant Signature", "Applicant signature", 36, y, 300, 26)
    f.text("Signature Date", "Date (MM/DD/YYYY)", 350, y, 110, align=1)
    return f.save()


def build_button_states(root: Path) -> Path:
    """One page of checkboxes and radios whose on-state names are non-ASCII, written as single
    Latin-1 bytes (/S#ED, /Divorc#E9) in every widget shape a filler meets, plus one state
    spelt in UTF-8 (/S#C3#AD) that must stay so. No map: tests fill it by field name."""
    f = Form(
        root / "traps" / "button-states.pdf",
        A4,
        "Button states: single-byte names (sample)",
        "Sample form made for testing formfill. Not an official form. All data is fictitious.",
        byte_patches={},  # the Latin-1 names are written as such; /S#C3#AD below is meant
    )
    f.section("1  Checkbox, field and widget in one object (on-state /S#ED)")
    y = f.row(24)
    f.checkbox("Interprete", "¿Necesita intérprete? (Sí)", 40, y, on="Sí")
    f.patches["Interprete"].latin1 = True
    f.section("2  Checkbox field with two widgets (on-state /Acept#F3 on both)")
    y = f.row(24)
    f.buttons(
        "Acepta",
        "Acepto las condiciones",
        [("Aceptó", "Acepto las condiciones", 40, y), ("Aceptó", "(repetido)", 300, y)],
        radio=False,
    )
    f.patches["Acepta"].latin1 = True
    f.section("3  Radio group (/Veuf, /Mari#E9, /Pacs#E9, /Divorc#E9)")
    y = f.row(24)
    f.buttons(
        "Situation",
        "Situation de famille",
        [
            ("Veuf", "Veuf", 40, y),
            ("Marié", "Marié", 140, y),
            ("Pacsé", "Pacsé", 240, y),
            ("Divorcé", "Divorcé", 340, y),
        ],
    )
    f.patches["Situation"].latin1 = True
    f.section("4  Widget only on the page, not in /AcroForm /Fields (on-state /S#ED)")
    y = f.row(24)
    f.checkbox("Urgente", "¿Es urgente? (Sí)", 40, y, on="Sí")
    f.patches["Urgente"].latin1 = True
    f.orphan("Urgente")
    f.section("5  Per-widget states, /Sí spelt in UTF-8 (/No, /S#C3#AD)")
    y = f.row(24)
    f.buttons(
        "Acompanante",
        "¿Viene acompañado?",
        [("No", "No", 40, y), ("Sí", "Sí", 140, y)],
        radio=False,
    )
    return f.save()


def build_nav_barnetrygd_v2(root: Path) -> Path:
    """Version 2 of the child-benefit form, as an agency re-issues a form without notice:
    'Telefon' renamed 'Mobilnummer' (same place, same tooltip), 'Epost' moved down 24 pt,
    the third child row removed, a new 'Sprak' (preferred language) field, and the extended
    benefit checkbox's on-state changed from /Ja to /Yes. Tests and `formfill map diff` use it."""
    v1 = root / "nav" / "nav-barnetrygd.pdf"
    if not v1.exists():
        build_nav_barnetrygd(root)
    writer = PdfWriter(clone_from=PdfReader(v1))
    acro = writer.root_object["/AcroForm"]
    fields = acro["/Fields"]
    page0 = writer.pages[0]
    keep = ArrayObject()
    removed_widgets = []
    for ref in fields:
        fobj = ref.get_object()
        name = str(fobj.get("/T", ""))
        if name.startswith("Barn3_"):
            removed_widgets.extend(w.indirect_reference for w in _widgets(fobj))
            continue
        if name == "Telefon":
            fobj[NameObject("/T")] = TextStringObject("Mobilnummer")
        if name == "Epost":
            for w in _widgets(fobj):
                r = [float(v) for v in w["/Rect"]]
                w[NameObject("/Rect")] = ArrayObject(
                    [FloatObject(r[0]), FloatObject(r[1] - 24), FloatObject(r[2]),
                     FloatObject(r[3] - 24)]
                )  # fmt: skip
        if name == "Utvidet_barnetrygd":
            _rename_states(fobj, {"Ja": "Yes"})
            fobj[NameObject("/V")] = NameObject("/Off")
        keep.append(ref)
    removed = {(r.idnum, r.generation) for r in removed_widgets if r is not None}
    for page in writer.pages:
        annots = page.get("/Annots")
        if annots is None:
            continue
        page[NameObject("/Annots")] = ArrayObject(
            a for a in annots.get_object() if (a.idnum, a.generation) not in removed
        )
    # a new text field: preferred language, top right of page 1
    new = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Tx"),
            NameObject("/T"): TextStringObject("Sprak"),
            NameObject("/TU"): TextStringObject("Foretrukket språk"),
            NameObject("/DA"): TextStringObject("/Helv 10 Tf 0 g"),
            NameObject("/F"): NumberObject(4),
            NameObject("/Rect"): ArrayObject(
                [FloatObject(430), FloatObject(560), FloatObject(559), FloatObject(576)]
            ),
            NameObject("/P"): page0.indirect_reference,
        }
    )
    ref = writer._add_object(new)
    page0[NameObject("/Annots")].append(ref)
    keep.append(ref)
    acro[NameObject("/Fields")] = keep
    out = root / "nav" / "nav-barnetrygd-v2.pdf"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as fh:
        writer.write(fh)
    return out


BUILDERS = (
    build_nav_barnetrygd,
    build_nav_barnetrygd_v2,
    build_nav_yrkesskade,
    build_toeslag,
    build_housing,
    build_button_states,
)


def build_all(root: Path = HERE) -> list[Path]:
    """Build every sample form under `root`; return the paths written."""
    return [build(root) for build in BUILDERS]


def main(argv: list[str]) -> int:
    """Entry point: optional argument is the output root (default: this folder)."""
    root = Path(argv[1]) if len(argv) > 1 else HERE
    for path in build_all(root):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
