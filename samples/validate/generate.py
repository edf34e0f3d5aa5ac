#!/usr/bin/env python3
"""Writes the validation corpus in this folder (the *.edi files) and its README.md.

Every file is a complete interchange built from one of a few clean retail documents
(BIGRETAIL buys from ACMESUPPLY: purchase orders, invoices, ship notices, remittances,
acknowledgments) with exactly one deliberate problem. Envelope counts and control numbers
are computed here, so an edit to a document never breaks its envelope (the ta1-* files and
the envelope-error ak502-* / ak905-* files break it on purpose).

    python3 samples/validate/generate.py            # rewrite the files and README.md
    python3 samples/validate/generate.py --check    # also run edigate validate and parse
                                                    # on each file and compare with the
                                                    # expected findings

The expected findings use the notation of `--check`:
    ak304:<code>:<segment>@<position in set>[/<loop (AK303)>]
    ak403:<code>:<segment><element>[-<component>][r<repetition>]@<position in set>
    ak502:<code> (other than 5, which every set with findings gets), ak905:<code>
    ta105:<note> for a rejected interchange (TA104 R; anything else adds ta104:<code>)
    isa:<severity>:<problem> for each interchange-level finding
`edigate parse` must exit 1 on the files whose findings include an envelope error (ta105,
AK905 3-6 and 19, AK502 2-4, 6, 7 and 23) and 0 on all others.
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.join(ROOT, "target", "release", "edigate")

RETAIL, SUPPLIER = "BIGRETAIL", "ACMESUPPLY"


# ---------------------------------------------------------------- envelopes

class Set:
    def __init__(self, ident, control, body, se_count=None, se_control=None):
        self.ident, self.control, self.body = ident, control, body
        # SE01 / SE02 when they should not be the true count / ST02 (envelope errors)
        self.se_count, self.se_control = se_count, se_control


class Group:
    def __init__(self, fid, version, control, sets, sender=None, receiver=None,
                 date="20261120", time="0930"):
        # control: GS06 and GE02, a number or (for a malformed one) a string
        self.fid, self.version, self.control, self.sets = fid, version, str(control), sets
        self.sender, self.receiver = sender, receiver
        self.date, self.time = date, time


class Interchange:
    def __init__(self, isa_version, control, groups, sender, receiver,
                 date="261120", time="0930", usage="P", isa=None):
        self.isa_version, self.control, self.groups = isa_version, control, groups
        self.sender, self.receiver = sender, receiver
        self.date, self.time, self.usage = date, time, usage
        # {ISA element number: value} replacing what is written there (TA1 note files);
        # each value keeps its field's fixed width, so the ISA stays 106 bytes
        self.isa = isa or {}

    def segments(self):
        repetition = "^" if self.isa_version >= "00501" else "U"
        fields = [
            "ISA", "00", " " * 10, "00", " " * 10,
            "ZZ", self.sender.ljust(15), "ZZ", self.receiver.ljust(15),
            self.date, self.time, repetition, self.isa_version,
            "%09d" % self.control, "0", self.usage, ">",
        ]
        for n, value in self.isa.items():
            assert len(value) == len(fields[n]), (n, value)
            fields[n] = value
        isa = "*".join(fields)
        assert len(isa) + 1 == 106, isa
        out = [isa]
        for g in self.groups:
            out.append("GS*%s*%s*%s*%s*%s*%s*X*%s" % (
                g.fid, g.sender or self.sender, g.receiver or self.receiver,
                g.date, g.time, g.control, g.version))
            for s in g.sets:
                out.append("ST*%s*%s" % (s.ident, s.control))
                out.extend(s.body)
                out.append("SE*%d*%s" % (len(s.body) + 2 if s.se_count is None else s.se_count,
                                         s.control if s.se_control is None else s.se_control))
            out.append("GE*%d*%s" % (len(g.sets), g.control))
        out.append("IEA*%d*%09d" % (len(self.groups), self.control))
        return out


def render(interchanges):
    segments = []
    for i in interchanges:
        segments.extend(i.segments())
    return ("~\n".join(segments) + "~\n").encode("latin-1")


ISA_VERSION = {"004010": "00401", "005010": "00501", "003040": "00304"}
PARTIES = {  # functional group: (interchange sender, receiver)
    "PO": (RETAIL, SUPPLIER), "RA": (RETAIL, SUPPLIER),
    "IN": (SUPPLIER, RETAIL), "SH": (SUPPLIER, RETAIL),
    "FA": (SUPPLIER, RETAIL), "PR": (SUPPLIER, RETAIL), "SC": (SUPPLIER, RETAIL),
}
SET_GROUP = {"850": "PO", "810": "IN", "856": "SH", "820": "RA", "997": "FA",
             "855": "PR", "832": "SC", "999": "FA"}

_control = [100]


def single(version, set_id, body, gs_version=None, fid=None, date="20261120", time="0930"):
    """One interchange, one group, one transaction set; control numbers unique per file."""
    _control[0] += 1
    n = _control[0]
    fid = fid or SET_GROUP[set_id]
    sender, receiver = PARTIES[fid]
    gs_date = date[2:] if (gs_version or version) < "004000" else date
    group = Group(fid, gs_version or version, 1000 + n, [Set(set_id, "%04d" % (n % 10000), body)],
                  date=gs_date, time=time)
    ic = Interchange(ISA_VERSION[version], 100000000 + n, [group], sender, receiver,
                     date=date[2:], time=time)
    return render([ic])


# ---------------------------------------------------------------- editing helpers

def replace(body, old, new):
    assert body.count(old) == 1, (old, body)
    out = list(body)
    i = out.index(old)
    if new is None:
        del out[i]
    elif isinstance(new, list):
        out[i:i + 1] = new
    else:
        out[i] = new
    return out


def remove(body, old):
    return replace(body, old, None)


def after(body, anchor, new):
    assert body.count(anchor) == 1, (anchor, body)
    i = body.index(anchor) + 1
    new = new if isinstance(new, list) else [new]
    return body[:i] + new + body[i:]


def before(body, anchor, new):
    assert body.count(anchor) == 1, (anchor, body)
    i = body.index(anchor)
    new = new if isinstance(new, list) else [new]
    return body[:i] + new + body[i:]


# ---------------------------------------------------------------- clean documents

def po850(v):
    """A replenishment purchase order: BIGRETAIL DC 12 orders three items from ACME."""
    return [
        "BEG*00*SA*4500012345**20261118",
        "CUR*BY*USD",
        "REF*DP*042",
        "REF*IA*77120",
        "PER*BD*JANE MORALES*TE*6145550142*EM*JMORALES@BIGRETAIL.COM",
        "FOB*PP",
        "ITD*01*3*2**10**30",
        "DTM*002*20261204",
        "DTM*038*20261130",
        "TD5*O*2*RDWY*M*ROADWAY",
        "N9*ZZ*DELIVERY INSTRUCTIONS",
        # 005010 replaced MSG with MTX in the 850
        "MTX*DEL*CALL RECEIVING 48 HOURS BEFORE DELIVERY" if v >= "005010"
        else "MSG*CALL RECEIVING 48 HOURS BEFORE DELIVERY",
        "N1*BT*BIGRETAIL INC*92*0001",
        "N3*1 RETAIL PLAZA",
        "N4*COLUMBUS*OH*43215*US",
        "N1*ST*BIGRETAIL DC 12*92*0012",
        "N3*400 DISTRIBUTION WAY",
        "N4*GROVEPORT*OH*43125*US",
        "N1*VN*ACME SUPPLY CO*92*77120",
        "PO1*1*24*EA*3.75**UP*012345678905*VN*AC-100",
        "PID*F****BLUE WIDGET 4 INCH",
        "PO1*2*12*CA*41.50**UP*012345678912*VN*AC-200",
        "PID*F****GADGET CASE OF 12",
        "PO1*3*48*EA*1.99**UP*012345678929*VN*AC-310",
        "PID*F****WIDGET HOOK SET",
        "CTT*3*84",
    ]


def inv810(v):
    """ACME invoices the first two lines of PO 4500012345, with freight."""
    return [
        "BIG*20261120*INV-88213*20261118*4500012345",
        "CUR*SE*USD",
        "REF*IA*77120",
        "REF*DP*042",
        "N1*RI*ACME SUPPLY CO*92*77120",
        "N3*1200 INDUSTRIAL PKWY",
        "N4*DAYTON*OH*45414*US",
        "N1*ST*BIGRETAIL DC 12*92*0012",
        "N3*400 DISTRIBUTION WAY",
        "N4*GROVEPORT*OH*43125*US",
        "ITD*01*3*2**10**30",
        "DTM*011*20261119",
        "FOB*PP",
        "IT1*1*24*EA*3.75**UP*012345678905*VN*AC-100",
        "PID*F****BLUE WIDGET 4 INCH",
        "IT1*2*12*CA*41.50**UP*012345678912*VN*AC-200",
        "PID*F****GADGET CASE OF 12",
        "TDS*60600*58800",
        "SAC*C*D240***1800",
        "CTT*2",
    ]


def asn856(v):
    """Ship notice for PO 4500012345: shipment > order > two cartons (packs) > items."""
    return [
        "BSN*00*SHP-20261119-01*20261119*1430*0001",
        "DTM*011*20261119*1430",
        "HL*1**S*1",
        "TD1*CTN25*2****G*48.6*LB",
        "TD5*B*2*RDWY*M*ROADWAY",
        "REF*BM*4471237789",
        "DTM*011*20261119",
        "N1*ST*BIGRETAIL DC 12*92*0012",
        "N3*400 DISTRIBUTION WAY",
        "N4*GROVEPORT*OH*43125*US",
        "N1*SF*ACME SUPPLY CO*92*77120",
        "N3*1200 INDUSTRIAL PKWY",
        "N4*DAYTON*OH*45414*US",
        "HL*2*1*O*1",
        "PRF*4500012345***20261118",
        "HL*3*2*P*1",
        "MAN*GM*00007712000000012345",
        "HL*4*3*I*0",
        "LIN**UP*012345678905*VN*AC-100",
        "SN1**24*EA",
        "PID*F****BLUE WIDGET 4 INCH",
        "HL*5*2*P*1",
        "MAN*GM*00007712000000012352",
        "HL*6*5*I*0",
        "LIN**UP*012345678912*VN*AC-200",
        "SN1**12*CA",
        "PID*F****GADGET CASE OF 12",
        "HL*7*5*I*0",
        "LIN**UP*012345678929*VN*AC-310",
        "SN1**48*EA",
        "PID*F****WIDGET HOOK SET",
        "CTT*7",
    ]


def rem820(v):
    """BIGRETAIL pays two ACME invoices by ACH CTX, one with a prompt-pay discount."""
    return [
        "BPR*C*856.00*C*ACH*CTX*01*041000124*DA*1234567890*1311234567**01*044000037*DA*9876543210*20261201",
        "TRN*1*0012345678*1311234567",
        "REF*VR*77120",
        "DTM*097*20261126",
        "N1*PR*BIGRETAIL INC*92*0001",
        "N1*PE*ACME SUPPLY CO*92*77120",
        "ENT*1",
        "RMR*IV*INV-88213**606.00*606.00",
        "REF*PO*4500012345",
        "DTM*003*20261120",
        "RMR*IV*INV-88240**250.00*262.50*12.50",
        "REF*PO*4500012388",
        "DTM*003*20261121",
    ]


def fa997(v):
    """ACME acknowledges BIGRETAIL's PO group 1021: one order accepted, one rejected."""
    ak1 = "AK1*PO*1021" + ("*005010" if v >= "005010" else "")
    return [
        ak1,
        "AK2*850*0001",
        "AK5*A",
        "AK2*850*0002",
        "AK3*PO1*9*PO1*8",
        "AK4*2*330*2",
        "AK5*R*5",
        "AK9*P*2*2*1",
    ]


