"""The demo network: synthetic countries' users and content for ``make demo``."""
