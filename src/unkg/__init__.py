"""unkg: UN official communications as validated linked data."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("unkg")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"