BASE = {"850": po850, "810": inv810, "856": asn856, "820": rem820, "997": fa997}

# ---------------------------------------------------------------- the corpus

FILES = []  # dicts: name, content, expect, problem, codes, note


def add(name, content, expect, problem, codes, note=None, current=None):
    """`expect`: what the X12 standard calls for. `note` and `current`: where edigate
    disagrees, why, and what it reports instead (checked too, so a fix shows up)."""
    FILES.append(dict(name=name, content=content, expect=expect, problem=problem,
                      codes=codes, note=note, current=current))


NAMES = {"850": "purchase order", "810": "invoice", "856": "ship notice",
         "820": "remittance advice", "997": "functional acknowledgment"}

# 1. clean documents
for v in ("004010", "005010"):
    for s in ("850", "810", "856", "820", "997"):
        add("ok-%s-%s.edi" % (s, v), single(v, s, BASE[s](v)), [],
            "clean %s %s (%s)" % (s, v, NAMES[s]), "none")


def multi():
    """Two interchanges, five groups, six sets, versions mixed inside interchange 2."""
    po1 = po850("004010")
    po2 = replace(replace(replace(po850("004010"),
                  "BEG*00*SA*4500012345**20261118", "BEG*00*SA*4500012388**20261119"),
                  "DTM*002*20261204", "DTM*002*20261207"),
                  "N1*ST*BIGRETAIL DC 12*92*0012", "N1*ST*BIGRETAIL DC 14*92*0014")
    a = Interchange("00401", 200000001, [
        Group("PO", "004010", 2101, [Set("850", "0001", po1), Set("850", "0002", po2)]),
        Group("RA", "004010VICS", 2102, [Set("820", "0001", rem820("004010"))]),
    ], RETAIL, SUPPLIER)
    ack = ["AK1*PO*2101", "AK2*850*0001", "AK5*A", "AK2*850*0002", "AK5*A", "AK9*A*2*2*2"]
    b = Interchange("00501", 200000002, [
        Group("IN", "005010", 3101, [Set("810", "0001", inv810("005010"))], time="1015"),
        Group("SH", "005010", 3102, [Set("856", "0001", asn856("005010"))], time="1015"),
        Group("FA", "004010", 3103, [Set("997", "0001", ack)], time="1015"),
    ], SUPPLIER, RETAIL, time="1015")
    return render([a, b])


