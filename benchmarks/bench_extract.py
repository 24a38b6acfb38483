"""Benchmark: ``geo.extract`` on 10,000 note-length texts (target ≤ 60 s on this machine).

Run from the repository root::

    python benchmarks/bench_extract.py                 # 10,000 texts, 3 repeats
    python benchmarks/bench_extract.py --texts 2000 --repeat 5

The texts are invented, in the style of ACLED notes (about 210 characters, as long as a real
note: a dated event, a place from the gazetteer, a count, a source, a sentence of context),
built from templates with a fixed random seed.
Each repeat runs :func:`geo.extract.extract_documents` on all of them with one country given
(``--country``), as an analyst does; the table gives wall-clock and CPU seconds (the CPU time
shows the cost apart from other processes on a shared machine) and the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

from geo.extract import extract_documents
from geo.extract._documents import Document

TOWNS = ["Wajir", "Mandera", "Garissa", "Lamu", "Marsabit", "Kisumu", "Nakuru", "Eldoret",
         "Mombasa", "Nairobi", "Kakamega", "Kitale", "Isiolo", "Moyale", "Lodwar", "Malindi"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
TEMPLATES = [
    "On {d} {m} 2019, unidentified gunmen attacked a village near {t}, killing {n} civilians "
    "and injuring others. [size=no report]",
    "On {d} {m} 2019, police arrested {n} suspected smugglers in {t} town ({t} county), "
    "according to local media.",
    "On {d} {m} 2019, residents of {t} demonstrated against rising insecurity; police dispersed "
    "them with tear gas. {n} people were injured.",
    "On {d} {m} 2019, Al Shabaab militants and Kenyan security forces clashed near {t}; "
    "{n} militants were killed, the army said.",
    "On {d} {m} 2019, an IED exploded on the road between {t} and {u}, killing {n} soldiers "
    "in a patrol vehicle.",
    "On {d} {m} 2019, traders in {t} held a peaceful protest over market fees. No arrests "
    "were made.",
]


CONTEXT = [
    "The incident followed weeks of tension between the two communities over grazing land.",
    "Local officials said security had been reinforced in the area in the following days.",
    "Residents said the group had threatened the area since the start of the dry season.",
    "Fatalities coded as reported by the county commissioner; the number may change.",
]


def make_texts(n: int, seed: int = 1) -> list[Document]:
    """``n`` invented notes with their publication year."""
    rng = np.random.default_rng(seed)
    docs = []
    for i in range(n):
        text = TEMPLATES[int(rng.integers(len(TEMPLATES)))].format(
            d=int(rng.integers(1, 29)), m=MONTHS[int(rng.integers(12))],
            t=TOWNS[int(rng.integers(len(TOWNS)))], u=TOWNS[int(rng.integers(len(TOWNS)))],
            n=int(rng.integers(1, 40)))
        text += " " + CONTEXT[int(rng.integers(len(CONTEXT)))]
        docs.append(Document(f"n{i}", text, "2019"))
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--country", default="KE")
    args = parser.parse_args()
    docs = make_texts(args.texts)
    chars = sum(len(d.text) for d in docs) / len(docs)
    extract_documents(docs[:20], countries=[args.country])  # gazetteer index, imports
    walls, cpus, found = [], [], 0
    for _ in range(args.repeat):
        load = os.getloadavg()[0]
        w0, c0 = time.perf_counter(), time.process_time()
        result = extract_documents(docs, countries=[args.country])
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
        found = len(result.proposals)
        print(f"wall {walls[-1]:.1f} s, CPU {cpus[-1]:.1f} s, load {load:.1f}, "
              f"{found} proposals")
    print(f"| {args.texts:,} texts, {chars:.0f} characters on average | wall "
          f"{statistics.median(walls):.1f} s | CPU {statistics.median(cpus):.1f} s | "
          f"{found:,} proposals |")


if __name__ == "__main__":
    main()
