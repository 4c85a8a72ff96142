"""RDF in and out: reading files (`read`: Turtle, TriG, N-Triples, N-Quads, JSON-LD offline), writing the
published forms (`write`: sorted, deterministic), and the terms between rdflib and Oxigraph (`terms`)."""