add("ok-multi-interchange-mixed-versions.edi", multi(), [],
    "clean: interchange 1 (00401) has a PO group of two 850s and an RA group (GS08 "
    "004010VICS) with an 820; interchange 2 (00501) has an 810 and an 856 in 005010 groups "
    "and a 004010 997 acknowledging the PO group", "none")

# 2. AK304 segment errors
add("ak304-1-unrecognized-zzz-850-004010.edi",
    single("004010", "850", after(po850("004010"), "REF*IA*77120", "ZZZ*BATCH*7731")),
    ["ak304:1:ZZZ@6"],
    "an internal ZZZ segment leaked into the heading", "AK304 1")
add("ak304-1-typo-iti-for-it1-810-005010.edi",
    single("005010", "810", replace(inv810("005010"),
           "IT1*2*12*CA*41.50**UP*012345678912*VN*AC-200",
           "ITI*2*12*CA*41.50**UP*012345678912*VN*AC-200")),
    ["ak304:1:ITI@17/PID"],
    "second line item sent as ITI (letter I for digit 1)", "AK304 1")

add("ak304-2-msg-without-n9-850-004010.edi",
    single("004010", "850", remove(po850("004010"), "N9*ZZ*DELIVERY INSTRUCTIONS")),
    ["ak304:2:MSG@12"],
    "MSG sent without the N9 that starts its loop", "AK304 2")
add("ak304-2-prf-before-first-hl-856-005010.edi",
    single("005010", "856", after(remove(asn856("005010"), "PRF*4500012345***20261118"),
                                  "DTM*011*20261119*1430", "PRF*4500012345***20261118")),
    ["ak304:2:PRF@4"],
    "PRF (order reference) sent in the heading, before the first HL", "AK304 2")

add("ak304-3-mandatory-beg-missing-850-004010.edi",
    single("004010", "850", remove(po850("004010"), "BEG*00*SA*4500012345**20261118")),
    ["ak304:3:BEG@2"],
    "BEG (mandatory beginning segment) missing", "AK304 3")
add("ak304-3-mandatory-beg-missing-850-005010.edi",
    single("005010", "850", remove(po850("005010"), "BEG*00*SA*4500012345**20261118")),
    ["ak304:3:BEG@2"],
    "BEG (mandatory beginning segment) missing", "AK304 3")
add("ak304-3-mandatory-loop-po1-missing-850-005010.edi",
    single("005010", "850", [s for s in po850("005010") if not s.startswith(("PO1", "PID"))]),
    ["ak304:3:PO1@21/PO1"],
    "header-only purchase order: the mandatory PO1 loop is missing", "AK304 3")
add("ak304-3-mandatory-tds-missing-810-004010.edi",
    single("004010", "810", remove(inv810("004010"), "TDS*60600*58800")),
    ["ak304:3:TDS@20"],
    "TDS (invoice total, mandatory in the summary) missing", "AK304 3")
add("ak304-3-mandatory-ak5-missing-997-004010.edi",
    single("004010", "997", remove(fa997("004010"), "AK5*A")),
    ["ak304:3:AK5@4/AK2"],
    "first AK2 loop closed without its mandatory AK5", "AK304 3")
add("ak304-3-mandatory-hl-loop-missing-856-005010.edi",
    single("005010", "856", asn856("005010")[:2] + ["CTT*0"]),
    ["ak304:3:HL@4/HL"],
    "ship notice without any HL loop (the mandatory HL loop is missing)", "AK304 3")


def many_sac(v):
    sacs = ["SAC*A*F800***%d00**********PROMO WEEK %d" % (10 + n, n + 1) for n in range(26)]
    return after(po850(v), "FOB*PP", sacs)


add("ak304-4-sac-loop-over-25-850-004010.edi",
    single("004010", "850", many_sac("004010")),
    ["ak304:4:SAC@33/SAC"],
    "26 heading SAC loops (promotional allowances); the loop repeats at most 25 times",
    "AK304 4")
add("ak304-4-sac-loop-over-25-850-005010.edi",
    single("005010", "850", many_sac("005010")),
    ["ak304:4:SAC@33/SAC"],
    "26 heading SAC loops (promotional allowances); the loop repeats at most 25 times",
    "AK304 4")
add("ak304-4-n9-loop-twice-810-005010.edi",
    single("005010", "810", after(inv810("005010"), "FOB*PP",
           ["N9*ZZ*REMIT NOTE", "MSG*NEW REMIT-TO ADDRESS FROM 20270101",
            "N9*ZZ*CLAIMS NOTE", "MSG*REPORT SHORTAGES WITHIN 5 DAYS"])),
    ["ak304:4:N9@17/N9"],
    "two N9/MSG note loops in the heading; the 810 heading N9 loop repeats once", "AK304 4")

add("ak304-5-per-over-3-850-004010.edi",
    single("004010", "850", after(po850("004010"),
           "PER*BD*JANE MORALES*TE*6145550142*EM*JMORALES@BIGRETAIL.COM",
           ["PER*OC*ORDER DESK*TE*6145550100", "PER*RE*DOCK SCHEDULING*TE*6145550199",
            "PER*AP*ACCOUNTS PAYABLE*TE*6145550177"])),
    ["ak304:5:PER@9"],
    "four PER contacts in the heading; PER may occur at most 3 times there", "AK304 5")
add("ak304-5-two-lin-in-item-hl-856-005010.edi",
    single("005010", "856", after(asn856("005010"), "LIN**UP*012345678905*VN*AC-100",
                                  "LIN**UP*012345678936*VN*AC-101")),
    ["ak304:5:LIN@21/HL"],
    "two LIN segments in one item HL; LIN may occur once per HL", "AK304 5")

add("ak304-5-two-trn-820-004010.edi",
    single("004010", "820", after(rem820("004010"), "TRN*1*0012345678*1311234567",
                                  "TRN*1*0012345679*1311234567")),
    ["ak304:5:TRN@4"],
    "two TRN trace segments; TRN may occur once in the heading", "AK304 5")

add("ak304-6-big-in-850-004010.edi",
    single("004010", "850", after(po850("004010"), "BEG*00*SA*4500012345**20261118",
                                  "BIG*20261118*4500012345")),
    ["ak304:6:BIG@3"],
    "BIG (the invoice's beginning segment) inside a purchase order", "AK304 6")
