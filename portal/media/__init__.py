"""Private media as a platform service: images and documents attached to shared items.

Files live in the ``private`` storage (no URL) under random names; every byte leaves
through ``views`` after the access rule of the item the file belongs to has been asked,
and each read of a restricted item's file is written to the access log. A content type
gets private media by subclassing ``models.PrivateImage`` / ``models.AttachedDocument``
with a foreign key to its item and registering the pair (``registry.register``).
"""
