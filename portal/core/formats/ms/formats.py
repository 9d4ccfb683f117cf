from portal.core.formats.common import *  # noqa: F403