add("ak304-6-prf-in-810-005010.edi",
    single("005010", "810", after(inv810("005010"), "BIG*20261120*INV-88213*20261118*4500012345",
                                  "PRF*4500012345***20261118")),
    ["ak304:6:PRF@3"],
    "PRF (the ship notice's order reference) inside an invoice", "AK304 6")
add("ak304-6-bak-in-850-004010.edi",
    single("004010", "850", after(po850("004010"), "BEG*00*SA*4500012345**20261118",
                                  "BAK*00*AD*4500012345*20261118")),
    ["ak304:6:BAK@3"],
    "BAK (the 855 acknowledgment's beginning segment, a real X12 segment) inside a "
    "purchase order", "AK304 6")

add("ak304-7-dtm-after-n1-850-004010.edi",
    single("004010", "850", after(remove(po850("004010"), "DTM*002*20261204"),
                                  "N1*VN*ACME SUPPLY CO*92*77120", "DTM*002*20261204")),
    ["ak304:7:DTM@20/N1"],
    "DTM (delivery requested) sent after the N1 loops; its place is before them",
    "AK304 7")
add("ak304-7-cur-after-n1-810-005010.edi",
    single("005010", "810", after(remove(inv810("005010"), "CUR*SE*USD"),
                                  "N4*GROVEPORT*OH*43125*US", "CUR*SE*USD")),
    ["ak304:7:CUR@11/N1"],
    "CUR (currency) sent after the N1 loops; its place is right after BIG", "AK304 7")

# 3. AK403 element errors
add("ak403-1-beg03-po-number-missing-850-004010.edi",
    single("004010", "850", replace(po850("004010"), "BEG*00*SA*4500012345**20261118",
                                    "BEG*00*SA***20261118")),
    ["ak403:1:BEG03@2"],
    "BEG03 (purchase order number) empty", "AK304 8, AK403 1")
add("ak403-1-sn103-unit-missing-856-005010.edi",
    single("005010", "856", replace(asn856("005010"), "SN1**12*CA", "SN1**12")),
    ["ak403:1:SN103@27"],
    "SN1 ends after the quantity: SN103 (unit of measure) missing", "AK304 8, AK403 1")

add("ak403-2-n104-missing-p0304-850-004010.edi",
    single("004010", "850", replace(po850("004010"), "N1*ST*BIGRETAIL DC 12*92*0012",
                                    "N1*ST*BIGRETAIL DC 12*92")),
    ["ak403:2:N104@17"],
    "ship-to N1 has the code qualifier N103 but no code N104 (syntax note P0304)",
    "AK304 8, AK403 2")
add("ak403-2-po102-missing-c0302-850-005010.edi",
    single("005010", "850", replace(po850("005010"), "PO1*2*12*CA*41.50**UP*012345678912*VN*AC-200",
                                    "PO1*2**CA*41.50**UP*012345678912*VN*AC-200")),
    ["ak403:2:PO102@23"],
    "PO1 has a unit of measure (PO103) but no quantity PO102 (syntax note C0302)",
    "AK304 8, AK403 2")
add("ak403-2-ref02-ref03-missing-r0203-810-004010.edi",
    single("004010", "810", replace(inv810("004010"), "REF*DP*042", "REF*DP")),
    ["ak403:2:REF02@5"],
    "REF with a qualifier but neither REF02 nor REF03 (syntax note R0203)",
    "AK304 8, AK403 2")

add("ak403-2-rmr02-missing-p0102-820-005010.edi",
    single("005010", "820", replace(rem820("005010"), "RMR*IV*INV-88240**250.00*262.50*12.50",
                                    "RMR*IV***250.00*262.50*12.50")),
    ["ak403:2:RMR02@12"],
    "second RMR has the qualifier IV but no invoice number RMR02 (syntax note P0102)",
    "AK304 8, AK403 2")

add("ak403-3-n107-too-many-elements-850-004010.edi",
    single("004010", "850", replace(po850("004010"), "N1*ST*BIGRETAIL DC 12*92*0012",
                                    "N1*ST*BIGRETAIL DC 12*92*0012***GROVEPORT OH")),
    ["ak403:3:N107@17"],
    "ship-to N1 carries a seventh element; N1 has six", "AK304 8, AK403 3")
add("ak403-3-tds05-too-many-elements-810-005010.edi",
    single("005010", "810", replace(inv810("005010"), "TDS*60600*58800", "TDS*60600*58800***60600")),
    ["ak403:3:TDS05@19"],
    "TDS carries a fifth amount; TDS has four elements", "AK304 8, AK403 3")

add("ak403-4-dtm01-leading-zeros-dropped-850-004010.edi",
    single("004010", "850", replace(po850("004010"), "DTM*002*20261204", "DTM*2*20261204")),
    ["ak403:4:DTM01@9"],
    "DTM01 sent as 2 instead of 002 (leading zeros dropped); 374 is 3/3", "AK304 8, AK403 4")
add("ak403-4-td101-packaging-code-too-short-856-005010.edi",
    single("005010", "856", replace(asn856("005010"), "TD1*CTN25*2****G*48.6*LB",
                                    "TD1*CT*2****G*48.6*LB")),
    ["ak403:4:TD101@5"],
    "TD101 packaging code CT (2 characters; element 103 is 3/5)", "AK304 8, AK403 4")

add("ak403-5-n402-state-spelled-out-850-004010.edi",
    single("004010", "850", replace(po850("004010"), "N4*GROVEPORT*OH*43125*US",
                                    "N4*GROVEPORT*OHIO*43125*US")),
    ["ak403:5:N402@19"],
    "N402 state spelled out (OHIO); element 156 is 2/2", "AK304 8, AK403 5")
add("ak403-5-big02-invoice-number-too-long-810-005010.edi",
    single("005010", "810", replace(inv810("005010"), "BIG*20261120*INV-88213*20261118*4500012345",
                                    "BIG*20261120*INV-2026-11-20-000088213*20261118*4500012345")),
    ["ak403:5:BIG02@2"],
    "BIG02 invoice number of 24 characters; element 76 is 1/22", "AK304 8, AK403 5")

add("ak403-6-control-byte-in-pid05-850-004010.edi",
    single("004010", "850", replace(po850("004010"), "PID*F****GADGET CASE OF 12",
                                    "PID*F****GADGET\x07CASE OF 12")),
    ["ak403:6:PID05@24"],
    "PID05 description contains a BEL control byte (0x07)", "AK304 8, AK403 6")
add("ak403-6-letter-in-quantity-po102-850-004010.edi",
    single("004010", "850", replace(po850("004010"), "PO1*2*12*CA*41.50**UP*012345678912*VN*AC-200",
                                    "PO1*2*1Z*CA*41.50**UP*012345678912*VN*AC-200")),
    ["ak403:6:PO102@23"],
    "PO102 quantity 1Z (letter in an R element)", "AK304 8, AK403 6")
