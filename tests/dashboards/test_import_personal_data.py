"""What personal data looks like to the import (``portal.dashboards.personal_data``): each
pattern, in column names (English and the network's languages) and in values, and the
valid values of the case fields that must never be mistaken for it."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.dashboards import personal_data as pd
from portal.dashboards.importing import CASE_FIELDS, SCANNED_FIELDS


@pytest.mark.parametrize(
    ("column", "reason"),
    [
        ("name", pd.NAME),
        ("Surname", pd.NAME),
        ("family_name", pd.NAME),
        ("Given Names", pd.NAME),
        ("FirstName", pd.NAME),
        ("last-name", pd.NAME),
        ("full name", pd.NAME),
        ("passenger_name", pd.NAME),
        ("passport_no", pd.DOCUMENT_NUMBER),
        ("Passport Number", pd.DOCUMENT_NUMBER),
        ("document number", pd.DOCUMENT_NUMBER),
        ("doc no", pd.DOCUMENT_NUMBER),
        ("ID number", pd.DOCUMENT_NUMBER),
        ("national_id", pd.DOCUMENT_NUMBER),
        ("date of birth", pd.BIRTH),
        ("DOB", pd.BIRTH),
        ("birth_date", pd.BIRTH),
        ("Birthday", pd.BIRTH),
        ("place_of_birth", pd.BIRTH),
        ("MRZ", pd.MRZ),
        ("mrz_line_1", pd.MRZ),
        ("address", pd.CONTACT),
        ("phone", pd.CONTACT),
        ("E-mail", pd.CONTACT),
        ("photo", pd.IMAGE),
        ("signature", pd.IMAGE),
        # Indonesian and Malay
        ("nama", pd.NAME),
        ("Nama Lengkap", pd.NAME),
        ("tanggal_lahir", pd.BIRTH),
        ("nomor paspor", pd.DOCUMENT_NUMBER),
        ("alamat", pd.CONTACT),
        # Vietnamese, with and without accents
        ("Họ tên", pd.NAME),
        ("ho_ten", pd.NAME),
        ("Họ và tên", pd.NAME),
        ("Ngày sinh", pd.BIRTH),
        ("Số hộ chiếu", pd.DOCUMENT_NUMBER),
        ("Địa chỉ", pd.CONTACT),
        # Thai
        ("ชื่อ", pd.NAME),
        ("นามสกุล", pd.NAME),
        ("ชื่อ-นามสกุล", pd.NAME),
        ("วันเกิด", pd.BIRTH),
        ("เลขที่หนังสือเดินทาง", pd.DOCUMENT_NUMBER),
        # Filipino, French, Dutch, Finnish
        ("pangalan", pd.NAME),
        ("nom", pd.NAME),
        ("Prénom", pd.NAME),
        ("date de naissance", pd.BIRTH),
        ("naam", pd.NAME),
        ("achternaam", pd.NAME),
        ("geboortedatum", pd.BIRTH),
        ("nimi", pd.NAME),
        ("sukunimi", pd.NAME),
        ("syntymäaika", pd.BIRTH),
        ("henkilötunnus", pd.DOCUMENT_NUMBER),
    ],
)
def test_a_personal_column_is_named_with_its_reason(column, reason):
    assert pd.column_looks_personal(column) == reason


@pytest.mark.parametrize("column", [*CASE_FIELDS, *SCANNED_FIELDS, "remarks", "colour", "count"])
def test_the_case_columns_and_plain_words_are_not_personal(column):
    assert pd.column_looks_personal(column) is None


# ICAO Doc 9303's own specimen lines.
TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
TD2 = ("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6")
TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)


@pytest.mark.parametrize("line", [*TD3, *TD2, *TD1, "V<UTOERIKSSON", "A<THA", "C<VNM"])
def test_every_mrz_line_is_refused(line):
    assert pd.value_looks_personal(line) == pd.MRZ_LINE
    assert pd.value_looks_personal(f"  {line.lower()}  ") == pd.MRZ_LINE


def test_a_whole_mrz_in_one_cell_and_a_line_without_fillers():
    assert pd.value_looks_personal("\n".join(TD3)) == pd.MRZ_LINE
    assert pd.value_looks_personal("L898902C36UTO7408122F1204159ZE") == pd.MRZ_LINE  # 30 chars


@pytest.mark.parametrize(
    "value",
    [
        "1985-04-15",
        "1985/4/15",
        "15/04/1985",
        "04/15/1985",
        "15.04.1985",
        "15-04-85",
        "19850415",
        "15 Apr 1985",
        "15-APR-85",
        "April 15, 1985",
        dt.date(1985, 4, 15),
        dt.datetime(1985, 4, 15, 0, 0),
    ],
)
def test_full_dates_are_refused_as_possible_dates_of_birth(value):
    assert pd.value_looks_personal(value) == pd.FULL_DATE


@pytest.mark.parametrize(
    "value", ["N1234567", "AB123456", "X12345678901", "1234567890123", "C01X00T47"]
)
def test_document_numbers_are_refused(value):
    assert pd.value_looks_personal(value) == pd.DOCUMENT_NUMBER_VALUE


@pytest.mark.parametrize("value", ["anna.eriksson@example.org", "x@y.co"])
def test_email_addresses_are_refused(value):
    assert pd.value_looks_personal(value) == pd.EMAIL


def test_telephone_numbers_are_refused():
    assert pd.value_looks_personal("+66 81 234 5678") == pd.PHONE


@pytest.mark.parametrize(
    "value",
    [
        "THA",
        "passport",
        "fraudulent_document",
        "2024-03",
        "2024Q1",
        "26-35",
        "60+",
        "bkk-airport",
        "printing;uv",
        "KHM|LAO",
        "1520",
        "",
        "Bangkok",
        "John Smith",
        12,
        None,
    ],
)
def test_valid_and_plain_values_are_not_called_personal(value):
    assert pd.value_looks_personal(value) is None


@settings(max_examples=50, deadline=None)
@given(
    st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.sampled_from(["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y%m%d", "%d %b %Y"]),
)
def test_any_date_of_birth_in_any_usual_format_is_refused(day, pattern):
    assert pd.value_looks_personal(day.strftime(pattern)) == pd.FULL_DATE


@settings(max_examples=50, deadline=None)
@given(
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=2),
    st.integers(min_value=10_000, max_value=99_999_999),
)
def test_any_letters_and_digits_document_number_is_refused(letters, digits):
    number = f"{letters}{digits}"
    if 6 <= len(number) <= 12:
        assert pd.value_looks_personal(number) == pd.DOCUMENT_NUMBER_VALUE
