"""``unkg build``: the orchestration of the pipeline over a project's documents (`run.build`): its inputs
and fingerprints (`inputs`), its worker processes (`workers`), the dataset files streamed in key order
(`dumps`), the store (`stores`) and the two folders a build alternates between (`generations`)."""

from .generations import leftovers
from .inputs import documents, printable, tool_fingerprint, versions
from .run import BuildReport, Refusal, build
from .workers import FORKING, STOP

__all__ = ["FORKING", "STOP", "BuildReport", "Refusal", "build", "documents", "leftovers", "printable",
           "tool_fingerprint", "versions"]