add("ak403-6-decimal-point-in-tds01-810-005010.edi",
    single("005010", "810", replace(inv810("005010"), "TDS*60600*58800", "TDS*606.00")),
    ["ak403:6:TDS01@19"],
    "TDS01 total sent with a decimal point (606.00); TDS01 is N2 (implied decimals)",
    "AK304 8, AK403 6")
add("ak403-6-control-byte-in-n301-856-005010.edi",
    single("005010", "856", replace(asn856("005010"), "N3*1200 INDUSTRIAL PKWY",
                                    "N3*1200 INDUSTRIAL PKWY\x09")),
    ["ak403:6:N301@13"],
    "N301 address ends with a TAB control byte (0x09)", "AK304 8, AK403 6")

add("ak403-6-spaces-only-n301-850-004010.edi",
    single("004010", "850", replace(po850("004010"), "N3*400 DISTRIBUTION WAY", "N3*   ")),
    ["ak403:6:N301@18"],
    "ship-to N301 address holds only three spaces (X12.6 3.5.1.4: a string element "
    "holds at least one character that is not a space)", "AK304 8, AK403 6")


def caret_in_4010_group():
    _control[0] += 1
    n = _control[0]
    body = replace(po850("004010"), "REF*DP*042", "REF*DP*042^043")
    group = Group("PO", "004010", 1000 + n, [Set("850", "%04d" % n, body)])
    return render([Interchange("00501", 100000000 + n, [group], RETAIL, SUPPLIER)])


add("ak403-6-caret-in-004010-group-of-00501-interchange.edi", caret_in_4010_group(),
    ["ak403:6:REF02@4"],
    "004010 group inside an 00501 interchange (ISA11 ^): REF02 holds 042^043, a repetition "
    "separator in a version without repeating elements (the 004010 997 has no code 12; "
    "6, invalid character, is what 004010 has for a delimiter inside an element)",
    "AK304 8, AK403 6")

add("ak403-7-beg01-invalid-purpose-code-850-004010.edi",
    single("004010", "850", replace(po850("004010"), "BEG*00*SA*4500012345**20261118",
                                    "BEG*OO*SA*4500012345**20261118")),
    ["ak403:7:BEG01@2"],
    "BEG01 purpose code OO (letters) instead of 00; 353 is a complete list in 004010",
    "AK304 8, AK403 7")
add("ak403-7-bpr05-payment-format-ach-820-004010.edi",
    single("004010", "820", replace(rem820("004010"), "BPR*C*856.00*C*ACH*CTX*01*041000124*DA*1234567890*1311234567**01*044000037*DA*9876543210*20261201",
           "BPR*C*856.00*C*ACH*ACH*01*041000124*DA*1234567890*1311234567**01*044000037*DA*9876543210*20261201")),
    ["ak403:7:BPR05@2"],
    "BPR05 payment format ACH (the payment method repeated) instead of CTX; 812 is a "
    "complete list in 004010", "AK304 8, AK403 7")
add("ak403-7-ak501-p-for-set-997-005010.edi",
    single("005010", "997", replace(fa997("005010"), "AK5*R*5", "AK5*P*5")),
    ["ak403:7:AK501@8"],
    "AK501 P (a group-level code of 715) for a transaction set; 717 has no P",
    "AK304 8, AK403 7")
add("ak403-7-hl04-invalid-child-code-856-005010.edi",
    single("005010", "856", replace(asn856("005010"), "HL*2*1*O*1", "HL*2*1*O*Y")),
    ["ak403:7:HL04@15"],
    "HL04 child code Y instead of 1 (736 allows 0 and 1)", "AK304 8, AK403 7")
add("ak403-7-hl02-unknown-parent-856-004010.edi",
    single("004010", "856", replace(asn856("004010"), "HL*7*5*I*0", "HL*7*8*I*0")),
    ["ak403:7:HL02@29"],
    "broken HL hierarchy: item HL 7 names parent 8, which does not exist", "AK304 8, AK403 7")
add("ak403-7-hl02-unknown-parent-856-005010.edi",
    single("005010", "856", replace(asn856("005010"), "HL*7*5*I*0", "HL*7*50*I*0")),
    ["ak403:7:HL02@29"],
    "broken HL hierarchy: item HL 7 names parent 50, which does not exist (typo for 5)",
    "AK304 8, AK403 7")

add("ak403-8-invalid-date-beg05-850-004010.edi",
    single("004010", "850", replace(po850("004010"), "BEG*00*SA*4500012345**20261118",
                                    "BEG*00*SA*4500012345**20261131")),
    ["ak403:8:BEG05@2"],
    "BEG05 order date 20261131 (November has 30 days)", "AK304 8, AK403 8")
add("ak403-8-invalid-date-dtm02-810-005010.edi",
    single("005010", "810", replace(inv810("005010"), "DTM*011*20261119", "DTM*011*20260229")),
    ["ak403:8:DTM02@13"],
    "DTM02 ship date 20260229 (2026 is not a leap year)", "AK304 8, AK403 8")

add("ak403-9-invalid-time-bsn04-856-004010.edi",
    single("004010", "856", replace(asn856("004010"), "BSN*00*SHP-20261119-01*20261119*1430*0001",
                                    "BSN*00*SHP-20261119-01*20261119*2530*0001")),
    ["ak403:9:BSN04@2"],
    "BSN04 time 2530 (hour 25)", "AK304 8, AK403 9")
add("ak403-9-invalid-time-dtm03-856-005010.edi",
    single("005010", "856", replace(asn856("005010"), "DTM*011*20261119*1430", "DTM*011*20261119*1467")),
    ["ak403:9:DTM03@3"],
    "DTM03 ship time 1467 (minute 67)", "AK304 8, AK403 9")

add("ak403-10-exclusion-e0110-td3-856-004010.edi",
    single("004010", "856", after(asn856("004010"), "TD5*B*2*RDWY*M*ROADWAY",
                                  "TD3*TL*RDWY*531778*******4500")),
    ["ak403:10:TD310@7"],
    "TD3 carries both TD301 (equipment description) and TD310 (equipment type): "
    "syntax note E0110", "AK304 8, AK403 10")
add("ak403-10-exclusion-e0207-n4-850-005010.edi",
    single("005010", "850", replace(po850("005010"), "N4*GROVEPORT*OH*43125*US",
                                    "N4*GROVEPORT*OH*43125*US***OH")),
    ["ak403:10:N407@19"],
    "ship-to N4 carries both N402 (state) and N407 (country subdivision): syntax note E0207",
    "AK304 8, AK403 10")

