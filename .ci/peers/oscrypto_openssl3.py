"""Lets oscrypto 1.3.0 (which pyas2lib, the AS2 test partner, imports) load on OpenSSL 3.0.10
and later: its version regex reads one digit of the patch number and fails on "3.0.19"
(oscrypto issue 78). Applies the fix oscrypto made upstream, `\\d\\.\\d\\.\\d+[a-z]*`, to the
installed copy; does nothing when the copy is already fixed. Run after `pip install pyas2lib`
(.ci/run does; so will the AS2 tests' set-up).
"""

import importlib.util
import os
import sys

spec = importlib.util.find_spec("oscrypto")
if spec is None or not spec.submodule_search_locations:
    sys.exit("oscrypto is not installed: pip install pyas2lib first")
root = list(spec.submodule_search_locations)[0]
old = "\\\\d\\\\.\\\\d\\\\.\\\\d[a-z]*"
new = "\\\\d\\\\.\\\\d\\\\.\\\\d+[a-z]*"
for name in ("_libcrypto_cffi.py", "_libcrypto_ctypes.py"):
    path = os.path.join(root, "_openssl", name)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if new in text:
        continue
    if old not in text:
        sys.exit(f"{path}: the version regex is not the one this fix knows; look at it")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new))
    print(f"patched {path}")
