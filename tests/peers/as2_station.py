"""An AS2 (RFC 4130) trading partner built on pyas2lib, for edigate's AS2 tests.

The Rust tests run it at the other end of loopback HTTP: `serve` receives AS2 messages (and
answers them with MDNs) and asynchronous MDNs; `send` sends one message and reports its MDN.
Both read the station's set-up from a JSON file and write what happened to its store folder.

Commands

    as2_station.py serve --config C [--port 0]
        Listens on 127.0.0.1 (port 0: any free port), prints `LISTENING <port>` on stdout
        once bound and runs until killed. A POST whose body is a multipart/report (bare or
        inside a multipart/signed) is taken as an asynchronous MDN, anything else as an AS2
        message. A message's MDN goes back in the HTTP answer when a synchronous one was asked,
        else the answer is an empty 200 and the MDN is posted to the Receipt-Delivery-Option
        URL from a thread.

    as2_station.py send --config C --url URL --payload FILE [--message-id ID] [--mdn-url URL] [--ca PEM]
                        [--timeout S] [--tamper]
        Builds one message of FILE's bytes, POSTs it to URL (with a Content-Length, never
        chunked) and prints one JSON line on stdout:
            {"message_id", "http_status", "mdn_status", "mdn_detailed_status", "mic_ok",
             "mdn_signed", "mic", "mdn_mic", "error"}
        mdn_status and mdn_detailed_status are what pyas2lib's Mdn.parse says: "processed",
        "processed/warning" (pyas2lib found the MIC different), the MDN's disposition type
        and modifier as written (pyas2lib's own: "processed/Error", "authentication-failed"),
        or "failed/Failure" when the MDN could not be read or verified. They, mic_ok and
        mdn_signed are null when no synchronous MDN was asked (for an asynchronous one, wait
        for the `serve` process's mdns.jsonl). mic is the MIC pyas2lib
        computed ("<base64>, <alg>", null for an unsigned message), mdn_mic the MDN's
        Received-Content-MIC as written. mic_ok: true when mdn_mic equals the MIC of the
        signed content in the algorithm mdn_mic names (RFC 4130 7.3.1 lets the receiver use
        the MDN's signed-receipt-micalg rather than the signature's), false when it does not,
        null when either side has none. error: null, or "HTTP <status>: <start of the answer>"
        for an answer that is not 2xx.
        --message-id ID sends with Message-ID <ID> (angle brackets optional): pyas2lib's own
        message_id argument would append "@<domain>", so the built header is replaced instead;
        nothing signed covers it. --mdn-url overrides partner.mdn_url. --tamper flips one bit
        after signing and before encrypting, in the middle of the signed entity's body (the
        receiver decrypts fine and must find the signature wrong); in an unsigned message, in
        the middle of what would be encrypted or sent (which no receiver can detect).

    Exit status 0 whenever the exchange happened, negative MDN or HTTP error included; 1 when
    the station itself failed (configuration, files, connection, timeout), the reason on
    stderr; 2 for bad arguments.

Configuration (JSON; relative paths are taken from the configuration file's folder)

    store_dir              folder for the files below; made when missing
    our.as2_name           our AS2 name: AS2-From when sending, the AS2-To accepted
    our.key_pem            our private key, PEM (PKCS#8 or PKCS#1, encrypted or not)
    our.cert_pem           our certificate, PEM; the key signs and decrypts
    our.key_pass           pass phrase of key_pem (default null)
    our.domain             right side of the Message-IDs pyas2lib makes (default "localhost";
                           pyas2lib's own default asks DNS for this host's name)
    partner.as2_name       their AS2 name
    partner.cert_pem       their certificate, PEM: verifies their signatures, encrypts to them
    partner.validate_certs let pyas2lib check cert_pem (validity dates...) (default false)
    partner.sign           sign what we send AND refuse what they send unsigned (default false)
    partner.encrypt        the same for encryption (default false)
    partner.compress       compress what we send, before signing (default false)
    partner.digest_alg     md5 sha1 sha224 sha256 sha384 sha512 (default "sha256")
    partner.enc_alg        tripledes_192_cbc rc2_128_cbc rc4_128_cbc aes_128_cbc aes_192_cbc
                           aes_256_cbc (default "aes_128_cbc")
    partner.sign_alg       rsassa_pkcs1v15 or rsassa_pss (default "rsassa_pkcs1v15")
    partner.mdn_mode       "SYNC", "ASYNC" or null for no MDN (default null)
    partner.mdn_digest_alg algorithm asked for a signed MDN; null asks an unsigned one
    partner.mdn_url        ASYNC: our Receipt-Delivery-Option, i.e. this station's `serve` URL
    partner.content_type   of the payload (default "application/edi-x12")
    partner.subject        (default "AS2 Message")

Store files (JSON lines, each written whole by one write: a line ending in a newline is complete)

    received.jsonl   serve, one per AS2 message: {"message_id", "as2_from", "as2_to",
                     "status" ("processed", "warning" for a duplicate, "error"), "disposition"
                     (pyas2lib's, e.g. "processed/Error"), "detailed_status" (e.g.
                     "authentication-failed"), "exception", "payload_file" (absolute path of
                     payload-N.bin, written before the line; null unless processed),
                     "content_type", "signed", "encrypted", "compressed", "mic", "digest_alg",
                     "enc_alg" (read from the envelope), "mdn" ("SYNC", "ASYNC", null),
                     "mdn_signed"}
                     A Message-ID already processed (since the store was made) is a duplicate.
    mdns.jsonl       serve, one per asynchronous MDN: {"message_id" (the original's),
                     "status", "detailed_status", "mic_ok", "mdn_mic", "mdn_signed"}, as for send
    mdns_sent.jsonl  serve, one per asynchronous MDN delivered: {"message_id" (the original's),
                     "url", "http_status", "error"}
    sent.jsonl       send, one per message, written before posting it, for `serve` to check
                     the asynchronous MDN answering it: {"message_id", "mic" (pyas2lib's),
                     "mdn_digest_alg", "mics" (MIC of the signed entity in every algorithm)}
"""