add("ak403-12-ref02-repeated-850-005010.edi",
    single("005010", "850", replace(po850("005010"), "REF*DP*042", "REF*DP*042^043")),
    ["ak403:12:REF02r2@4"],
    "REF02 sent twice with the repetition separator (042^043); REF02 does not repeat",
    "AK304 8, AK403 12")
add("ak403-13-component-separator-in-pid05-850-005010.edi",
    single("005010", "850", replace(po850("005010"), "PID*F****WIDGET HOOK SET",
                                    "PID*F****WIDGET HOOK SET 2>4 IN")),
    ["ak403:13:PID05@26"],
    "PID05 description contains the component separator (2>4 IN); PID05 is a simple element",
    "AK304 8, AK403 13")
add("ak403-13-ref04-too-many-components-810-005010.edi",
    single("005010", "810", replace(inv810("005010"), "REF*DP*042",
                                    "REF*DP*042**PO>4500012345>VN>77120>IA>77120>0012")),
    ["ak403:13:REF04-7@5"],
    "REF04 (composite C040, six components) carries a seventh", "AK304 8, AK403 13")


# 4. set and group level
def po855():
    return [
        "BAK*00*AD*4500012345*20261118",
        "N1*ST*BIGRETAIL DC 12*92*0012",
        "PO1*1*24*EA*3.75**UP*012345678905*VN*AC-100",
        "ACK*IA*24*EA*068*20261204",
        "CTT*1*24",
    ]


add("ak502-1-unsupported-855-pr-group-004010.edi",
    single("004010", "855", po855()),
    ["ak905:1", "ak502:1"],
    "855 purchase order acknowledgment in a PR group: neither set nor group supported",
    "AK502 1, AK905 1")
add("ak502-1-unsupported-999-in-fa-group-005010.edi",
    single("005010", "999", [
        "AK1*IN*1043*005010",
        "AK2*810*0043*005010",
        "IK5*A",
        "AK9*A*1*1*1",
    ]),
    ["ak502:1"],
    "999 implementation acknowledgment in an FA group (the group is supported, the set is not)",
    "AK502 1")
add("ak905-2-unsupported-version-003040.edi",
    single("003040", "850", [
        "BEG*00*SA*4500012345**261118",
        "DTM*002*261204",
        "N1*ST*BIGRETAIL DC 12*92*0012",
        "PO1*1*24*EA*3.75**UP*012345678905*VN*AC-100",
        "CTT*1",
    ], gs_version="003040"),
    ["ak905:2", "ak502:1"],
    "850 in a 003040 group (GS08): version not supported", "AK905 2 (AK502 1)")
add("ak905-1-unsupported-group-sc-832-004010.edi",
    single("004010", "832", [
        "BCT*PC*2027-SPRING*01",
        "DTM*007*20270101",
        "N1*VN*ACME SUPPLY CO*92*77120",
        "LIN**UP*012345678905*VN*AC-100",
        "PID*F****BLUE WIDGET 4 INCH",
        "CTP**RES*7.99",
        "CTT*1",
    ]),
    ["ak905:1", "ak502:1"],
    "832 price/sales catalog in an SC group: functional group not supported",
    "AK905 1 (AK502 1)")


# set- and group-level envelope errors (the envelope checker's findings, AK502 / AK905)
def envelope(version, groups):
    """One interchange of the given groups: [(fid, gs06 or None, [(set id, body, st02 or
    None, se01 or None, se02 or None), ...]), ...]; None takes the next control number."""
    _control[0] += 1
    n = _control[0]
    out = []
    for fid, gs06, sets in groups:
        made = []
        for ident, body, st02, se01, se02 in sets:
            if st02 is None:
                st02 = "%04d" % (_control[0] % 10000)
                _control[0] += 1
            made.append(Set(ident, st02, body, se_count=se01, se_control=se02))
        if gs06 is None:
            gs06 = 1000 + _control[0]
            _control[0] += 1
        out.append(Group(fid, version, gs06, made))
    sender, receiver = PARTIES[groups[0][0]]
    return render([Interchange(ISA_VERSION[version], 100000000 + n, out, sender, receiver)])


def second_po(v):
    """A second purchase order of the same day, for files with two sets or groups."""
    return replace(replace(po850(v), "BEG*00*SA*4500012345**20261118",
                           "BEG*00*SA*4500012388**20261118"),
                   "N1*ST*BIGRETAIL DC 12*92*0012", "N1*ST*BIGRETAIL DC 14*92*0014")


add("ak905-19-duplicate-gs06-005010.edi",
    envelope("005010", [("PO", 4711, [("850", po850("005010"), None, None, None)]),
                        ("PO", 4711, [("850", second_po("005010"), None, None, None)])]),
    ["ak905:19"],
    "two PO groups with the same GS06 (4711) in one 00501 interchange: the second "
    "group's control number is not unique", "AK905 19")
add("ak905-6-duplicate-gs06-004010.edi",
    envelope("004010", [("PO", 4712, [("850", po850("004010"), None, None, None)]),
                        ("PO", 4712, [("850", second_po("004010"), None, None, None)])]),
    ["ak905:6"],
    "two PO groups with the same GS06 (4712) in one 00401 interchange; the 004010 997 has "
    "no code 19 for this (19 names a security segment there), so 6", "AK905 6")
add("ak905-6-gs06-not-numeric-004010.edi",
    envelope("004010", [("PO", "A1", [("850", po850("004010"), None, None, None)])]),
    ["ak905:6"],
    "GS06 (and GE02) A1: the group control number is N0 1/9", "AK905 6")

add("ak502-6-st01-not-numeric-850-004010.edi",
    envelope("004010", [("PO", None, [("85A", po850("004010"), None, None, None)])]),
    ["ak502:6"],
    "ST01 85A (a letter for the last digit of 850) in a PO group", "AK502 6")
add("ak502-7-st02-too-short-810-005010.edi",
    envelope("005010", [("IN", None, [("810", inv810("005010"), "12", None, None)])]),
    ["ak502:7"],
    "ST02 (and SE02) 12: the set control number is AN 4/9", "AK502 7")
add("ak502-23-duplicate-st02-850-005010.edi",
    envelope("005010", [("PO", None, [("850", po850("005010"), "0001", None, None),
                                      ("850", second_po("005010"), "0001", None, None)])]),
    ["ak502:23"],
    "two 850s with the same ST02 (0001) in one group: the second set's control number "
    "is not unique", "AK502 23")
add("ak502-3-se02-mismatch-856-004010.edi",
    envelope("004010", [("SH", None, [("856", asn856("004010"), "3021", None, "3012")])]),
    ["ak502:3"],
    "SE02 3012 for ST02 3021 (digits swapped)", "AK502 3")
add("ak502-4-se01-count-820-005010.edi",
    envelope("005010", [("RA", None, [("820", rem820("005010"), None,
                                       len(rem820("005010")) + 1, None)])]),
    ["ak502:4"],
    "SE01 one short (the sender did not count SE itself)", "AK502 4")


