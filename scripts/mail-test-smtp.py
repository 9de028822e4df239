#!/usr/bin/python3
"""The SMTP half of scripts/mail-test-server (run it through that script), and its `check`.

    /usr/bin/python3 scripts/mail-test-smtp.py serve --dir DIR --port PORT
    /usr/bin/python3 scripts/mail-test-smtp.py check        # reads NIGHTSHIFT_TEST_* (mail-test-server env)

Needs Debian's python3-aiosmtpd, which only /usr/bin/python3 imports (not a pyenv python3 on PATH).

`serve` listens on 127.0.0.1:PORT: EHLO offers STARTTLS (DIR/cert.pem, DIR/key.pem), 8BITMIME, SIZE
(32 MiB), SMTPUTF8 and AUTH PLAIN LOGIN, also without TLS; operator/nightshift-test is the one
account, and unauthenticated mail is accepted as well. Delivery:

- to operator@nightshift.test: DIR/maildir/new (written in tmp/, then renamed), with `Return-Path` and
  `Delivered-To` prepended;
- to any other address: DIR/outside/<address in lower case>/new, the same way;
- when the envelope sender is operator@nightshift.test: one copy per message, as sent, in
  DIR/maildir/.Sent/cur with flag S (`:2,S`), as Gmail and Outlook file what is sent through them.

The message is stored byte for byte as it came after DATA (CRLF line ends, dots unstuffed).

Faults for tests: DIR/smtp-faults.json and every DIR/smtp-faults.d/*.json, each a JSON list of rules
(or one rule), re-read on every command:

    {"recipient": "a@b", "stage": "rcpt", "code": 451, "text": "4.4.1 try later", "times": 2}
        answer RCPT TO:<a@b> with that code the first 2 times, then normally;
    {"recipient": "a@b", "stage": "data", "code": 554, "times": 1}
        answer the end of DATA of a message with a@b among its recipients with that code (nothing
        is delivered or filed);
    {"recipient": "a@b", "delay_after_data": 5}
        deliver the message and file its Sent copy, then wait 5 seconds before answering 250.

`recipient` "*" (or none) matches every address; `times` left out means every time; `text` left out
gives "4.0.0 injected fault" (or 5.0.0). A rule's count starts again when its file is written again.
A file that is not valid JSON makes every command it governs answer 451 with the parse error.

Every transaction is logged to DIR/smtp.log as one JSON line: time, from, to, message_id, outcome
(and refused RCPTs and failed AUTHs as lines of their own).

`check` (what `scripts/mail-test-server check` runs) exercises all of this against the running servers
with smtplib and imaplib, prints each thing it checked, cleans up what it sent, and exits 0 only if
every check passed.
"""

import argparse
import asyncio
import email.parser
import email.policy
import email.utils
import hashlib
import json
import os
import signal
import socket
import ssl
import sys
import threading
import time
import warnings

USER = "operator"
PASSWORD = "nightshift-test"
ADDRESS = "operator@nightshift.test"
# The check's EHLO name: left to smtplib, it is socket.getfqdn(), a DNS wait of a second or more here.
HELO = "check.nightshift.test"
SIZE_LIMIT = 32 * 1024 * 1024


# --- Maildir -------------------------------------------------------------------------------------

_sequence = 0
_sequence_lock = threading.Lock()


def unique_name():
    """A Maildir file name that sorts by delivery time: seconds, microseconds, pid, sequence, host."""
    global _sequence
    with _sequence_lock:
        _sequence += 1
        n = _sequence
    now = time.time()
    seconds = int(now)
    micros = int((now - seconds) * 1_000_000)
    return f"{seconds}.M{micros:06d}P{os.getpid()}Q{n:06d}.{socket.gethostname().replace('/', '_').replace(':', '_')}"


def ensure_maildir(path):
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(path, sub), exist_ok=True)


