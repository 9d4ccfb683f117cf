"""The search contract, on whichever database backend runs the suite (PostgreSQL here;
test_contract_on_sqlite runs this same file on SQLite FTS5)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from PIL import Image

from portal.access.distribution import Distribution, distribution_apply
from portal.specimens.models import GlossaryTerm, Specimen
from search import search
from search.indexing import entry_update
from search.models import SearchEntry

pytestmark = pytest.mark.django_db


def specimen(title, *, owner="THA", issuer=None, level=None, description="", **fields):
    item = Specimen.objects.create(
        title=title,
        owner_country_id=owner,
        issuing_country_id=issuer or owner,
        document_type=fields.pop("document_type", "passport"),
        kind=fields.pop("kind", "genuine"),
        description=description,
        **fields,
    )
    distribution_apply(
        item=item, distribution=Distribution.from_data(level or {"level": "members"})
    )
    entry_update(item)
    return item


def test_entries_follow_commits(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = Specimen.objects.create(
            title="Ruby laminate passport", owner_country_id="THA",
            issuing_country_id="THA", document_type="passport", kind="genuine",
        )  # fmt: skip
    assert SearchEntry.objects.get(object_id=item.pk, type="specimen").title == item.title
    with django_capture_on_commit_callbacks(execute=True):
        item.title = "Sapphire laminate passport"
        item.save()
    assert [h.title for h in search(users["admin"], "sapphire").hits] == [item.title]
    assert search(users["admin"], "ruby").total == 0
    with django_capture_on_commit_callbacks(execute=True):
        item.delete()
    assert not SearchEntry.objects.filter(type="specimen", object_id=item.pk).exists()


def test_nothing_is_indexed_before_the_commit(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Specimen.objects.create(
            title="Uncommitted", owner_country_id="THA", issuing_country_id="THA",
            document_type="passport", kind="genuine",
        )  # fmt: skip
    assert callbacks  # scheduled for after the commit ...
    assert not SearchEntry.objects.filter(title="Uncommitted").exists()  # ... not before


def test_narrowing_a_distribution_removes_it_from_others_results_at_once(users):
    item = specimen("Cobalt watermark visa", level={"level": "members"}, document_type="visa")
    fin, vnm = users["officer.fin"], users["officer.vnm"]
    assert [h.id for h in search(fin, "cobalt watermark").hits] == [item.pk]
    distribution_apply(item=item, distribution=Distribution.from_data({"level": "country"}))
    # No reindexing: the entry is unchanged, the rule's keys decide.
    for user in (fin, vnm):
        results = search(user, "cobalt watermark")
        assert (results.total, results.hits, results.facets["type"]) == (0, [], {})
    assert search(users["officer.tha"], "cobalt watermark").total == 1


def test_totals_facets_and_snippets_come_only_from_visible_items(users):
    specimen("Orchid hologram passport", issuer="THA", level={"level": "country"},
             description="Secret orchid detail only Thailand may read.")  # fmt: skip
    specimen("Orchid hologram passport", owner="VNM", issuer="VNM", level={"level": "members"},
             description="Shared orchid hologram shifts from green to gold.")  # fmt: skip
    results = search(users["officer.fin"], "orchid hologram")
    assert results.total == 1
    assert results.facets["issuing_country"] == {"VNM": 1}
    assert results.facets["type"] == {"specimen": 1}
    assert "Secret" not in str(results.hits[0].snippet)
    assert "<mark>" in str(results.hits[0].snippet)
    both = search(users["officer.tha"], "orchid hologram")
    assert both.total == 2 and both.facets["issuing_country"] == {"THA": 1, "VNM": 1}


def test_filters_and_facets(users):
    specimen("Jade seal passport", issuer="VNM", owner="VNM")
    specimen("Jade seal visa", issuer="THA", document_type="visa")
    user = users["officer.tha"]
    assert search(user, "jade seal").total == 2
    narrowed = search(user, "jade seal", {"issuing_country": "VNM"})
    assert [h.title for h in narrowed.hits] == ["Jade seal passport"]
    # A facet's own filter does not hide its other values (one can switch between them).
    assert narrowed.facets["issuing_country"] == {"THA": 1, "VNM": 1}
    assert narrowed.facets["document_type"] == {"passport": 1}


def _image(item, light: str) -> None:
    from portal.specimens.services import image_store

    out = io.BytesIO()
    Image.new("RGB", (480, 320), (40, 90, 160)).save(out, "PNG")
    out.seek(0)
    image_store(specimen=item, file=out, light_source=light)


def test_light_source_facet_and_filter_count_visible_items_only(users):
    shared = specimen("Lotus kinegram passport", owner="VNM", issuer="VNM")
    _image(shared, "uv")
    _image(shared, "visible")
    hidden = specimen("Lotus kinegram passport", issuer="THA", level={"level": "country"})
    _image(hidden, "uv")
    _image(hidden, "ir")
    term = GlossaryTerm.objects.create(
        slug="lotus-kinegram", term="Lotus kinegram", category="optical",
        definition="A kinegram in the shape of a lotus.", light_sources=["oblique", "uv"],
    )  # fmt: skip
    for item in (shared, hidden, term):
        entry_update(item)
    fin = search(users["officer.fin"], "lotus kinegram")
    assert fin.total == 2
    # Each item counts once per light source it shows; the hidden one's "ir" is not there.
    assert fin.facets["light_source"] == {"uv": 2, "oblique": 1, "visible": 1}
    filtered = search(users["officer.fin"], "lotus kinegram", {"light_source": "visible"})
    assert [h.id for h in filtered.hits] == [shared.pk]
    # Its own filter leaves the facet whole; the others' facets follow the filter.
    assert filtered.facets["light_source"] == fin.facets["light_source"]
    assert filtered.facets["type"] == {"specimen": 1}
    tha = search(users["officer.tha"], "lotus kinegram", {"light_source": "ir"})
    assert [h.id for h in tha.hits] == [hidden.pk]
    assert search(users["officer.tha"], "lotus kinegram").facets["light_source"]["uv"] == 3


def test_words_and_filter_values_are_only_ever_parameters(users):
    specimen("Quoted passport", issuer="THA")
    user = users["officer.vnm"]
    hostile = "THA' OR '1'='1"
    for filters in ({"issuing_country": hostile}, {"light_source": hostile}, {"type": hostile}):
        assert search(user, "quoted", filters).total == 0
    assert search(user, "quoted' OR 1=1 -- \"* NEAR(").total == 0  # not 3 of its 4 words
    assert search(user, "'quoted' -- \"passport*\" (").total == 1


def test_glossary_is_open_to_members_only(users):
    term = GlossaryTerm.objects.create(
        slug="zebra-guilloche", term="Zebra guilloche", category="printing",
        definition="Fine interlaced lines printed in two colours.",
    )  # fmt: skip
    entry_update(term)
    assert [h.type for h in search(users["officer.fin"], "zebra guilloche").hits] == ["glossary"]
    assert search(AnonymousUser(), "zebra guilloche").total == 0


def test_snippets_are_escaped_and_marked(users):
    specimen("Markup test", description="<script>alert(1)</script> laminate lifts at the edge")
    hit = search(users["officer.vnm"], "laminate").hits[0]
    snippet = str(hit.snippet)
    # PostgreSQL's headline drops tags, SQLite's snippet keeps them: escaped, never live.
    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet or "script" not in snippet
    assert "alert(1)" in snippet
    assert "<mark>laminate</mark>" in str(hit.snippet).lower()


def test_snippets_read_as_sentences_cut_at_word_boundaries(users):
    filler = "Filler words follow here. " * 20
    item = specimen("Sentence book", owner="VNM", issuer="VNM", series="2022 series",
                    description=f"The laminate lifts near the photo. {filler}"
                    "A hologram shows a lotus.")  # fmt: skip
    user = users["officer.vnm"]
    body = SearchEntry.objects.get(type="specimen", object_id=item.pk).body
    # The item's field values in reading order, with punctuation between them.
    assert re.match(r"Viet ?[Nn]am \(VNM\), Passport, Genuine, 2022 series\. The laminate", body)
    lead = str(search(user, "vnm sentence").hits[0].snippet)
    assert re.match(r"Viet ?[Nn]am \(<mark>VNM</mark>\), Passport, Genuine, 2022 series\. ", lead)
    # From the sentence holding the words, with an ellipsis where text is left out.
    last = str(search(user, "hologram lotus").hits[0].snippet)
    assert last == "… A <mark>hologram</mark> shows a <mark>lotus</mark>."
    # A sentence near the start: the snippet starts with the text, cut after it.
    middle = str(search(user, "laminate photo").hits[0].snippet)
    assert "series. The <mark>laminate</mark> lifts near the <mark>photo</mark>. Filler" in middle
    assert re.match("Viet ?[Nn]am", middle)
    assert middle.endswith(" …") and len(re.sub("<[^>]+>", "", middle)) <= 230
    # Cut between words, never inside one.
    shown = re.sub("<[^>]+>", "", middle).strip("… ").split()
    assert all(word in body.split() for word in shown)


def test_stems_and_accents(users):
    specimen("Côte d'Ivoire résidence permit", document_type="residence_permit",
             description="Laminates peel at the corners.")  # fmt: skip
    user = users["officer.vnm"]
    assert search(user, "cote residence").total == 1
    assert search(user, "laminate").total == 1


def test_words_missing_together_fall_back_to_all_but_one(users):
    specimen("Amber thread passport", description="Security thread embedded.")
    results = search(users["officer.vnm"], "amber thread unicorn")
    assert results.partial and results.total == 1 and results.complete == 0


def test_a_country_and_a_feature_find_the_right_specimen_first(users):
    specimen("THA passport 2022", issuer="THA", description="Laminate with a hologram.")
    specimen("VNM identity card", owner="VNM", issuer="VNM", document_type="id_card",
             description="Laminate edges lift.")  # fmt: skip
    target = specimen("VNM passport 2022", owner="VNM", issuer="VNM",
                      description="The laminate is lifted near the photo.")  # fmt: skip
    results = search(users["officer.vnm"], "vnm passport 2022 laminate")
    assert results.hits[0].id == target.pk


def test_paging(users):
    for n in range(23):
        specimen(f"Pager specimen {n}")
    first, second = (
        search(users["officer.vnm"], "pager"),
        search(users["officer.vnm"], "pager", page=2),
    )
    assert (first.total, first.pages, len(first.hits), len(second.hits)) == (23, 2, 20, 3)
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}
    # A page past the end (a stale link) shows the last one.
    beyond = search(users["officer.vnm"], "pager", page=9)
    assert (beyond.page, [h.id for h in beyond.hits]) == (2, [h.id for h in second.hits])


def test_search_costs_a_fixed_number_of_queries(users, django_assert_max_num_queries):
    for n in range(30):
        specimen(f"Counted specimen {n}")
    user = users["officer.vnm"]
    search(user, "counted")  # the user's keys and content types, cached from here
    # One statement for the total, facets and page; one for the page's rows and snippets
    # (SQLite reads its FTS5 markup apart: three).
    with django_assert_max_num_queries(3):
        results = search(user, "counted specimen", {"document_type": "passport"}, page=2)
    assert (results.total, len(results.hits)) == (30, 10)


def test_the_migration_copies_the_keys_of_existing_entries(users):
    import importlib

    from django.apps import apps
    from django.db import connection

    from portal.access import rule

    class Editor:  # what ``copy_keys`` uses of a schema editor
        def __init__(self):
            self.connection = connection

        def execute(self, sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)

    item = specimen("Migrated passport", level={"level": "networks", "networks": ["andex"]})
    term = GlossaryTerm.objects.create(slug="migrated", term="Migrated", category="printing")
    entry_update(term)
    SearchEntry.objects.update(view_keys={})
    importlib.import_module("search.migrations.0003_entry_view_keys").copy_keys(apps, Editor())
    assert SearchEntry.objects.get(type="specimen", object_id=item.pk).view_keys == (
        rule.keys_copy(rule.item_keys(item))
    )
    assert SearchEntry.objects.get(type="glossary", object_id=term.pk).view_keys == {
        "members": True
    }


@pytest.mark.django_db(transaction=True)
def test_the_facets_migration_keeps_the_values_of_existing_entries(users):
    """Migration 0004 moves the vocabulary columns into the generic facets (and back)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    item = specimen("Migrated facets passport", owner="VNM", issuer="VNM", kind="forged",
                    fraud_type="counterfeit")  # fmt: skip
    before, after = [("search", "0003_entry_view_keys")], [("search", "0004_entry_facets")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = MigrationExecutor(connection).loader.project_state(before).apps
        entries = old.get_model("search", "SearchEntry").objects.filter(object_id=item.pk)
        entry = entries.get(type="specimen")  # backwards, the columns were filled again
        assert (entry.issuing_country, entry.document_type, entry.fraud_type) == (
            "VNM", "passport", "counterfeit",
        )  # fmt: skip
        entries.update(light_sources=["uv", "ir", "uv"], document_type="visa", fraud_type="")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    assert SearchEntry.objects.get(type="specimen", object_id=item.pk).facets == {
        "issuing_country": ["VNM"],
        "document_type": ["visa"],
        "light_source": ["ir", "uv"],
    }
    assert search(users["officer.tha"], "migrated", {"light_source": "ir"}).total == 1


def test_rebuild_command_reports_what_it_indexed(users, capsys):
    specimen("Rebuilt specimen")
    SearchEntry.objects.all().delete()
    call_command("rebuild_search_index", verbosity=0)
    out = capsys.readouterr().out
    assert "Search index rebuilt:" in out and "1 specimen" in out
    assert search(users["officer.vnm"], "rebuilt").total == 1


@pytest.mark.skipif(bool(os.environ.get("SEARCH_CONTRACT_VENDOR_FILE")), reason="inside the run")
def test_contract_on_sqlite(tmp_path):
    """The same contract on SQLite FTS5 (the embedded demo's backend): this file, the
    contract file, and the access matrix's search channels (entry point, page, API,
    suggestions) for every content type, level and user, again in one pytest run whose
    settings fall back to SQLite (one run: each builds its database by migrating)."""
    here = Path(__file__)
    targets = [
        str(here),
        str(here.with_name("test_contract.py")),
        "tests/access/test_matrix.py",
        "-k",
        "not test_matrix or search",
    ]
    vendor_file = tmp_path / "vendor"
    junit = f"--junitxml={tmp_path / 'run.xml'}"
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(
        TEST_DATABASE_URL="postgres://127.0.0.1:1/unreachable",
        SEARCH_CONTRACT_VENDOR_FILE=str(vendor_file),
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", *targets, "-q", "-p", "no:cacheprovider", junit],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert vendor_file.read_text() == "sqlite"
    passed = re.search(r"(\d+) passed", run.stdout)
    assert passed and "failed" not in run.stdout
    # Not only the contract tests: the matrix's search cases of every type ran too.
    ran = (tmp_path / "run.xml").read_text()
    matrix_classes = set(re.findall(r'classname="[\w.]*\.(TestMatrix\w+)"', ran))
    assert {"TestMatrixSpecimen", "TestMatrixAlert", "TestMatrixCourse"} <= matrix_classes