# 5. TA1 notes: one ISA field wrong, the rest of the interchange clean
def isa_wrong(version, set_id, isa):
    _control[0] += 1
    n = _control[0]
    fid = SET_GROUP[set_id]
    sender, receiver = PARTIES[fid]
    group = Group(fid, version, 1000 + n, [Set(set_id, "%04d" % (n % 10000), BASE[set_id](version))],
                  sender=sender, receiver=receiver)
    return render([Interchange(ISA_VERSION[version], 100000000 + n, [group], sender, receiver,
                               isa=isa)])


def element_separator_is_repetition_separator():
    """An 00501 interchange whose element separator is ^, its repetition separator (ISA11)
    too: the ISA keeps its fixed layout, so it can be answered, but the delimiters cannot
    be told apart."""
    text = isa_wrong("005010", "850", {}).decode("ascii")
    assert text[3] == "*" and text[82] == "^"
    return text.replace("*", "^").encode("ascii")


add("ta1-026-element-separator-same-as-repetition-separator-850-005010.edi",
    element_separator_is_repetition_separator(),
    ["ta105:026", "isa:error:delimiters_invalid"],
    "the element separator is ^, which ISA11 also declares as the repetition separator",
    "TA104 R, TA105 026")
add("ta1-005-isa05-one-character-qualifier-850-004010.edi",
    isa_wrong("004010", "850", {5: "Z "}),
    ["ta105:005", "isa:error:isa05_invalid"],
    "ISA05 (sender id qualifier) Z, one character (ZZ cut short)", "TA104 R, TA105 005")
add("ta1-006-isa06-sender-id-empty-850-005010.edi",
    isa_wrong("005010", "850", {6: " " * 15}),
    ["ta105:006", "isa:error:isa06_invalid"],
    "ISA06 (interchange sender id) all spaces; GS02 still names BIGRETAIL",
    "TA104 R, TA105 006")
add("ta1-007-isa07-receiver-qualifier-empty-810-004010.edi",
    isa_wrong("004010", "810", {7: "  "}),
    ["ta105:007", "isa:error:isa07_invalid"],
    "ISA07 (receiver id qualifier) two spaces", "TA104 R, TA105 007")
add("ta1-008-isa08-receiver-id-empty-856-005010.edi",
    isa_wrong("005010", "856", {8: " " * 15}),
    ["ta105:008", "isa:error:isa08_invalid"],
    "ISA08 (interchange receiver id) all spaces; GS03 still names BIGRETAIL",
    "TA104 R, TA105 008")
add("ta1-010-isa01-authorization-qualifier-99-850-004010.edi",
    isa_wrong("004010", "850", {1: "99"}),
    ["ta105:010", "isa:error:isa01_invalid"],
    "ISA01 (authorization information qualifier) 99; code list I01 has 00 to 06",
    "TA104 R, TA105 010")
add("ta1-012-isa03-security-qualifier-empty-820-004010.edi",
    isa_wrong("004010", "820", {3: "  "}),
    ["ta105:012", "isa:error:isa03_invalid"],
    "ISA03 (security information qualifier) two spaces; it is mandatory (00 for no "
    "security information)", "TA104 R, TA105 012")
add("ta1-017-isa12-version-0040a-850-004010.edi",
    isa_wrong("004010", "850", {12: "0040A"}),
    ["ta105:017", "isa:error:isa12_invalid"],
    "ISA12 (interchange control version) 0040A, not five digits", "TA104 R, TA105 017")
add("ta1-019-isa14-ack-requested-2-810-005010.edi",
    isa_wrong("005010", "810", {14: "2"}),
    ["ta105:019", "isa:error:isa14_invalid"],
    "ISA14 (acknowledgment requested) 2; only 0 and 1 are defined", "TA104 R, TA105 019")


# ---------------------------------------------------------------- output

# findings that come from the envelope checker, on which `edigate parse` exits 1
ENVELOPE = re.compile(r"^(ta105:|isa:error:|ak905:(3|4|5|6|19)$|ak502:(2|3|4|6|7|23)$)")


def parse_rc(path):
    return subprocess.run([BIN, "parse", path], capture_output=True).returncode


def signature(path):
    p = subprocess.run([BIN, "validate", "--json", path], capture_output=True)
    if p.returncode == 2:
        return p.returncode, ["unreadable"]
    doc = json.loads(p.stdout)
    out = []
    for i in doc["interchanges"]:
        if i["note"] != "000" or i["ack_code"] != "A":
            out.append("ta105:%s" % i["note"])
            if i["ack_code"] != "R":
                out.append("ta104:%s" % i["ack_code"])
        for f in i["findings"]:
            out.append("isa:%s:%s" % (f["severity"], f["problem"]))
            field = re.match(r"isa(\d\d)_", f["problem"])
            if field and "ISA" + field.group(1) not in f["message"]:
                out.append("isa-message-does-not-name-ISA%s" % field.group(1))
        for g in i["groups"]:
            out += ["ak905:%s" % c for c in g["error_codes"]]
            for t in g["transactions"]:
                out += ["ak502:%s" % c for c in t["error_codes"] if c != "5"]
                for f in t["findings"]:
                    sev = "" if f["severity"] == "error" else "warning:"
                    if f["level"] == "segment":
                        loop = "/%s" % f["loop"] if f["loop"] else ""
                        out.append("%sak304:%s:%s@%d%s" % (sev, f["code"], f["segment"],
                                                           f["position"], loop))
                    else:
                        place = "%s%02d" % (f["segment"], f["element"])
                        if f["component"] is not None:
                            place += "-%d" % f["component"]
                        if f["repetition"] is not None:
                            place += "r%d" % f["repetition"]
                        out.append("%sak403:%s:%s@%d" % (sev, f["code"], place, f["position"]))
    return p.returncode, out