import argparse
import binascii
import dataclasses
import email
import hashlib
import http.client
import http.server
import json
import os
import ssl
import sys
import threading
import traceback
import urllib.parse

from asn1crypto import cms
import pyas2lib
import pyas2lib.as2
from pyas2lib.exceptions import AS2Exception, ImproperlyConfigured

OUR_FIELDS = {
    "as2_name": None,
    "key_pem": None,
    "cert_pem": None,
    "key_pass": None,
    "domain": "localhost",
}
PARTNER_FIELDS = {
    "as2_name": None,
    "cert_pem": None,
    "validate_certs": False,
    "sign": False,
    "encrypt": False,
    "compress": False,
    "digest_alg": "sha256",
    "enc_alg": "aes_128_cbc",
    "sign_alg": "rsassa_pkcs1v15",
    "mdn_mode": None,
    "mdn_digest_alg": None,
    "mdn_url": None,
    "content_type": "application/edi-x12",
    "subject": "AS2 Message",
}
REQUIRED = {"as2_name", "key_pem", "cert_pem"}

# asn1crypto's names of content-encryption algorithms, as the configuration spells them
# (pyas2lib names a received message's cipher only for 3DES).
CIPHER_NAMES = {
    "tripledes_3key": "tripledes_192_cbc",
    "aes128_cbc": "aes_128_cbc",
    "aes192_cbc": "aes_192_cbc",
    "aes256_cbc": "aes_256_cbc",
}


class StationError(Exception):
    """A failure of the station itself, as opposed to a failed exchange."""


def settings(section, name, defaults):
    if not isinstance(section, dict):
        raise StationError(f"{name}: must be an object")
    unknown = sorted(set(section) - set(defaults))
    if unknown:
        raise StationError(f"{name}: unknown fields {unknown}")
    missing = sorted(k for k in REQUIRED & set(defaults) if not section.get(k))
    if missing:
        raise StationError(f"{name}: missing fields {missing}")
    return {**defaults, **section}


