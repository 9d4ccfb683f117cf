"""Importing case files (``portal.dashboards.services.cases_import``) through the API and
the page: all or nothing, every error listed with the row as the person sees it,
personal data refused whole, the same rows never imported twice, templates that import
as they are, scanned counts replaced, and a bounded number of queries."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import Workbook, load_workbook

from portal.dashboards import files, importing
from portal.dashboards.models import (
    CrossingPoint,
    DatasetVersion,
    FraudCase,
    ImportBatch,
    ScannedCount,
)
from portal.dashboards.services import cases_import

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

HEADER = [
    "detected_on",
    "border_type",
    "crossing_point",
    "issuing_country",
    "document_type",
    "result",
    "fraud_type",
    "features",
    "transit",
    "destination",
    "gender",
    "age_band",
]


def case_row(month: int = 3, issuer: str = "VNM", **changes) -> dict:
    row = {
        "detected_on": f"2024-{month:02d}",
        "border_type": "air",
        "crossing_point": "bkk-airport",
        "issuing_country": issuer,
        "document_type": "passport",
        "result": "fraudulent_document",
        "fraud_type": "counterfeit",
        "features": "printing;uv",
        "transit": "KHM",
        "destination": "AUS",
        "gender": "m",
        "age_band": "26-35",
    }
    row.update(changes)
    return row


def as_csv(rows: list[dict], header: list[str] = HEADER, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def as_xlsx(rows: list[dict], scanned: list[dict] = ()) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "cases"
    sheet.append(HEADER)
    for row in rows:
        sheet.append([row.get(name) for name in HEADER])
    if scanned:
        other = book.create_sheet("scanned")
        other.append(["quarter", "documents"])
        for row in scanned:
            other.append([row["quarter"], row["documents"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def expert(users):
    CrossingPoint.objects.create(
        country_id="THA", code="bkk-airport", name="Suvarnabhumi", border_type="air"
    )
    CrossingPoint.objects.create(
        country_id="THA", code="aranyaprathet", name="Aranyaprathet", border_type="land"
    )
    return users["expert.tha"]


def post_file(client, data: bytes, name: str = "cases.csv"):
    handle = io.BytesIO(data)
    handle.name = name
    return client.post("/api/v1/cases/import", {"file": handle})


def test_a_csv_file_is_imported_with_its_routes_and_bands(client, expert):
    client.force_login(expert)
    before = DatasetVersion.current()
    response = post_file(client, as_csv([case_row(), case_row(issuer="LAO", transit="KHM|VNM")]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["imported"] == 2 and body["scanned"] == 0
    batch = ImportBatch.objects.get(pk=body["batch"])
    assert (batch.reported_by_id, batch.uploaded_by, batch.source, batch.case_count) == (
        "THA",
        expert,
        "csv",
        2,
    )
    assert batch.filename == "cases.csv"
    case = FraudCase.objects.get(issuing_country_id="LAO")
    assert (case.year, case.quarter, case.detected_on.isoformat()) == (2024, 1, "2024-03-01")
    assert case.route == ">KHM>VNM>AUS" and case.transit == ["KHM", "VNM"]
    assert case.features == ["printing", "uv"] and case.crossing_point.code == "bkk-airport"
    assert DatasetVersion.current() == before + 1


def test_one_bad_row_in_a_thousand_stores_nothing_and_every_error_is_listed(client, expert):
    client.force_login(expert)
    rows = [case_row(month=1 + i % 12 if i % 12 < 10 else 1) for i in range(1000)]
    rows[499]["document_type"] = "diary"
    rows[800]["detected_on"] = "2024-13"
    rows[801]["fraud_type"] = ""
    response = post_file(client, as_csv(rows))
    assert response.status_code == 400
    errors = response.json()["errors"]
    # Row numbers as the spreadsheet shows them: the header is row 1.
    assert [(e["row"], e["field"]) for e in errors] == [
        (501, "document_type"),
        (802, "detected_on"),
        (803, "fraud_type"),
    ]
    assert "passport" in errors[0]["message"]  # says which values are allowed
    assert FraudCase.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_errors_are_capped_with_a_count_of_the_rest(expert):
    rows = [case_row(border_type="rail") for _ in range(250)]
    with pytest.raises(files.ImportRefused) as refused:
        cases_import(user=expert, source="file", filename="x.csv", data=as_csv(rows))
    errors = refused.value.errors
    assert len(errors) == importing.MAX_ERRORS + 1
    assert errors[-1]["row"] is None and "50 more" in errors[-1]["message"]


def test_a_surname_column_refuses_the_whole_file_naming_it(client, expert):
    client.force_login(expert)
    rows = [case_row(surname="") for _ in range(3)]
    response = post_file(client, as_csv(rows, [*HEADER, "surname"]))
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["row"], error["field"]) == (1, "surname")
    assert "personal data" in error["message"] and "name" in error["message"]
    assert FraudCase.objects.count() == 0


def test_an_mrz_line_in_any_field_refuses_the_file_naming_row_and_column(client, expert):
    client.force_login(expert)
    rows = [case_row(), case_row(), case_row(destination="P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<")]
    response = post_file(client, as_csv(rows))
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["row"], error["field"]) == (4, "destination")
    assert "MRZ" in error["message"]
    assert FraudCase.objects.count() == 0


def test_a_full_date_says_why_a_month_is_asked(expert):
    with pytest.raises(files.ImportRefused) as refused:
        cases_import(user=expert, source="file", data=as_csv([case_row(detected_on="1985-04-15")]))
    [error] = refused.value.errors
    assert error["field"] == "detected_on"
    assert "month like 2023-04" in error["message"] and "date of birth" in error["message"]


def test_unknown_columns_and_crossing_points_list_what_is_allowed(expert):
    rows = [case_row(crossing_point="hkt-airport", remarks="x")]
    with pytest.raises(files.ImportRefused) as refused:
        cases_import(user=expert, source="file", data=as_csv(rows, [*HEADER, "remarks"]))
    first, second = refused.value.errors
    assert (first["row"], first["field"]) == (1, "remarks")
    assert "issuing_country" in first["message"]  # the allowed columns
    assert (second["row"], second["field"]) == (2, "crossing_point")
    assert "aranyaprathet, bkk-airport" in second["message"]


def test_reported_by_is_the_importer_country_only(expert):
    header = ["reported_by", *HEADER]
    with pytest.raises(files.ImportRefused) as refused:
        cases_import(user=expert, source="file", data=as_csv([case_row(reported_by="VNM")], header))
    assert refused.value.errors[0]["field"] == "reported_by"
    outcome = cases_import(
        user=expert, source="file", data=as_csv([case_row(reported_by="tha")], header)
    )
    assert outcome.imported == 1


def test_json_rows_are_numbered_in_their_list(client, expert):
    client.force_login(expert)
    cases = [case_row(features=["printing"], transit=["KHM"]) for _ in range(3)]
    cases[2]["gender"] = "female"
    response = client.post(
        "/api/v1/cases/import", json.dumps({"cases": cases}), content_type="application/json"
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["sheet"], error["row"], error["field"]) == ("cases", 3, "gender")
    assert "object 3" in error["message"]
    response = client.post(
        "/api/v1/cases/import",
        json.dumps({"cases": cases[:2], "scanned": [{"quarter": "2024Q1", "documents": 900}]}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["imported"] == 2 and response.json()["scanned"] == 1


def test_the_same_rows_as_csv_then_xlsx_or_reordered_add_nothing(client, expert):
    client.force_login(expert)
    rows = [case_row(month=m, issuer=c) for m, c in [(1, "VNM"), (2, "LAO"), (3, "KHM")]]
    first = post_file(client, as_csv(rows))
    assert first.status_code == 201
    batch = first.json()["batch"]
    again = post_file(client, as_xlsx(rows[::-1]), "cases.xlsx")
    assert again.status_code == 200, again.content
    assert again.json()["imported"] == 0 and again.json()["duplicate_of"] == batch
    reordered = as_csv(list(reversed(rows)), list(reversed(HEADER)), delimiter=";")
    assert post_file(client, reordered).json()["duplicate_of"] == batch
    assert FraudCase.objects.count() == 3 and ImportBatch.objects.count() == 1
    # The page says when and by whom.
    handle = io.BytesIO(as_csv(rows))
    handle.name = "again.csv"
    page = client.post("/dashboards/import/", {"file": handle})
    assert page.status_code == 200
    assert "Already imported" in page.content.decode() and "expert.tha" in page.content.decode()


def test_xlsx_rows_are_numbered_as_the_spreadsheet_shows_them(expert):
    rows = [case_row(), case_row(), case_row(issuing_country="Thailand")]
    with pytest.raises(files.ImportRefused) as refused:
        cases_import(user=expert, source="file", data=as_xlsx(rows), filename="cases.xlsx")
    [error] = refused.value.errors
    assert (error["sheet"], error["row"], error["field"]) == ("cases", 4, "issuing_country")


def test_the_templates_import_as_they_are(client, expert):
    client.force_login(expert)
    cases = client.get("/dashboards/import/template.csv")
    assert cases.status_code == 200 and cases["Content-Type"].startswith("text/csv")
    assert cases.content.decode().splitlines()[0] == ",".join(importing.CASE_FIELDS)
    created = post_file(client, cases.content)
    assert created.status_code == 201 and created.json()["imported"] == 3
    scanned = client.get("/dashboards/import/template-scanned.csv")
    created = post_file(client, scanned.content, "scanned.csv")
    assert created.status_code == 201 and created.json()["scanned"] == 1


def test_the_xlsx_template_imports_as_it_is(client, expert):
    client.force_login(expert)
    workbook = client.get("/dashboards/import/template.xlsx")
    assert load_workbook(io.BytesIO(workbook.content)).sheetnames == ["cases", "scanned"]
    created = post_file(client, workbook.content, "template.xlsx")
    assert created.status_code == 201, created.content
    assert (created.json()["imported"], created.json()["scanned"]) == (3, 1)
    assert ImportBatch.objects.get().source == "xlsx"


def test_scanned_counts_replace_the_same_quarter_and_crossing_point(expert):
    data = b"quarter,crossing_point,documents\n2024Q1,bkk-airport,100\n2024-Q2,,50\n"
    cases_import(user=expert, source="file", data=data)
    data = b"quarter,crossing_point,documents\n2024Q1,bkk-airport,120\n"
    outcome = cases_import(user=expert, source="file", data=data)
    counts = {
        (row.crossing_point_id is not None, row.quarter): (row.documents, row.batch_id)
        for row in ScannedCount.objects.all()
    }
    assert counts == {(True, 1): (120, outcome.batch.pk), (False, 2): (50, counts[(False, 2)][1])}
    with pytest.raises(files.ImportRefused) as refused:
        cases_import(user=expert, source="file", data=b"quarter,documents\n2024Q3,5\n2024q3,6\n")
    assert refused.value.errors[0]["row"] == 3 and "row 2" in refused.value.errors[0]["message"]


def test_an_import_takes_a_bounded_number_of_queries(expert, django_assert_max_num_queries):
    rows = [case_row(month=1 + i % 3) for i in range(500)]
    data = as_csv(rows)
    with django_assert_max_num_queries(14):
        outcome = cases_import(user=expert, source="file", data=data)
    assert outcome.imported == 500 and FraudCase.objects.count() == 500


def test_the_page_shows_every_error_and_keeps_nothing(client, expert):
    client.force_login(expert)
    handle = io.BytesIO(as_csv([case_row(), case_row(result="lost")]))
    handle.name = "cases.csv"
    response = client.post("/dashboards/import/", {"file": handle})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported" in html and "<td>3</td>" in html and "result" in html
    assert FraudCase.objects.count() == 0
    handle = io.BytesIO(as_csv([case_row()]))
    handle.name = "cases.csv"
    response = client.post("/dashboards/import/", {"file": handle})
    assert response.status_code == 200
    assert "1 cases and 0 scanned counts were imported" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"PK\x03\x04not really a workbook", "not a readable XLSX"),
        ("detected_on,border_type\n2024-03,air\n".encode("utf-16"), "not UTF-8"),
        (b'detected_on,border_type\n"' + b"x" * 200_000 + b'"\n', "could not be read"),
        (b"", "empty"),
    ],
)
def test_a_damaged_file_is_refused_with_a_message(client, expert, data, said):
    client.force_login(expert)
    response = post_file(client, data)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert said in error["message"] and error["row"] is None


@pytest.mark.parametrize(
    "body", ['["not", "an object"]', '{"rows": []}', '{"cases": {}}', '{"cases": null}', "{"]
)
def test_a_json_body_of_the_wrong_shape_is_refused(client, expert, body):
    client.force_login(expert)
    response = client.post("/api/v1/cases/import", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"][0]["message"]
    assert ImportBatch.objects.count() == 0