README_HEAD = """\
# `samples/validate/` — one problem per file

Small, realistic X12 files for `edigate validate` and `edigate ack`: BIGRETAIL (the
retailer, `ZZ*BIGRETAIL`) buys from ACMESUPPLY (the supplier, `ZZ*ACMESUPPLY`) — purchase
orders (850), invoices (810), ship notices (856), remittance advices (820) and functional
acknowledgments (997), in 004010 and 005010. Every `ok-*` file must validate with no finding
at all (not even a warning) and exit 0; every other file holds exactly one deliberate problem
and must report exactly the findings listed below and nothing else (exit 1). Envelopes are
sound (`edigate parse` exits 0) except where the one problem is an envelope error: the
`ta1-*` files (one ISA field wrong, kept at the ISA's fixed 106-byte layout) and the
`ak502-*` / `ak905-*` files about control numbers, ST01 and SE01 (`edigate parse` exits 1).
004010 files use ISA12 00401 with ISA11 `U`, 005010 files ISA12 00501 with ISA11 `^`; ISA16
is `>`, segments end with `~` and a newline.

File names: `<code-kind>-<code>-<slug>.edi` (`ak304-3-...`, `ak403-8-...`, `ak502-1-...`,
`ak905-2-...`, `ta1-005-...` for TA105 note 005), or `ok-<set>-<version>.edi` for clean
documents.

The files are written by `generate.py` (envelope counts and control numbers are computed
there, so edit the documents in it, not the `.edi` files, then rerun it):

    python3 samples/validate/generate.py            # rewrite the .edi files and this README
    python3 samples/validate/generate.py --check    # and compare `edigate validate --json`
                                                    # and `edigate parse`'s exit status
                                                    # (target/release/edigate) with the table

Expected findings, as `--check` prints them:
`ak304:<AK304>:<segment>@<AK302>[/<AK303>]` for a segment error (AK303, the loop, when
edigate names one: the innermost loop open at that point, or the missing or repeated loop),
`ak403:<AK403>:<segment><element>[-<component>][r<repetition>]@<AK302>` for an element error
(the 997 reports its segment with AK304 8), `ak502:<code>` for set-level codes other than 5
(which every set with findings also gets), `ak905:<code>` for group-level codes,
`ta105:<note>` for an interchange rejected with a TA1 (TA104 R, TA105 the note; `edigate
validate --json` shows them as the interchange's `ack_code` and `note`) and
`isa:<severity>:<problem>` for each interchange-level finding (`--check` also makes sure its
message names the ISA field). `--check` also runs `edigate parse` on every file and expects
exit 1 exactly where the findings include an envelope error.
Files marked **(disagrees)** show the standard's expectation; edigate reports something else,
explained at the end.

| File | Problem | Expected codes | Expected findings |
|---|---|---|---|
"""


def readme():
    lines = [README_HEAD]
    for f in FILES:
        mark = " **(disagrees)**" if f["note"] else ""
        found = ", ".join("`%s`" % e for e in f["expect"]) or "none"
        lines.append("| `%s` | %s%s | %s | %s |\n" % (
            f["name"], f["problem"].replace("|", "\\|"), mark, f["codes"], found))
    lines.append(README_TAIL)
    for f in FILES:
        if f["note"]:
            got = ", ".join("`%s`" % e for e in f["current"]) or "nothing (all is accepted)"
            lines.append("- `%s`: edigate reports %s. %s.\n" % (f["name"], got, f["note"]))
    lines.append(README_OTHER)
    return "".join(lines)


README_TAIL = """
## Where edigate (or its specs) disagrees with the standard

These files keep the standard's expectation; `--check` pins what edigate reports today, so a
fix shows up as a difference.

"""

README_OTHER = """
Seen while building the corpus, shown by files above but not changing their expected
findings:

- `edigate ack` on `ak905-2-unsupported-version-003040.edi` answers in a 003040 group; its
  GS04 was written CCYYMMDD, which 003040 does not allow (fixed: YYMMDD before 004000).
- Too many components in a composite gave one AK4 per extra component (fixed: one, as for
  too many elements).
- HL hierarchy errors (HL02 naming no earlier HL, duplicate HL01, HL04 `1` without children)
  are reported as AK403 7 (invalid code value) on the AN elements 628/734 or on HL04. The 997
  has no code for hierarchy errors, so this is a convention rather than the standard's word.
- AK404 for an invalid character carries an escaped text (`GADGET\\x07CASE OF 12`,
  `1200 INDUSTRIAL PKWY\\t`), not a copy of the element; the control byte cannot be sent, so
  this is a reasonable choice, but it is not the data received. Likewise
  `ak403-6-caret-in-004010-group-of-00501-interchange.edi` gets `AK4*2*127*6*042043`: the
  caret (the reply's own repetition separator) is dropped from the copy without a word.
- A group rejected for its GS06 (`ak905-19-duplicate-gs06-005010.edi`,
  `ak905-6-duplicate-gs06-004010.edi`, `ak905-6-gs06-not-numeric-004010.edi`) gets
  `AK9*R*1*1*0*<code>`, and its sets `AK5*R` (fixed after this was noted: they were answered
  `AK5*A`, contradicting AK904 0).
- `edigate parse` labels the repeated GS06 of `ak905-6-duplicate-gs06-004010.edi` `AK905=19`
  (the 005010 code); `validate` and `ack` rightly answer 6 in that 004010 group, where 19 is
  "S1E Security End Segment Missing for S1S Security Start Segment".
- `edigate ack` copies malformed control numbers into the 997, as it must acknowledge what
  it received, but the result fails edigate's own validation: `AK1*PO*A1`
  (`ak905-6-gs06-not-numeric-004010.edi`, AK102 is N0: AK403 6) and `AK2*810*12`
  (`ak502-7-st02-too-short-810-005010.edi`, AK202 is AN 4/9: AK403 4).
- ST01 `85A` (`ak502-6-st01-not-numeric-850-004010.edi`) got AK502 1 (not supported) next to
  6; it now gets 6 alone. ISA01 `99` (`ta1-010-...`) was accepted; ISA01 and ISA03 are now
  checked against their code lists (I01 00-06, I03 00 and 01).
- The TA1 reply is addressed back with the very ISA fields it rejects: for
  `ta1-005-isa05-one-character-qualifier-850-004010.edi` its ISA07 is `Z ` (the received
  ISA05), and `edigate parse` of that TA1 reports `isa07_invalid` (TA105 007); with ISA06 or
  ISA08 empty the reply's ISA08 or ISA06 is empty. There may be nothing better to send to,
  but the reply is itself an interchange edigate would reject.
"""


def main():
    names = set()
    for f in FILES:
        assert f["name"] not in names, f["name"]
        names.add(f["name"])
        with open(os.path.join(HERE, f["name"]), "wb") as out:
            out.write(f["content"])
    with open(os.path.join(HERE, "README.md"), "w") as out:
        out.write(readme())
    if "--check" in sys.argv:
        bad = 0
        for f in FILES:
            rc, got = signature(os.path.join(HERE, f["name"]))
            want = f["expect"]
            if f["note"]:
                want = f["current"]
                print("NOTE %-60s standard %s, edigate %s" % (f["name"], f["expect"], got))
            ok = sorted(got) == sorted(want) and rc == (0 if not want else 1)
            if not ok:
                bad += 1
                print("FAIL %-60s rc=%d expected %s, got %s" % (f["name"], rc, want, got))
            prc = parse_rc(os.path.join(HERE, f["name"]))
            want_prc = 1 if any(ENVELOPE.match(e) for e in want) else 0
            if prc != want_prc:
                bad += 1
                print("FAIL %-60s edigate parse exits %d, expected %d" % (f["name"], prc, want_prc))
        print("%d files, %d unexpected" % (len(FILES), bad))


if __name__ == "__main__":
    main()