class Station:
    def __init__(self, config_path):
        with open(config_path, encoding="utf-8") as f:
            config = json.load(f)
        if not isinstance(config, dict) or set(config) != {"our", "partner", "store_dir"}:
            raise StationError(f"{config_path}: must hold exactly our, partner and store_dir")
        base = os.path.dirname(os.path.abspath(config_path))

        def read(path):
            with open(os.path.join(base, path), "rb") as f:
                return f.read()

        our = settings(config["our"], "our", OUR_FIELDS)
        partner = settings(config["partner"], "partner", PARTNER_FIELDS)
        # pyas2lib wants the key and its certificate in one PKCS#12 or PEM bundle.
        key = read(our["key_pem"]) + b"\n" + read(our["cert_pem"])
        self.org = pyas2lib.Organization(
            as2_name=our["as2_name"],
            sign_key=key,
            sign_key_pass=our["key_pass"],
            decrypt_key=key,
            decrypt_key_pass=our["key_pass"],
            mdn_url=partner["mdn_url"],
            domain=our["domain"],
        )
        cert = read(partner["cert_pem"])
        self.partner = pyas2lib.Partner(
            as2_name=partner["as2_name"],
            verify_cert=cert,
            encrypt_cert=cert,
            validate_certs=partner["validate_certs"],
            sign=partner["sign"],
            encrypt=partner["encrypt"],
            compress=partner["compress"],
            digest_alg=partner["digest_alg"],
            enc_alg=partner["enc_alg"],
            sign_alg=partner["sign_alg"],
            mdn_mode=partner["mdn_mode"],
            mdn_digest_alg=partner["mdn_digest_alg"],
        )
        self.content_type = partner["content_type"]
        self.subject = partner["subject"]
        self.store = os.path.join(base, config["store_dir"])
        os.makedirs(self.store, exist_ok=True)
        # Reentrant: receive_message appends while holding it for its payload-N numbering.
        self.lock = threading.RLock()
        received = self.records("received.jsonl")
        self.received = len(received)
        self.processed = {r["message_id"] for r in received if r["status"] == "processed"}

    def records(self, name):
        try:
            with open(os.path.join(self.store, name), encoding="utf-8") as f:
                return [json.loads(line) for line in f if line.endswith("\n")]
        except FileNotFoundError:
            return []

    def append(self, name, record):
        with self.lock, open(os.path.join(self.store, name), "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")

    def find_org(self, as2_name):
        return self.org if as2_name == self.org.as2_name else None

    def find_partner(self, as2_name):
        return self.partner if as2_name == self.partner.as2_name else None

    def is_duplicate(self, message_id, _partner):
        return message_id in self.processed

    def find_sent(self, message_id):
        # Read afresh each time: `send` processes write the file while `serve` runs.
        matches = [r for r in self.records("sent.jsonl") if r["message_id"] == message_id]
        return matches[-1] if matches else None

    def receive_message(self, raw):
        """Parses one AS2 message, records it and returns pyas2lib's MDN (None if not asked)."""
        message = pyas2lib.Message()
        status, (error, _), mdn = message.parse(
            raw,
            find_org_cb=self.find_org,
            find_partner_cb=self.find_partner,
            find_message_cb=self.is_duplicate,
        )
        processed = status == "processed"
        if processed:
            outcome = "processed"
        elif status.lower() == "processed/warning":
            outcome = "warning"
        else:
            outcome = "error"
        # As pyas2lib words it in the MDN.
        detailed_status = getattr(error, "disposition_modifier", "unexpected-processing-error")
        with self.lock:
            self.received += 1
            payload_file = None
            if processed:
                payload_file = os.path.join(self.store, f"payload-{self.received}.bin")
                with open(payload_file, "wb") as f:
                    f.write(message.content)
                self.processed.add(message.message_id)
            self.append(
                "received.jsonl",
                {
                    "message_id": message.message_id,
                    "as2_from": message.payload.get("as2-from"),
                    "as2_to": message.payload.get("as2-to"),
                    "status": outcome,
                    "disposition": status,
                    "detailed_status": None if error is None else detailed_status,
                    "exception": None if error is None else f"{type(error).__name__}: {error}",
                    "payload_file": payload_file,
                    "content_type": message.payload.get_content_type() if processed else None,
                    "signed": message.signed,
                    "encrypted": message.encrypted,
                    "compressed": message.compressed,
                    "mic": message.mic.decode() if message.mic else None,
                    "digest_alg": message.digest_alg,
                    "enc_alg": cipher_name(raw) if message.encrypted else None,
                    "mdn": mdn.mdn_mode if mdn else None,
                    "mdn_signed": bool(mdn) and is_signed(mdn.payload),
                },
            )
        return mdn

    def receive_mdn(self, raw):
        self.append("mdns.jsonl", read_mdn(self, raw, self.find_sent))

    def deliver_mdn(self, mdn):
        status, error = None, None
        try:
            status, _, answer = post(mdn.mdn_url, mdn.headers, mdn.content, 30)
            error = http_error(status, answer)
        except (StationError, OSError, http.client.HTTPException) as e:
            error = f"{type(e).__name__}: {e}"
        self.append(
            "mdns_sent.jsonl",
            {
                "message_id": mdn.orig_message_id,
                "url": mdn.mdn_url,
                "http_status": status,
                "error": error,
            },
        )


def cipher_name(raw):
    try:
        envelope = cms.ContentInfo.load(email.message_from_bytes(raw).get_payload(decode=True))
        cipher = envelope["content"]["encrypted_content_info"]["content_encryption_algorithm"]
        name = cipher["algorithm"].native
    except (ValueError, TypeError, KeyError):
        return None
    return CIPHER_NAMES.get(name, name)


