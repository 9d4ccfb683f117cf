"""Rebuild the database search index from every registered item, with a progress bar."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from search.indexing_rebuild import index_rebuild, items_count


class Command(BaseCommand):
    help = "Rebuild the search entry (and Elasticsearch document) of every registered item."

    def handle(self, *args, **options):
        with tqdm(
            total=items_count(), unit="item", desc="Indexing", disable=options["verbosity"] == 0
        ) as bar:
            summary = index_rebuild(progress=bar.update)
        removed = summary.pop("removed", 0)
        parts = ", ".join(f"{count} {slug}" for slug, count in summary.items())
        self.stdout.write(
            self.style.SUCCESS(f"Search index rebuilt: {parts}; {removed} stale entries removed.")
        )
