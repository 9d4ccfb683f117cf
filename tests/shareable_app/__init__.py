"""A minimal shared content type that exercises the access matrix harness.

It is installed only by the test settings; real content types (specimens, alerts ...)
plug into the same harness in tests/access/matrix.py.
"""
