"""The access app's models, one module per concept."""

from .audit import AccessRecord, AppendOnlyError
from .geography import Country, Network, NetworkMembership
from .shareable import DistributionLevel, Shareable, VisibilityKey
from .users import ROLE_GROUP_NAMES, KeysEpoch, Role, User

__all__ = [
    "ROLE_GROUP_NAMES",
    "AccessRecord",
    "AppendOnlyError",
    "Country",
    "DistributionLevel",
    "KeysEpoch",
    "Network",
    "NetworkMembership",
    "Role",
    "Shareable",
    "User",
    "VisibilityKey",
]
