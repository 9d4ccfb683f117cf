"""Countries, networks, roles, distributions and the one access rule (see rule.py)."""