def maildir_write(path, data, seen=False):
    """Writes a message the Maildir way: into tmp/, then renamed into new/ (or cur/ with flag S)."""
    ensure_maildir(path)
    name = unique_name()
    temporary = os.path.join(path, "tmp", name)
    with open(temporary, "wb") as f:
        f.write(data)
    final = os.path.join(path, "cur", name + ":2,S") if seen else os.path.join(path, "new", name)
    os.rename(temporary, final)
    return final


def outside_folder(outside, address):
    name = address.lower().replace("/", "_")
    if name.startswith("."):
        name = "_" + name[1:]
    return os.path.join(outside, name or "_empty")


# --- faults --------------------------------------------------------------------------------------


class Faults:
    """The rules of smtp-faults.json and smtp-faults.d/*.json, read afresh for every command."""

    def __init__(self, directory):
        self.files = [os.path.join(directory, "smtp-faults.json")]
        self.folder = os.path.join(directory, "smtp-faults.d")
        self.used = {}  # (path, content hash, mtime, index) → times used

    def rules(self):
        """[(key, rule)], or raises ValueError naming the file that is not valid."""
        paths = list(self.files)
        try:
            paths += sorted(os.path.join(self.folder, n) for n in os.listdir(self.folder) if n.endswith(".json"))
        except FileNotFoundError:
            pass
        found = []
        for path in paths:
            try:
                with open(path, "rb") as f:
                    stamp = os.fstat(f.fileno()).st_mtime_ns
                    content = f.read()
            except FileNotFoundError:
                continue
            if not content.strip():
                continue
            try:
                rules = json.loads(content)
            except ValueError as error:
                raise ValueError(f"{os.path.basename(path)} is not valid JSON: {error}") from None
            if isinstance(rules, dict):
                rules = [rules]
            if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
                raise ValueError(f"{os.path.basename(path)} must hold a list of objects")
            digest = hashlib.sha256(content).hexdigest()
            for index, rule in enumerate(rules):
                found.append(((path, digest, stamp, index), rule))
        return found

    @staticmethod
    def matches(rule, address):
        wanted = rule.get("recipient", "*")
        return wanted == "*" or str(wanted).lower() == address.lower()

    def take(self, key, rule):
        """True when the rule still applies (its `times` not used up), counting this use."""
        times = rule.get("times")
        used = self.used.get(key, 0)
        if times is not None and used >= int(times):
            return False
        self.used[key] = used + 1
        return True

    def reply(self, stage, addresses):
        """The injected reply for this stage and these recipients, or None."""
        for key, rule in self.rules():
            if rule.get("stage") != stage or "code" not in rule:
                continue
            if any(self.matches(rule, a) for a in addresses) and self.take(key, rule):
                code = int(rule["code"])
                text = rule.get("text") or f"{'4' if code < 500 else '5'}.0.0 injected fault"
                return f"{code} {text}"
        return None

    def delay(self, addresses):
        for key, rule in self.rules():
            if "delay_after_data" not in rule:
                continue
            if any(self.matches(rule, a) for a in addresses) and self.take(key, rule):
                return float(rule["delay_after_data"])
        return 0.0


# --- the server ----------------------------------------------------------------------------------