def received_mic(mime):
    for part in mime.walk():
        if part.get_content_type() == "message/disposition-notification":
            for fields in part.get_payload():
                if fields.get("Received-Content-MIC"):
                    return fields["Received-Content-MIC"].strip()
    return None


def read_mdn(station, raw, find_sent):
    """Checks an MDN (HTTP headers and body) with pyas2lib against the sent.jsonl record of
    the message it answers, found by find_sent(message_id)."""
    found = []

    def find_message(message_id, _recipient):
        record = find_sent(message_id)
        if record is None:
            return None
        found.append(record)
        # What Mdn.parse consults: the MDN signature asked for, the MIC and the partner's cert.
        partner = dataclasses.replace(station.partner, mdn_digest_alg=record["mdn_digest_alg"])
        message = pyas2lib.Message(station.org, partner)
        message.message_id = message_id
        message.mic = record["mic"].encode() if record["mic"] else None
        return message

    mdn = pyas2lib.Mdn()
    status, detailed_status = mdn.parse(raw, find_message)
    mime = email.message_from_bytes(raw)
    mdn_mic = received_mic(mime)
    mic_ok = None
    if found and found[0]["mics"] and mdn_mic:
        value, _, alg = mdn_mic.partition(",")
        mic_ok = found[0]["mics"].get(alg.strip().lower().replace("-", "")) == value.strip()
    return {
        "message_id": mdn.orig_message_id,
        "status": status,
        "detailed_status": detailed_status,
        "mic_ok": mic_ok,
        "mdn_mic": mdn_mic,
        "mdn_signed": is_signed(mime),
    }


def is_signed(mime):
    return mime.get_content_type() == "multipart/signed"


def is_mdn(mime):
    return any(part.get_content_type() == "multipart/report" for part in mime.walk())


def build(station, message, data, tamper):
    """Builds the message; returns its body and the bytes pyas2lib signed (None if unsigned).

    Two steps of pyas2lib are intercepted. The signed bytes are caught on their way to the
    digest: pyas2lib keeps the MIC only in the signature's algorithm, while the receiver may
    answer in the one the MDN request names (RFC 4130 7.3.1). And tampering acts between
    signing and encrypting, so that the receiver decrypts fine and finds the signature wrong.
    """
    signed = []
    canonicalize, encrypt_message = pyas2lib.as2.canonicalize, pyas2lib.as2.encrypt_message

    def keep(*args, **kwargs):
        signed.append(canonicalize(*args, **kwargs))
        return signed[-1]

    def encrypt_tampered(content, *args, **kwargs):
        return encrypt_message(flip_byte(content, signed[0] if signed else None), *args, **kwargs)

    pyas2lib.as2.canonicalize = keep
    if tamper:
        pyas2lib.as2.encrypt_message = encrypt_tampered
    try:
        message.build(data, subject=station.subject, content_type=station.content_type)
    finally:
        pyas2lib.as2.canonicalize, pyas2lib.as2.encrypt_message = canonicalize, encrypt_message
    signed = signed[0] if signed else None
    body = message.content
    if tamper and not message.encrypted:
        body = flip_byte(body, signed)
    return body, signed


def flip_byte(data, signed):
    """Flips the low bit of the byte in the middle of the signed entity's body within data, or
    of data when nothing is signed. Never of a CR or LF: a MIME parser's line handling could
    take that change back."""
    start, end = 0, len(data)
    if signed:
        start = data.index(signed)
        end = start + len(signed)
        start += signed.index(b"\r\n\r\n") + 4
    at = (start + end) // 2
    while data[at] in b"\r\n":
        at += 1
    return data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :]


