"""Moved to ``unkg.validate`` (``compiled.py``, ``fast.py``); kept until every import uses it."""

from .validate import Unsupported, Validator, compile_shapes  # noqa: F401