class Sink:
    """aiosmtpd's handler: delivers into the Maildirs, injects faults, logs."""

    def __init__(self, directory):
        self.directory = directory
        self.maildir = os.path.join(directory, "maildir")
        self.sent = os.path.join(self.maildir, ".Sent")
        self.outside = os.path.join(directory, "outside")
        self.faults = Faults(directory)
        self.log_file = open(os.path.join(directory, "smtp.log"), "a", buffering=1, encoding="utf-8")

    def log(self, **fields):
        line = {"time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + f".{int(time.time() * 1000) % 1000:03d}Z"}
        line.update(fields)
        self.log_file.write(json.dumps(line, ensure_ascii=False) + "\n")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        try:
            reply = self.faults.reply("rcpt", [address])
        except ValueError as error:
            reply = f"451 4.3.0 {error}"
        if reply:
            self.log(**{"from": envelope.mail_from, "to": [address], "message_id": None, "outcome": reply, "stage": "rcpt"})
            return reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content if envelope.original_content is not None else envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        try:
            headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(content)
            message_id = headers.get("Message-ID")
            message_id = str(message_id).strip() if message_id is not None else None
        except Exception:  # a broken header block is still delivered
            message_id = None
        sender = envelope.mail_from or ""
        recipients = list(envelope.rcpt_tos)
        entry = {"from": sender, "to": recipients, "message_id": message_id, "size": len(content)}
        try:
            reply = self.faults.reply("data", recipients)
            delay = 0.0 if reply else self.faults.delay(recipients)
        except ValueError as error:
            reply, delay = f"451 4.3.0 {error}", 0.0
        if reply:
            self.log(**entry, outcome=reply, stage="data")
            return reply
        try:
            for recipient in recipients:
                prefix = f"Return-Path: <{sender}>\r\nDelivered-To: {recipient}\r\n".encode("utf-8")
                if recipient.lower() == ADDRESS:
                    maildir_write(self.maildir, prefix + content)
                else:
                    maildir_write(outside_folder(self.outside, recipient), prefix + content)
            filed = sender.lower() == ADDRESS
            if filed:
                maildir_write(self.sent, content, seen=True)
        except OSError as error:
            reply = f"451 4.3.0 could not store the message: {error}"
            self.log(**entry, outcome=reply)
            return reply
        if delay > 0:
            self.log(**entry, outcome=f"stored; answering after {delay:g} s", filed_in_sent=filed)
            await asyncio.sleep(delay)
        reply = "250 2.0.0 OK: delivered"
        self.log(**entry, outcome=reply, filed_in_sent=filed)
        return reply


def make_authenticator(sink):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticate(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            login = auth_data.login.decode("utf-8", "replace")
            if login in (USER, ADDRESS) and auth_data.password.decode("utf-8", "replace") == PASSWORD:
                return AuthResult(success=True)
            sink.log(**{"from": None, "to": [], "message_id": None, "outcome": f"535 AUTH {mechanism} failed for {login!r}"})
        return AuthResult(success=False, handled=False)

    return authenticate


def serve(arguments):
    from aiosmtpd.controller import Controller

    # aiosmtpd warns about its own use of a deprecated attribute on every AUTH.
    warnings.filterwarnings("ignore", message="Session.login_data is deprecated")
    directory = os.path.abspath(arguments.dir)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem"))
    sink = Sink(directory)
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=arguments.port,
        server_hostname="localhost",
        ident="nightshift mail-test-smtp",
        tls_context=context,
        require_starttls=False,
        auth_require_tls=False,
        authenticator=make_authenticator(sink),
        data_size_limit=SIZE_LIMIT,
        enable_SMTPUTF8=True,
        decode_data=False,
    )
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    controller.start()
    print(f"listening on 127.0.0.1:{arguments.port} (pid {os.getpid()})", flush=True)
    while not stopping.wait(1):
        pass
    controller.stop()
    print("stopped", flush=True)


# --- check ---------------------------------------------------------------------------------------


class Checker:
    def __init__(self):
        e = os.environ
        try:
            self.imap_port = int(e["NIGHTSHIFT_TEST_IMAP_PORT"])
            self.imaps_port = int(e["NIGHTSHIFT_TEST_IMAPS_PORT"])
            self.smtp_port = int(e["NIGHTSHIFT_TEST_SMTP_PORT"])
            self.user = e["NIGHTSHIFT_TEST_MAIL_USER"]
            self.password = e["NIGHTSHIFT_TEST_MAIL_PASSWORD"]
            self.address = e["NIGHTSHIFT_TEST_MAIL_ADDRESS"]
            self.maildir = e["NIGHTSHIFT_TEST_MAILDIR"]
            self.outside = e["NIGHTSHIFT_TEST_MAIL_OUTSIDE"]
            self.ca = e["NIGHTSHIFT_TEST_MAIL_CA"]
            self.faults = e["NIGHTSHIFT_TEST_SMTP_FAULTS"]
        except KeyError as missing:
            sys.exit(f"check: {missing} is not set (run it as: scripts/mail-test-server check)")
        self.failures = 0
        self.nonce = f"{int(time.time())}-{os.getpid()}"
        self.cleanup_outside = []
        self.cleanup_ids = []

    def ok(self, condition, what, detail=""):
        print(f"{'ok  ' if condition else 'FAIL'} {what}" + (f": {detail}" if detail and not condition else ""), flush=True)
        if not condition:
            self.failures += 1
        return condition

    def context(self):
        context = ssl.create_default_context(cafile=self.ca)  # verifies the chain and the name
        return context

    def message(self, to, subject, message_id):
        from email.message import EmailMessage

        m = EmailMessage()
        m["From"] = f"Night Shift <{self.address}>"
        m["To"] = ", ".join(to)
        m["Subject"] = subject
        m["Message-ID"] = message_id
        m["Date"] = email.utils.formatdate(localtime=False)
        m.set_content("Héllo from mail-test-server check.\nA line with 8-bit text: Grüße.\n", cte="8bit")
        return m.as_bytes(policy=email.policy.SMTP)

    def outside_messages(self, address):
        folder = outside_folder(self.outside, address)
        result = []
        for sub in ("new", "cur"):
            try:
                names = sorted(os.listdir(os.path.join(folder, sub)))
            except FileNotFoundError:
                continue
            for name in names:
                with open(os.path.join(folder, sub, name), "rb") as f:
                    result.append(f.read())
        return result

    def set_faults(self, rules):
        temporary = self.faults + f".check-{os.getpid()}"
        with open(temporary, "w") as f:
            json.dump(rules, f)
        os.chmod(temporary, 0o644)
        os.rename(temporary, self.faults)

    def run(self):
        import smtplib

        someone = f"someone-{self.nonce}@outside.test"
        flaky = f"flaky-{self.nonce}@outside.test"
        refused = f"refused-{self.nonce}@outside.test"
        slow = f"slow-{self.nonce}@outside.test"
        self.cleanup_outside += [someone, flaky, refused, slow]
        message_id = f"<check-{self.nonce}@nightshift.test>"
        # Everything sent from the operator's address is also filed in Sent: all of it is removed at the end.
        self.cleanup_ids += [message_id] + [f"<{kind}-{self.nonce}@nightshift.test>" for kind in ("flaky", "refused", "slow")]

        # 1. SMTP: EHLO, STARTTLS with the certificate verified, AUTH, one message to the operator and one outside.
        with smtplib.SMTP("127.0.0.1", self.smtp_port, local_hostname=HELO, timeout=20) as smtp:
            code, _ = smtp.ehlo()
            self.ok(code == 250, "SMTP EHLO answers 250")
            for extension in ("starttls", "8bitmime", "size", "auth", "smtputf8"):
                self.ok(smtp.has_extn(extension), f"SMTP offers {extension.upper()} before TLS")
            self.ok("PLAIN" in smtp.esmtp_features.get("auth", "") and "LOGIN" in smtp.esmtp_features.get("auth", ""),
                    "SMTP offers AUTH PLAIN and LOGIN without TLS", smtp.esmtp_features.get("auth", ""))
            smtp.starttls(context=self.context())  # the name checked is the host connected to: 127.0.0.1
            self.ok(smtp.sock.version() is not None, f"SMTP STARTTLS with the certificate verified for 127.0.0.1 ({smtp.sock.version()})")
            smtp.ehlo()
            try:
                smtp.login(self.user, self.password)
                self.ok(True, "SMTP AUTH as operator after STARTTLS")
            except smtplib.SMTPException as error:
                self.ok(False, "SMTP AUTH as operator after STARTTLS", repr(error))
            body = self.message([self.address, someone], f"check {self.nonce}", message_id)
            refusals = smtp.sendmail(self.address, [self.address, someone], body, mail_options=["BODY=8BITMIME"])
            self.ok(refusals == {}, "SMTP accepts a message (8BITMIME) to the operator and to an outside address", repr(refusals))

        # 2. SMTP without TLS: AUTH PLAIN, a wrong password refused, unauthenticated mail accepted.
        with smtplib.SMTP("127.0.0.1", self.smtp_port, local_hostname=HELO, timeout=20) as smtp:
            smtp.ehlo()
            try:
                smtp.login(self.user, "wrong-" + self.password)
                self.ok(False, "SMTP refuses a wrong password", "it was accepted")
            except smtplib.SMTPAuthenticationError as error:
                self.ok(error.smtp_code == 535, "SMTP refuses a wrong password with 535", repr(error))
        with smtplib.SMTP("127.0.0.1", self.smtp_port, local_hostname=HELO, timeout=20) as smtp:
            smtp.ehlo()
            smtp.user, smtp.password = self.user, self.password
            code, reply = smtp.auth("PLAIN", smtp.auth_plain)
            self.ok(code == 235, "SMTP AUTH PLAIN without TLS", f"{code} {reply!r}")
        with smtplib.SMTP("127.0.0.1", self.smtp_port, local_hostname=HELO, timeout=20) as smtp:
            refusals = smtp.sendmail("nobody@outside.test", [someone], self.message([someone], "unauthenticated", f"<plain-{self.nonce}@outside.test>"))
            self.ok(refusals == {}, "SMTP accepts unauthenticated mail without TLS")

        # 3. What the sink delivered outside.
        got = self.outside_messages(someone)
        self.ok(len(got) == 2 and message_id.encode() in got[0], f"the outside address has its 2 messages in {outside_folder(self.outside, someone)}/new",
                f"{len(got)} found")
        self.ok(bool(got) and got[0].startswith(b"Return-Path: <" + self.address.encode() + b">\r\nDelivered-To: " + someone.encode()),
                "an outside delivery starts with Return-Path and Delivered-To")

        # 4. Faults: RCPT 451 once then accepted; DATA 554 once then delivered; a delay after DATA.
        previous = open(self.faults, "rb").read() if os.path.exists(self.faults) else b"[]"
        try:
            self.set_faults([
                {"recipient": flaky, "stage": "rcpt", "code": 451, "text": "4.4.1 try again later", "times": 1},
                {"recipient": refused, "stage": "data", "code": 554, "text": "5.7.1 refused by check", "times": 1},
                {"recipient": slow, "delay_after_data": 2},
            ])
            with smtplib.SMTP("127.0.0.1", self.smtp_port, local_hostname=HELO, timeout=20) as smtp:
                try:
                    smtp.sendmail(self.address, [flaky], self.message([flaky], "flaky", f"<flaky-{self.nonce}@nightshift.test>"))
                    self.ok(False, "a rcpt fault rule answers 451", "accepted")
                except smtplib.SMTPRecipientsRefused as error:
                    code = error.recipients.get(flaky, (0,))[0]
                    self.ok(code == 451, "a rcpt fault rule answers 451 the first time", repr(error.recipients))
                refusals = smtp.sendmail(self.address, [flaky], self.message([flaky], "flaky", f"<flaky-{self.nonce}@nightshift.test>"))
                self.ok(refusals == {}, "the same RCPT is accepted the second time (times: 1)")
                try:
                    smtp.sendmail(self.address, [refused], self.message([refused], "refused", f"<refused-{self.nonce}@nightshift.test>"))
                    self.ok(False, "a data fault rule answers 554", "accepted")
                except smtplib.SMTPDataError as error:
                    self.ok(error.smtp_code == 554, "a data fault rule answers 554 at the end of DATA", repr(error))
                self.ok(self.outside_messages(refused) == [], "nothing is delivered when DATA is refused")
                refusals = smtp.sendmail(self.address, [refused], self.message([refused], "refused", f"<refused-{self.nonce}@nightshift.test>"))
                self.ok(refusals == {} and len(self.outside_messages(refused)) == 1, "the message is delivered the second time")
            self.ok(len(self.outside_messages(flaky)) == 1, "the flaky address received exactly one message")

            # The delay: the message must be in the Maildir (and Sent) while the client still waits for 250.
            slow_id = f"<slow-{self.nonce}@nightshift.test>"
            outcome = {}

            def send_slow():
                started = time.monotonic()
                with smtplib.SMTP("127.0.0.1", self.smtp_port, local_hostname=HELO, timeout=20) as smtp:
                    outcome["refusals"] = smtp.sendmail(self.address, [slow], self.message([slow], "slow", slow_id))
                outcome["seconds"] = time.monotonic() - started

            sender = threading.Thread(target=send_slow)
            sender.start()
            seen_early = False
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and sender.is_alive():
                if self.outside_messages(slow) and self.sent_file_with(slow_id):
                    seen_early = sender.is_alive()
                    break
                time.sleep(0.05)
            sender.join()
            self.ok(seen_early, "with delay_after_data the message and its Sent copy are stored before the 250")
            self.ok(outcome.get("refusals") == {} and outcome.get("seconds", 0) >= 2,
                    f"the 250 comes after the delay ({outcome.get('seconds', 0):.1f} s)")
        finally:
            with open(self.faults + f".check-{os.getpid()}", "wb") as f:
                f.write(previous)
            os.chmod(self.faults + f".check-{os.getpid()}", 0o644)
            os.rename(self.faults + f".check-{os.getpid()}", self.faults)

        # 5. IMAP over STARTTLS, then IMAPS; the message in INBOX and in Sent by its Message-ID.
        validity = {}
        validity["STARTTLS"] = self.imap(starttls=True, message_id=message_id)
        validity["IMAPS"] = self.imap(starttls=False, message_id=message_id)
        self.ok(None not in validity.values() and len(set(validity.values())) == 1,
                "both connections see the same UIDVALIDITY for INBOX and Sent", repr(validity))

        # 6. A wrong IMAP password is refused.
        import imaplib

        with imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=20) as imap:
            try:
                imap.login(self.user, "wrong-" + self.password)
                self.ok(False, "IMAP refuses a wrong password", "accepted")
            except imaplib.IMAP4.error:
                self.ok(True, "IMAP refuses a wrong password")

        self.cleanup()
        print(f"{'all checks passed' if self.failures == 0 else f'{self.failures} check(s) failed'}", flush=True)
        return 0 if self.failures == 0 else 1

    def sent_file_with(self, message_id):
        folder = os.path.join(self.maildir, ".Sent", "cur")
        for name in os.listdir(folder):
            try:
                with open(os.path.join(folder, name), "rb") as f:
                    if message_id.encode() in f.read(4096):
                        return name
            except FileNotFoundError:
                continue
        return None

    def imap(self, starttls, message_id):
        """Logs in, finds the message in INBOX and Sent; returns (INBOX UIDVALIDITY, Sent UIDVALIDITY)."""
        import imaplib

        how = "IMAP STARTTLS" if starttls else "IMAPS"
        port = self.imap_port if starttls else self.imaps_port
        try:
            if starttls:
                imap = imaplib.IMAP4("127.0.0.1", port, timeout=20)
                self.ok(imap.welcome.startswith(b"* OK"), f"{how}: the greeting is * OK", repr(imap.welcome))
                self.ok("STARTTLS" in imap.capabilities, f"{how}: STARTTLS among the capabilities before TLS", repr(imap.capabilities))
                self.ok("AUTH=PLAIN" in imap.capabilities and "LOGINDISABLED" not in imap.capabilities,
                        f"{how}: AUTH=PLAIN and LOGIN allowed before TLS (loopback)", repr(imap.capabilities))
                imap.starttls(ssl_context=self.context())
                self.ok(True, f"{how}: TLS with the certificate verified for 127.0.0.1 ({imap.sock.version()})")
                imap.login(self.user, self.password)
                self.ok(True, f"{how}: LOGIN as operator")
            else:
                context = self.context()
                imap = imaplib.IMAP4_SSL("localhost", port, ssl_context=context, timeout=20)
                self.ok(True, f"{how}: TLS from the first byte with the certificate verified for localhost ({imap.sock.version()})")
                user, password = self.user, self.password
                imap.authenticate("PLAIN", lambda _: f"\0{user}\0{password}".encode())
                self.ok(True, f"{how}: AUTHENTICATE PLAIN as operator")
            with imap:
                typ, caps = imap.capability()
                self.ok(b"IDLE" in caps[0], f"{how}: IDLE among the capabilities")
                typ, boxes = imap.list()
                self.ok(any(b'"Sent"' in b or b" Sent" in b for b in boxes), f"{how}: LIST shows Sent", repr(boxes))
                typ, subscribed = imap.lsub()
                self.ok(any(b"Sent" in b for b in subscribed), f"{how}: Sent is subscribed", repr(subscribed))
                validities = []
                for box in ("INBOX", "Sent"):
                    typ, _ = imap.select(box)
                    self.ok(typ == "OK", f"{how}: SELECT {box}")
                    validity = imap.untagged_responses.get("UIDVALIDITY", [b"0"])[-1]
                    validity = int(validity)
                    self.ok(validity > 0, f"{how}: {box} has a UIDVALIDITY ({validity})")
                    validities.append(validity)
                    typ, data = imap.uid("SEARCH", None, "HEADER", "Message-ID", f'"{message_id}"')
                    uids = data[0].split() if data and data[0] else []
                    self.ok(typ == "OK" and len(uids) == 1, f"{how}: UID SEARCH HEADER Message-ID finds the message in {box}", repr(data))
                    if uids:
                        typ, fetched = imap.uid("FETCH", uids[0], "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
                        text = b"".join(part[1] if isinstance(part, tuple) else part for part in fetched)
                        self.ok(message_id.encode() in text, f"{how}: FETCH returns its Message-ID from {box}")
                        if box == "Sent":
                            flags = b"".join(part[0] if isinstance(part, tuple) else part for part in fetched)
                            self.ok(b"\\Seen" in flags, f"{how}: the Sent copy is \\Seen", repr(flags))
                    imap.close()
                return tuple(validities)
        except (imaplib.IMAP4.error, OSError, ssl.SSLError) as error:
            self.ok(False, f"{how}: the session", repr(error))
            return None

    def cleanup(self):
        """Removes what the check sent: its outside folders, and its messages in INBOX and Sent (over IMAP)."""
        import imaplib
        import shutil

        for address in self.cleanup_outside:
            shutil.rmtree(outside_folder(self.outside, address), ignore_errors=True)
        try:
            with imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=20) as imap:
                imap.login(self.user, self.password)
                for box in ("INBOX", "Sent"):
                    imap.select(box)
                    for message_id in self.cleanup_ids:
                        typ, data = imap.uid("SEARCH", None, "HEADER", "Message-ID", f'"{message_id}"')
                        for uid in (data[0].split() if data and data[0] else []):
                            imap.uid("STORE", uid, "+FLAGS.SILENT", "(\\Deleted)")
                    imap.expunge()
                    imap.close()
        except (imaplib.IMAP4.error, OSError) as error:
            print(f"note: could not remove the check's messages: {error!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve")
    run.add_argument("--dir", required=True)
    run.add_argument("--port", type=int, required=True)
    commands.add_parser("check")
    arguments = parser.parse_args()
    if arguments.command == "serve":
        serve(arguments)
    else:
        sys.exit(Checker().run())


if __name__ == "__main__":
    main()
