#!/usr/bin/env python3
"""Read an X12 file end to end with pyx12's streaming X12Reader and print the
number of segments on stdout (bench/compare.sh checks it against the others).

X12Reader is pyx12's low-level reader: it splits segments and elements and
checks the ISA/GS/ST envelope counts as it goes, but does not load the
transaction-set maps (that is x12n_document, a much slower validator).
"""
import sys

try:
    from pyx12.x12file import X12Reader
except ImportError as e:  # fail loudly: compare.sh reports this as the skip reason
    sys.exit(f"pyx12_read: cannot import pyx12 ({e}); run `pip install pyx12`")


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: pyx12_read.py FILE", file=sys.stderr)
        return 2
    segments = elements = 0
    with X12Reader(sys.argv[1]) as reader:
        for seg in reader:
            segments += 1
            # Touch the parsed elements so the work is comparable to the
            # Rust harnesses that walk every element.
            elements += len(seg)
        errors = reader.pop_errors()
    print(f"pyx12_read: {segments} segments, {elements} elements, "
          f"{len(errors)} envelope errors", file=sys.stderr)
    for err in errors[:5]:
        print(f"pyx12_read: envelope error: {err}", file=sys.stderr)
    print(segments)
    return 0


if __name__ == "__main__":
    sys.exit(main())
