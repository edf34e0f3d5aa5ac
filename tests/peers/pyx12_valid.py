"""Validates X12 files with pyx12 (an independent implementation), printing every error.

Exit 0 when every file passes, 1 when any has an error, 3 when pyx12 is not installed.
x12valid's own exit status is not usable (it reports failures only on stderr), hence this.
"""
import logging
import sys

try:
    import pyx12.params
    import pyx12.x12n_document
except ImportError as e:
    print(f"pyx12 cannot be imported: {e}", file=sys.stderr)
    sys.exit(3)


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.errors = []

    def emit(self, record):
        self.errors.append(record.getMessage())


def main(paths):
    logger = logging.getLogger("pyx12")
    logger.setLevel(logging.ERROR)
    failed = False
    for path in paths:
        handler = Collect()
        logger.addHandler(handler)
        param = pyx12.params.params()
        try:
            with open(path, encoding="ascii") as src:
                ok = pyx12.x12n_document.x12n_document(
                    param=param, src_file=src, fd_997=None, fd_html=None, fd_xmldoc=None, map_path=None
                )
        except Exception as e:  # pyx12 raises on what it cannot read at all
            ok = False
            handler.errors.append(f"{type(e).__name__}: {e}")
        logger.removeHandler(handler)
        if not ok or handler.errors:
            failed = True
            print(f"{path}: FAILED")
            for e in handler.errors:
                print(f"  {e}")
        else:
            print(f"{path}: OK")
    return 1 if failed else 0


sys.exit(main(sys.argv[1:]))