def post(url, headers, body, timeout, ca=None):
    """POSTs body with a Content-Length; returns (status, header pairs, answer body).
    https:// checks the server's certificate against `ca` (a PEM file) when given, else the
    system's roots."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "http":
        connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    elif parts.scheme == "https":
        context = ssl.create_default_context(cafile=ca)
        connection = http.client.HTTPSConnection(
            parts.hostname, parts.port or 443, timeout=timeout, context=context
        )
    else:
        raise StationError(f"{url}: only http:// and https:// URLs are supported")
    try:
        target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def http_error(status, answer):
    if 200 <= status < 300:
        return None
    return f"HTTP {status}: {answer[:200].decode('latin-1')}"


def raw_message(header_pairs, body):
    # pyas2lib parses the HTTP headers and body as one MIME message. HTTP headers are Latin-1.
    return b"".join(f"{k}: {v}\r\n".encode("latin-1") for k, v in header_pairs) + b"\r\n" + body


def send(station, args):
    with open(args.payload, "rb") as f:
        data = f.read()
    if args.mdn_url:
        station.org.mdn_url = args.mdn_url
    message = pyas2lib.Message(station.org, station.partner)
    body, signed = build(station, message, data, args.tamper)
    if args.message_id:
        message.message_id = args.message_id.strip("<>")
        message.payload.replace_header("Message-ID", f"<{message.message_id}>")
    mic = message.mic.decode() if message.mic else None
    record = {
        "message_id": message.message_id,
        "mic": mic,
        "mdn_digest_alg": station.partner.mdn_digest_alg,
        "mics": {
            alg: binascii.b2a_base64(hashlib.new(alg, signed).digest(), newline=False).decode()
            for alg in pyas2lib.DIGEST_ALGORITHMS
        }
        if signed
        else {},
    }
    # Before posting: an asynchronous MDN can reach `serve` before the HTTP answer reaches us.
    station.append("sent.jsonl", record)
    status, header_pairs, answer = post(args.url, message.headers, body, args.timeout, args.ca)
    outcome = dict.fromkeys(("status", "detailed_status", "mic_ok", "mdn_mic", "mdn_signed"))
    error = http_error(status, answer)
    if error is None and station.partner.mdn_mode == "SYNC":
        raw = raw_message(header_pairs, answer)
        outcome = read_mdn(station, raw, lambda i: record if i == record["message_id"] else None)
    result = {
        "message_id": message.message_id,
        "http_status": status,
        "mdn_status": outcome["status"],
        "mdn_detailed_status": outcome["detailed_status"],
        "mic_ok": outcome["mic_ok"],
        "mdn_signed": outcome["mdn_signed"],
        "mic": f"{mic}, {message.digest_alg}" if mic else None,
        "mdn_mic": outcome["mdn_mic"],
        "error": error,
    }
    print(json.dumps(result), flush=True)


class Receiver(http.server.BaseHTTPRequestHandler):
    # Keep-alive as AS2 products expect; every answer carries its Content-Length.
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        station = self.server.station
        raw = raw_message(self.headers.items(), self.read_body())
        try:
            if is_mdn(email.message_from_bytes(raw)):
                station.receive_mdn(raw)
                self.answer(200, {}, b"")
                return
            mdn = station.receive_message(raw)
        except Exception as e:
            # A fault of ours must reach the test as a 500, not as a dropped connection.
            traceback.print_exc()
            failure = f"as2_station failure: {e}\r\n".encode()
            self.answer(500, {"Content-Type": "text/plain"}, failure)
            return
        if mdn and mdn.mdn_mode == "SYNC":
            self.answer(200, mdn.headers, mdn.content)
            return
        self.answer(200, {}, b"")
        if mdn:
            threading.Thread(target=station.deliver_mdn, args=(mdn,)).start()

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
            return self.rfile.read(int(self.headers.get("Content-Length", 0)))
        # RFC 4130 allows a chunked request body.
        chunks = []
        while size := int(self.rfile.readline().split(b";")[0], 16):
            chunks.append(self.rfile.read(size))
            self.rfile.readline()
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass  # trailer fields
        return b"".join(chunks)

    def answer(self, status, headers, body):
        # Not send_response: the Date it adds would double an MDN's own Date header.
        self.send_response_only(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(station, args):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Receiver)
    server.station = station
    print(f"LISTENING {server.server_address[1]}", flush=True)
    server.serve_forever()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve_args = commands.add_parser("serve", help="receive messages and asynchronous MDNs")
    serve_args.add_argument("--config", required=True)
    serve_args.add_argument("--port", type=int, default=0)
    send_args = commands.add_parser("send", help="send one message, report its MDN")
    send_args.add_argument("--config", required=True)
    send_args.add_argument("--url", required=True)
    send_args.add_argument("--payload", required=True)
    send_args.add_argument("--message-id")
    send_args.add_argument("--mdn-url")
    send_args.add_argument("--timeout", type=float, default=30)
    send_args.add_argument("--tamper", action="store_true")
    send_args.add_argument("--ca", help="PEM of the CA that issued the receiver's TLS certificate")
    args = parser.parse_args()
    try:
        station = Station(args.config)
        (serve if args.command == "serve" else send)(station, args)
    except (
        StationError,
        OSError,
        ValueError,
        http.client.HTTPException,
        ImproperlyConfigured,
        AS2Exception,
    ) as e:
        sys.exit(f"as2_station: {type(e).__name__}: {e}")


if __name__ == "__main__":
    main()
