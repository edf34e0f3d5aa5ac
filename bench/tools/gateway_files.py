#!/usr/bin/env python3
"""Write the input files of bench/gateway.sh: FILES interchanges from the sample partner
BigRetail (ISA ZZ:BIGRETAIL to ZZ:ACMESUPPLY), each one file of one PO group holding SETS
850s, every set the order of samples/bigretail/good-850.edi with its own PO number.

The gateway treats a file as a copy of an earlier one when its ISA13 was seen before from
the same sender (within 90 days) or when its bytes were, so every file gets its own ISA13
and GS06 (FIRST, FIRST+1, ...) and every set its own BEG03 (4500000000 + (file - 1) * SETS
+ set: unique across the files): each file is a new interchange, none is a duplicate.
Everything else (dates, lines, N1 loops, the partner's rules: REF*DP present, CTT01 = the
line count) is the sample's, which the standard and BigRetail's profile accept as it is.

Usage: gateway_files.py --out DIR --files N --sets K [--first 1] [--sample FILE]
Prints the number of files and of transaction sets written.
"""
import argparse
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def sample_set(path):
    """The sample's ST..SE segments (without terminators), and its ISA/GS lines."""
    text = path.read_text(encoding="ascii")
    segments = [s.strip() for s in text.split("~") if s.strip()]
    isa = next(s for s in segments if s.startswith("ISA*"))
    gs = next(s for s in segments if s.startswith("GS*"))
    start = next(i for i, s in enumerate(segments) if s.startswith("ST*"))
    end = next(i for i, s in enumerate(segments) if s.startswith("SE*"))
    return isa, gs, segments[start:end + 1]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True, type=pathlib.Path)
    p.add_argument("--files", required=True, type=int)
    p.add_argument("--sets", required=True, type=int, help="850s per file (1 to 9999)")
    p.add_argument("--first", type=int, default=1, help="ISA13/GS06 of the first file")
    p.add_argument("--sample", type=pathlib.Path,
                   default=ROOT / "samples/bigretail/good-850.edi")
    a = p.parse_args()
    if not 1 <= a.sets <= 9999 or a.files < 1 or a.first < 1 \
            or a.first + a.files - 1 > 999_999_999:
        p.error("want --files >= 1, --sets 1..9999, ISA13s within 9 digits")

    isa, gs, body = sample_set(a.sample)
    isa_el = isa.split("*")
    gs_el = gs.split("*")
    a.out.mkdir(parents=True, exist_ok=True)
    for n in range(a.first, a.first + a.files):
        isa_el[13] = f"{n:09d}"
        gs_el[6] = str(n)
        out = ["*".join(isa_el), "*".join(gs_el)]
        for k in range(1, a.sets + 1):
            st02 = f"{k:04d}"
            po = 4_500_000_000 + (n - 1) * a.sets + k
            for seg in body:
                el = seg.split("*")
                if el[0] == "ST":
                    el[2] = st02
                elif el[0] == "SE":
                    el[2] = st02
                elif el[0] == "BEG":
                    el[3] = str(po)
                out.append("*".join(el))
        out.append(f"GE*{a.sets}*{n}")
        out.append(f"IEA*1*{n:09d}")
        # Named so that name order is arrival order (the folder channel takes files in
        # name order).
        (a.out / f"bigretail-850-{n:09d}.edi").write_text(
            "".join(s + "~\n" for s in out), encoding="ascii")
    print(f"{a.files} files, {a.files * a.sets} transaction sets")


if __name__ == "__main__":
    sys.exit(main())
