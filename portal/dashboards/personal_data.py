"""What personal data looks like in a case file, so that an import refuses it whole.

Case data are anonymized by construction (DESIGN.md, "Data protection"): no field can
name a person or a document. A file that carries a name, a document number, a date of
birth or an MRZ line was exported from the wrong system, or with the wrong columns; the
import refuses all of it and names the column (``column_looks_personal``) or the value
(``value_looks_personal``) with the reason, so the person can fix the export.

Pure functions of a string: every pattern is tested on its own
(``tests/dashboards/test_import_personal_data.py``). The reasons are marked for
translation with ``gettext_noop`` and translated where they are shown.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# Marks a reason for translation; the caller translates it where it is shown.
from django.utils.translation import gettext_noop as _

# --- column names ---------------------------------------------------------------------

#: Reasons a column is refused, by kind of data it would hold.
NAME = _("a person's name")
DOCUMENT_NUMBER = _("a document or identity number")
BIRTH = _("a date or place of birth")
MRZ = _("the machine-readable zone of a document")
CONTACT = _("an address, telephone number or e-mail address")
IMAGE = _("a photograph, signature or biometric data")

#: Words that alone make a column personal (compared with each word of the column's
#: name, lower-cased, accents removed). English first, then the network's languages:
#: Indonesian and Malay (nama, alamat), Vietnamese without accents (ten, ho),
#: Filipino (pangalan, apelyido), French, Dutch, Finnish.
_WORDS = {
    NAME: {
        "name",
        "names",
        "surname",
        "surnames",
        "forename",
        "forenames",
        "firstname",
        "lastname",
        "fullname",
        "givenname",
        "givennames",
        "familyname",
        "middlename",
        "maidenname",
        "nama",
        "hoten",
        "hovaten",
        "pangalan",
        "apelyido",
        "nom",
        "prenom",
        "prenoms",
        "naam",
        "achternaam",
        "voornaam",
        "voornamen",
        "nimi",
        "sukunimi",
        "etunimi",
        "etunimet",
        "passenger",
        "traveller",
        "traveler",
        "holder",
    },
    DOCUMENT_NUMBER: {
        "passportno",
        "passportnumber",
        "passportnum",
        "passportnr",
        "documentno",
        "documentnumber",
        "docno",
        "docnum",
        "docnumber",
        "idno",
        "idnumber",
        "id",
        "nik",
        "nin",
        "ssn",
        "ktp",
        "cccd",
        "cmnd",
        "paspoortnummer",
        "documentnummer",
        "bsn",
        "henkilotunnus",
        "hetu",
        "passinumero",
        "passport",
        "visanumber",
        "ticket",
        "pnr",
    },
    BIRTH: {
        "dob",
        "birthdate",
        "dateofbirth",
        "birthday",
        "birthplace",
        "placeofbirth",
        "pob",
        "born",
        "geboortedatum",
        "geboorteplaats",
        "syntymaaika",
        "syntymapaikka",
        "kaarawan",
        "ngaysinh",
        "noisinh",
        "lahir",
    },
    MRZ: {"mrz", "mrzline", "mrz1", "mrz2", "mrz3", "machinereadablezone"},
    CONTACT: {
        "address",
        "street",
        "phone",
        "telephone",
        "mobile",
        "tel",
        "email",
        "mail",
        "alamat",
        "telepon",
        "surel",
        "adresse",
        "courriel",
        "adres",
        "telefoon",
        "osoite",
        "puhelin",
        "sahkoposti",
        "tirahan",
        "diachi",
        "dienthoai",
    },
    IMAGE: {
        "photo",
        "photograph",
        "picture",
        "portrait",
        "face",
        "signature",
        "fingerprint",
        "fingerprints",
        "biometric",
        "biometrics",
        "foto",
        "handtekening",
        "valokuva",
        "allekirjoitus",
        "chuky",
    },
}

#: Phrases of several words (compared with the column's words run together, so
#: "date of birth", "date_of_birth" and "DateOfBirth" are one).
_PHRASES = {
    NAME: {
        "givenname",
        "familyname",
        "fullname",
        "namalengkap",
        "namadepan",
        "namabelakang",
        "nomdefamille",
        "hoten",
        "hovaten",
    },
    DOCUMENT_NUMBER: {
        "nomorpaspor",
        "nopaspor",
        "nopasport",
        "sohochieu",
        "numerodepasseport",
        "passinnumero",
        "identitynumber",
        "nationalid",
        "personalnumber",
        "personalid",
        "idcardnumber",
        "cardnumber",
    },
    BIRTH: {
        "dateofbirth",
        "placeofbirth",
        "tanggallahir",
        "tempatlahir",
        "tarikhlahir",
        "datedenaissance",
        "lieudenaissance",
        "petsangkapanganakan",
        "ngaysinh",
    },
    IMAGE: {"tandatangan"},
}

#: Personal words of the network's scripts without spaces between words (Thai, Lao,
#: Khmer, Burmese), found anywhere in the column's name.
_SUBSTRINGS = {
    NAME: ("ชื่อ", "นามสกุล", "ຊື່", "ນາມສະກຸນ", "ឈ្មោះ", "នាមត្រកូល", "အမည်"),
    BIRTH: ("วันเกิด", "วันเดือนปีเกิด", "สถานที่เกิด", "ວັນເດືອນປີເກີດ", "ថ្ងៃខែឆ្នាំកំណើត"),
    DOCUMENT_NUMBER: ("หนังสือเดินทาง", "เลขบัตรประชาชน", "ເລກທີໜັງສືຜ່ານແດນ", "លិខិតឆ្លងដែន"),
    CONTACT: ("ที่อยู่", "โทรศัพท์", "อีเมล", "ທີ່ຢູ່", "អាសយដ្ឋាន"),
    IMAGE: ("ลายมือชื่อ", "รูปถ่าย", "ຮູບຖ່າຍ", "រូបថត"),
}

_WORD_SPLIT = re.compile(r"[^0-9a-z]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _latin_words(name: str) -> list[str]:
    """The words of a column name, lower-case ASCII: accents removed (Vietnamese đ too),
    camel case and punctuation split."""
    text = _CAMEL.sub(" ", name).replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return [word for word in _WORD_SPLIT.split(text) if word]


def column_looks_personal(name: str) -> str | None:
    """Why a column called ``name`` would hold personal data, or ``None``.

    Only for columns the import does not know: the known ones never are."""
    words = _latin_words(name)
    squashed = "".join(words)
    for reason, vocabulary in _WORDS.items():
        if any(word in vocabulary for word in words) or squashed in vocabulary:
            return reason
    for reason, phrases in _PHRASES.items():
        if any(phrase in squashed for phrase in phrases):
            return reason
    for reason, fragments in _SUBSTRINGS.items():
        if any(fragment in name for fragment in fragments):
            return reason
    return None


# --- values ---------------------------------------------------------------------------

MRZ_LINE = _("an MRZ line")
FULL_DATE = _("a full date (it could be a date of birth)")
DOCUMENT_NUMBER_VALUE = _("a document or identity number")
EMAIL = _("an e-mail address")
PHONE = _("a telephone number")

#: A line of a machine-readable zone: ICAO 9303 TD1 (3 × 30), TD2 (2 × 36), TD3 (2 × 44)
#: characters of A–Z, 0–9 and the filler "<"; or the start of one ("P<THA", "I<UTO",
#: "V<", "A<", "C<"); or a run of fillers anywhere.
_MRZ_START = re.compile(r"^[PIVAC][A-Z0-9<]<?[A-Z<]{3}")
_MRZ_FILLERS = re.compile(r"<{2,}")
_MRZ_CHARS = re.compile(r"^[A-Z0-9<]+$")
_MRZ_LENGTHS = frozenset({30, 36, 44})

_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june"
    "|july|august|september|october|november|december"
)
_FULL_DATES = (
    re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"),  # 1985-04-15
    re.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?!\d)"),  # 15/04/1985, 04/15/1985
    re.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{2})(?!\d)"),  # 15.04.85
    re.compile(rf"(?<!\d)\d{{1,2}}[\s\-/.]*(?:{_MONTHS})[\s\-/.,]*(?:\d{{4}}|\d{{2}})(?!\d)", re.I),
    re.compile(rf"(?:{_MONTHS})[\s\-/.]*\d{{1,2}}[\s,]+\d{{4}}(?!\d)", re.I),  # April 15, 1985
)
_COMPACT_DATE = re.compile(r"(?<!\d)(19|20)(\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")
#: Letters and digits together, 6 to 12 of them ("N1234567", "AB123456"), or 6 to 13
#: digits alone (identity-card numbers); a quarter ("2023Q1") is neither.
_DOCUMENT_NUMBER = re.compile(
    r"(?<![A-Za-z0-9])(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]{6,12}(?![A-Za-z0-9])"
)
_DIGITS = re.compile(r"(?<![\d])\d{6,13}(?![\d])")
_QUARTER = re.compile(r"^\d{4}-?Q[1-4]$", re.I)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"^\+?[\d\s().\-]{8,}$")


def _is_mrz(line: str) -> bool:
    compact = line.strip().upper()
    if not compact:
        return False
    if _MRZ_FILLERS.search(compact) or (_MRZ_START.match(compact) and "<" in compact):
        return True
    return len(compact) in _MRZ_LENGTHS and bool(_MRZ_CHARS.match(compact))


def _is_full_date(text: str) -> bool:
    for pattern in _FULL_DATES[:3]:
        for match in pattern.finditer(text):
            numbers = [int(part) for part in match.groups()]
            if _plausible_day(numbers):
                return True
    if any(pattern.search(text) for pattern in _FULL_DATES[3:]):
        return True
    return bool(_COMPACT_DATE.search(text))


def _plausible_day(numbers: list[int]) -> bool:
    """Whether three numbers read as a calendar day in some usual order."""
    first, second, third = numbers
    orders = (
        [(first, second, third)] if first > 31 else [(third, second, first), (third, first, second)]
    )
    for year, month, day in orders:
        if year < 100:
            year += 1900
        try:
            dt.date(year, month, day)
        except ValueError:
            continue
        return True
    return False


def value_looks_personal(value: object) -> str | None:
    """Why ``value`` (a cell or a JSON value) looks like personal data, or ``None``.

    Asked of values that are not in their field's vocabulary (a valid value never is
    personal), so it may be thorough rather than quick."""
    if isinstance(value, dt.datetime | dt.date):
        return FULL_DATE
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    if any(_is_mrz(line) for line in text.splitlines()):
        return MRZ_LINE
    if _EMAIL.search(text):
        return EMAIL
    if _is_full_date(text):
        return FULL_DATE
    if _QUARTER.match(text):
        return None
    if _DOCUMENT_NUMBER.search(text) or _DIGITS.search(text):
        return DOCUMENT_NUMBER_VALUE
    if _PHONE.match(text) and sum(ch.isdigit() for ch in text) >= 8:
        return PHONE
    return None
