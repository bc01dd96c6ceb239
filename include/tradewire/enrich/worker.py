"""An enrichment worker process (see tradewire.clean.workers): the enrich stage runs several on many cores."""

from __future__ import annotations


def main() -> None:
    from tradewire.clean.workers import serve
    from tradewire.enrich.run import _enrich_row, warm_up

    warm_up()  # dictionaries and automata built before announcing readiness, not on the first article
    serve(_enrich_row)


if __name__ == "__main__":
    main()
