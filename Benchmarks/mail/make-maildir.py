#!/usr/bin/env python3
"""Writes N realistic replies to the operator's outbound mail into a Maildir, with a fixed seed.

    make-maildir.py DIR [--count N] [--seed S]

DIR/new/ gets N files (DIR/cur and DIR/tmp are made empty), DIR/truth.json what was written: counts
per kind, per transfer encoding and charset, with attachments, bytes. The same N and seed give the
same bytes (Python 3.9 or later, standard library only).

The kinds, in proportions like an outbound campaign's replies:
  plain          text/plain, US-ASCII 7bit or UTF-8 8bit, a quoted original below ("On … wrote:")
  alternative    multipart/alternative, text/plain and text/html, often quoted-printable (Outlook, Gmail)
  html           text/html only, quoted-printable or 8bit
  qp             text/plain in UTF-8, quoted-printable
  base64         text/plain in UTF-8, base64
  latin1         ISO-8859-1 text (German, French, Spanish), quoted-printable or 8bit, encoded words in headers
  auto_reply     out-of-office answers: Auto-Submitted, X-Autoreply, Precedence, some multipart/alternative
  bounce         delivery status notifications (multipart/report; report-type=delivery-status), failed
                 and delayed, Postfix, Exchange and Gmail styles, the original as message/rfc822 or headers
  arf            abuse feedback reports (multipart/report; report-type=feedback-report)
About one in ten human replies is wrapped in multipart/mixed with an attachment (PDF, PNG, CSV or
iCalendar, base64; some file names in RFC 2231 encoding). Sizes run from 1 to 50 KB (log-uniform),
reached with longer replies, deeper quoted history or larger attachments. Line ends are LF, as
delivery agents write Maildir files, except one file in twenty with CRLF.
"""

import argparse
import base64
import email.utils
import json
import math
import os
import quopri
import random
import sys

KINDS = [
    ("plain", 30), ("alternative", 24), ("html", 7), ("qp", 7), ("base64", 4),
    ("latin1", 6), ("auto_reply", 9), ("bounce", 10), ("arf", 3),
]
OPERATOR = "operator@nightshift.test"

WORDS = (
    "thanks for reaching out we are currently looking at options for the next quarter and your note came at "
    "a good time could you send over pricing details and a short deck our team meets on thursday I will "
    "forward this to my colleague who handles procurement please remove me from your list not interested at "
    "this time happy to chat next week what does onboarding look like how long is the contract do you "
    "integrate with our existing tools budget approval security review we already use a competitor let me "
    "know your availability sounds interesting but timing is not right circle back in january"
).split()
GERMAN = "Vielen Dank für Ihre Nachricht wir prüfen das gerne Grüße aus München Bitte schicken Sie uns ein Angebot für nächste Woche".split()
FRENCH = "Merci beaucoup pour votre message nous étudions votre proposition très intéressante à bientôt cordialement réunion prévue déjà".split()
SPANISH = "Muchas gracias por su mensaje estamos revisando la propuesta con el equipo técnico señor año próximo reunión mañana".split()
FIRST = ["Anna", "Ben", "Chloé", "David", "Elif", "Fatima", "Georg", "Hannah", "Iñigo", "Jürgen", "Kenji", "Laura", "Marta", "Noah", "Olivia", "Pierre", "Zoë"]
LAST = ["Müller", "Smith", "García", "Dubois", "Rossi", "Nowak", "Jensen", "Okafor", "Tanaka", "Brown", "Schäfer", "Lefèvre", "O'Neil"]
COMPANIES = ["acme-corp.com", "globex.example", "initech.io", "umbrella.example.org", "stark-industries.net", "hooli.com",
             "example.de", "empresa.es", "societe.fr", "wayne.example"]
SUBJECTS = ["Quick question about your workflow", "Following up on our call", "Nightshift for your team",
            "An idea for {company}", "Can we help with onboarding?", "Your Q3 roadmap", "Réunion la semaine prochaine",
            "Angebot für Ihr Team", "Introduction"]
REPLY_PREFIXES = ["Re: ", "RE: ", "Re: ", "AW: ", "Re: Re: ", "R: ", "SV: "]
MAILERS = ["Microsoft Outlook 16.0", "Apple Mail (2.3774)", "Mozilla Thunderbird 115.6", "Gmail", "Roundcube Webmail/1.6.5", None, None]


class Writer:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        # A pool of sentences drawn once: choosing among them is much faster than word by word.
        self.sentences = [self.sentence(WORDS) for _ in range(3000)]
        self.latin = {"de": [self.sentence(GERMAN) for _ in range(300)],
                      "fr": [self.sentence(FRENCH) for _ in range(300)],
                      "es": [self.sentence(SPANISH) for _ in range(300)]}
        self.boundary_count = 0
        self.counter = 0
        self.now = 1_796_000_000  # December 2026

    def sentence(self, words):
        r = self.rng
        n = r.randint(5, 18)
        text = " ".join(r.choice(words) for _ in range(n))
        return text[0].upper() + text[1:] + r.choice([".", ".", ".", "?", "!"])

    def paragraphs(self, size, pool=None):
        r = self.rng
        pool = pool or self.sentences
        out, length = [], 0
        while length < size:
            para = " ".join(r.choice(pool) for _ in range(r.randint(1, 5)))
            out.append(para)
            length += len(para) + 2
        return out

    def wrap(self, text, width=72):
        lines, line = [], ""
        for word in text.split(" "):
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        if line:
            lines.append(line)
        return lines

    def boundary(self):
        self.boundary_count += 1
        style = self.rng.randrange(3)
        n = self.boundary_count
        return [f"----=_Part_{n}_{self.rng.randrange(10**9)}.{self.now}", f"000000000000{n:08x}05f2a", f"Apple-Mail={n:06d}-ABCD-4F1E"][style]

    def message_id(self, domain):
        self.counter += 1
        return f"<{self.rng.randrange(16**12):012x}.{self.counter}@{domain}>"

    def date(self, offset=0):
        return email.utils.formatdate(self.now + offset + self.rng.randrange(-86400 * 30, 0), localtime=False)

    def person(self):
        r = self.rng
        first, last = r.choice(FIRST), r.choice(LAST)
        company = r.choice(COMPANIES)
        local = f"{first}.{last}".lower().encode("ascii", "ignore").decode().replace("'", "")
        return first, last, f"{local}@{company}", company

    def encoded_word(self, text, charset="utf-8"):
        if all(ord(c) < 128 for c in text):
            return text
        if self.rng.random() < 0.5:
            data = base64.b64encode(text.encode(charset)).decode()
            return f"=?{charset}?B?{data}?="
        q = quopri.encodestring(text.encode(charset), header=True).decode().replace("=\n", "")
        return f"=?{charset}?Q?{q}?="

    def display(self, name, address, charset="utf-8"):
        if all(ord(c) < 128 for c in name):
            return f'"{name}" <{address}>' if "'" in name or "," in name else f"{name} <{address}>"
        return f"{self.encoded_word(name, charset)} <{address}>"

    def original(self, company):
        """The operator's outbound message being replied to."""
        subject = self.rng.choice(SUBJECTS).format(company=company.split(".")[0].title())
        ids = [self.message_id("nightshift.test") for _ in range(self.rng.randint(1, 4))]
        body = self.paragraphs(self.rng.randint(300, 900))
        return subject, ids, body

    def headers(self, sender, subject, ids, extra=(), date_offset=0, return_path=None, charset="utf-8"):
        r = self.rng
        first, last, address, company = sender
        h = [f"Return-Path: <{address if return_path is None else return_path}>"]
        for hop in range(r.randint(1, 3)):
            h.append(f"Received: from mail{hop}.{company} (mail{hop}.{company} [192.0.2.{r.randint(1, 254)}])\n"
                     f"\tby mx.nightshift.test (Postfix) with ESMTPS id {r.randrange(16**10):010X}\n"
                     f"\tfor <{OPERATOR}>; {self.date(date_offset)}")
        if r.random() < 0.4:
            sig = base64.b64encode(r.randbytes(180)).decode()
            h.append(f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={company}; s=s1;\n"
                     f"\th=from:to:subject:date:message-id; bh={base64.b64encode(r.randbytes(32)).decode()};\n"
                     f"\tb={sig[:70]}\n\t {sig[70:140]}\n\t {sig[140:]}")
        h.append(f"From: {self.display(f'{first} {last}', address, charset)}")
        h.append(f"To: Night Shift <{OPERATOR}>")
        h.append(f"Subject: {subject}")
        h.append(f"Date: {self.date(date_offset)}")
        h.append(f"Message-ID: {self.message_id(company)}")
        h.append(f"In-Reply-To: {ids[-1]}")
        refs = " ".join(ids)
        h.append("References: " + ("\n\t".join(ids) if len(refs) > 70 else refs))
        mailer = r.choice(MAILERS)
        if mailer:
            h.append(f"{'User-Agent' if 'Thunderbird' in mailer else 'X-Mailer'}: {mailer}")
        h.extend(extra)
        h.append("MIME-Version: 1.0")
        return h

    def reply_text(self, size, original, pool=None, wrote_charset_name="Night Shift"):
        """A human reply: paragraphs, a signature, and the quoted original, about `size` characters."""
        r = self.rng
        subject, ids, body = original
        own = self.paragraphs(max(40, int(size * r.uniform(0.15, 0.5))), pool)
        lines = []
        for p in own:
            lines += self.wrap(p) + [""]
        lines += ["-- ", f"{r.choice(FIRST)} {r.choice(LAST)}", r.choice(["Head of Operations", "CTO", "Einkauf", "Directeur commercial"]), ""]
        quoted = [f"On {self.date(-3600)}, {wrote_charset_name} <{OPERATOR}> wrote:"]
        history = list(body)
        while sum(len(x) for x in lines) + sum(len(x) for x in quoted) < size:
            for p in history:
                quoted += ["> " + line for line in self.wrap(p, 70)] + [">"]
            history = self.paragraphs(r.randint(300, 1500))
        return "\n".join(lines + quoted) + "\n"

    def html(self, text):
        parts = []
        for block in text.split("\n\n"):
            escaped = block.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            if escaped.startswith("&gt;"):
                parts.append('<blockquote style="margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex">'
                             + escaped.replace("\n", "<br>\n") + "</blockquote>")
            else:
                parts.append('<div dir="ltr" style="font-family:Calibri,sans-serif">' + escaped.replace("\n", "<br>\n") + "</div>")
        return ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>\n<body>\n'
                + "\n".join(parts) + "\n</body></html>\n")

    def encode(self, text, charset, cte):
        data = text.encode(charset)
        if cte == "quoted-printable":
            return quopri.encodestring(data).decode("ascii")
        if cte == "base64":
            encoded = base64.b64encode(data).decode()
            return "\n".join(encoded[i:i + 76] for i in range(0, len(encoded), 76)) + "\n"
        return data.decode(charset)

    def leaf(self, content_type, text, charset, cte):
        return [f"Content-Type: {content_type}; charset=\"{charset}\"", f"Content-Transfer-Encoding: {cte}"], self.encode(text, charset, cte)

    def multipart(self, subtype, parts, extra_params=""):
        b = self.boundary()
        head = [f'Content-Type: multipart/{subtype};{extra_params}\n\tboundary="{b}"']
        body = "This is a multi-part message in MIME format.\n" if self.rng.random() < 0.5 else ""
        for part_headers, part_body in parts:
            body += f"\n--{b}\n" + "\n".join(part_headers) + "\n\n" + part_body.rstrip("\n") + "\n"
        body += f"\n--{b}--\n"
        return head, body

    def attachment(self, size):
        r = self.rng
        kind = r.choice(["pdf", "png", "csv", "ics"])
        if kind == "pdf":
            data = b"%PDF-1.7\n" + r.randbytes(max(100, size))
            name, ctype = r.choice(["Angebot_2026.pdf", "proposal.pdf", "Präsentation Q1.pdf", "contract-v2.pdf"]), "application/pdf"
        elif kind == "png":
            data = b"\x89PNG\r\n\x1a\n" + r.randbytes(max(100, size))
            name, ctype = r.choice(["image001.png", "screenshot.png", "logo.png"]), "image/png"
        elif kind == "csv":
            rows = ["name,email,company"] + [f"{r.choice(FIRST)} {r.choice(LAST)},{r.randrange(10**6)}@{r.choice(COMPANIES)},{r.choice(COMPANIES)}" for _ in range(max(2, size // 45))]
            data = "\n".join(rows).encode("utf-8")
            name, ctype = "contacts.csv", "text/csv"
        else:
            data = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//EN\r\nBEGIN:VEVENT\r\nUID:" + str(r.randrange(10**9))
                    + "\r\nDTSTART:20270112T150000Z\r\nSUMMARY:Call with Night Shift\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").encode()
            name, ctype = "invite.ics", "text/calendar"
        encoded = base64.b64encode(data).decode()
        body = "\n".join(encoded[i:i + 76] for i in range(0, len(encoded), 76)) + "\n"
        if all(ord(c) < 128 for c in name):
            disposition = f'attachment; filename="{name}"'
            ctype_line = f'Content-Type: {ctype}; name="{name}"'
        else:
            from urllib.parse import quote
            disposition = f"attachment;\n\tfilename*=utf-8''{quote(name)}"
            ctype_line = f'Content-Type: {ctype};\n\tname="{self.encoded_word(name)}"'
        return [ctype_line, f"Content-Disposition: {disposition}", "Content-Transfer-Encoding: base64"], body, kind

    # --- the kinds ------------------------------------------------------------------------------

    def human(self, kind, size, stats):
        r = self.rng
        sender = self.person()
        original = self.original(sender[3])
        subject = r.choice(REPLY_PREFIXES) + original[0]
        with_attachment = r.random() < 0.1 and kind in ("plain", "alternative", "qp", "latin1")
        text_size = int(size * r.uniform(0.1, 0.3)) if with_attachment else int(size * 0.85)
        charset = "utf-8"
        if kind == "plain":
            text = self.reply_text(text_size, original)
            if r.random() < 0.4:
                text = text.encode("ascii", "replace").decode()
                content = self.leaf("text/plain", text, "us-ascii", "7bit")
                charset = "us-ascii"
            else:
                content = self.leaf("text/plain", text, "utf-8", "8bit")
            if r.random() < 0.2:  # Thunderbird's and Apple Mail's format=flowed
                content = ([content[0][0] + "; format=flowed"] + content[0][1:], content[1])
            cte = "7bit" if charset == "us-ascii" else "8bit"
        elif kind == "qp":
            text = self.reply_text(int(text_size / 1.1), original)
            content, cte = self.leaf("text/plain", text, "utf-8", "quoted-printable"), "quoted-printable"
        elif kind == "base64":
            text = self.reply_text(int(text_size / 1.37), original)
            content, cte = self.leaf("text/plain", text, "utf-8", "base64"), "base64"
        elif kind == "latin1":
            language = r.choice(["de", "fr", "es"])
            text = self.reply_text(text_size, original, self.latin[language])
            cte = r.choice(["quoted-printable", "8bit"])
            content, charset = self.leaf("text/plain", text, "iso-8859-1", cte), "iso-8859-1"
            subject = self.encoded_word(r.choice(["AW: ", "Re: ", "RE: "]) + r.choice(["Ihre Anfrage für nächste Woche", "Réponse à votre message", "Reunión del año próximo"]), "iso-8859-1")
        elif kind == "html":
            text = self.reply_text(int(text_size / 1.6), original)
            cte = r.choice(["quoted-printable", "8bit"])
            content = self.leaf("text/html", self.html(text), "utf-8", cte)
        else:  # alternative
            text = self.reply_text(int(text_size / 2.8), original)
            cte = r.choice(["quoted-printable", "quoted-printable", "7bit", "base64"])
            plain_text = text.encode("ascii", "replace").decode() if cte == "7bit" else text
            plain = self.leaf("text/plain", plain_text, "us-ascii" if cte == "7bit" else "utf-8", cte)
            html = self.leaf("text/html", self.html(plain_text), "us-ascii" if cte == "7bit" else "utf-8", cte if cte != "7bit" else "quoted-printable")
            content = self.multipart("alternative", [plain, html])
        if with_attachment:
            part_headers, part_body, attached = self.attachment(int(size * 0.7 / 1.37))
            content = self.multipart("mixed", [content, (part_headers, part_body)])
            stats["attachments"][attached] = stats["attachments"].get(attached, 0) + 1
        stats["encodings"][cte] = stats["encodings"].get(cte, 0) + 1
        stats["charsets"][charset] = stats["charsets"].get(charset, 0) + 1
        head = self.headers(sender, subject, original[1], charset="iso-8859-1" if kind == "latin1" else "utf-8")
        return head + content[0], content[1]

    def auto_reply(self, size, stats):
        r = self.rng
        sender = self.person()
        original = self.original(sender[3])
        style = r.choice(["outlook", "gmail", "german", "french"])
        until = f"{r.randint(2, 28)}.{r.randint(1, 12)}.2027"
        texts = {
            "outlook": ("Automatic reply: ", f"Thank you for your email. I am out of the office until {until} with limited access to email. "
                        "For urgent matters please contact our office."),
            "gmail": ("Out of Office: ", f"I'm currently away and will be back on {until}. I'll reply as soon as I can."),
            "german": ("Abwesenheitsnotiz: ", f"Vielen Dank für Ihre Nachricht. Ich bin bis zum {until} nicht im Büro und habe keinen Zugriff auf E-Mails."),
            "french": ("Réponse automatique : ", f"Merci pour votre message. Je suis absent jusqu'au {until} et je n'ai pas accès à mes e-mails."),
        }
        prefix, message = texts[style]
        extra = [r.choice(["Auto-Submitted: auto-replied", "Auto-Submitted: auto-replied (vacation)", "Auto-Submitted: auto-generated"])]
        if r.random() < 0.6:
            extra.append("X-Autoreply: yes")
        if style == "outlook":
            extra += ["X-Auto-Response-Suppress: All", "X-MS-Exchange-Inbox-Rules-Loop: " + sender[2]]
        if r.random() < 0.5:
            extra.append(r.choice(["Precedence: auto_reply", "Precedence: bulk", "Precedence: junk"]))
        # Auto-replies are short: a notice, sometimes a few lines more (a deputy, the company's footer).
        size = min(size, 3000) // (3 if style == "outlook" else 2)
        body_text = message + "\n\n" + "\n".join(self.wrap(" ".join(self.paragraphs(max(0, size - 600))))) + "\n"
        subject = self.encoded_word(prefix + original[0])
        if style == "outlook":
            content = self.multipart("alternative", [self.leaf("text/plain", body_text, "utf-8", "quoted-printable"),
                                                     self.leaf("text/html", self.html(body_text), "utf-8", "quoted-printable")])
            cte = "quoted-printable"
        else:
            cte = r.choice(["8bit", "quoted-printable", "base64"])
            content = self.leaf("text/plain", body_text, "utf-8", cte)
        stats["encodings"][cte] = stats["encodings"].get(cte, 0) + 1
        head = self.headers(sender, subject, original[1], extra=extra, return_path="" if r.random() < 0.3 else None)
        return head + content[0], content[1]

    def original_message(self, recipient, include_body):
        subject, ids, body = self.original(recipient.split("@")[1])
        head = [f"Return-Path: <{OPERATOR}>", f"From: Night Shift <{OPERATOR}>", f"To: {recipient}", f"Subject: {subject}",
                f"Date: {self.date(-7200)}", f"Message-ID: {ids[-1]}", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: 8bit"]
        text = "\n".join(head) + "\n"
        if include_body:
            text += "\n" + "\n".join(line for p in body for line in self.wrap(p) + [""]) + "\n"
        return text, ids

    def bounce(self, size, stats):
        r = self.rng
        recipient = self.person()[2]
        domain = recipient.split("@")[1]
        delayed = r.random() < 0.15
        style = r.choice(["postfix", "exchange", "gmail"])
        status, action = ("4.4.7", "delayed") if delayed else r.choice([("5.1.1", "failed"), ("5.2.2", "failed"), ("5.7.1", "failed"), ("5.4.4", "failed")])
        diagnostic = {"5.1.1": "550 5.1.1 <{0}>: Recipient address rejected: User unknown in virtual mailbox table",
                      "5.2.2": "552 5.2.2 <{0}>: Mailbox full", "5.7.1": "550 5.7.1 Message rejected as spam by Content Filtering",
                      "5.4.4": "Host or domain name not found. Name service error for name={1} type=MX",
                      "4.4.7": "Connection timed out while talking to mx.{1}"}[status].format(recipient, domain)
        if style == "postfix":
            sender_line, subject = "MAILER-DAEMON@mx.nightshift.test (Mail Delivery System)", "Delayed Mail (still being retried)" if delayed else "Undelivered Mail Returned to Sender"
            human = (f"This is the mail system at host mx.nightshift.test.\n\nI'm sorry to have to inform you that your message could not\n"
                     f"be delivered to one or more recipients. It's attached below.\n\n                   The mail system\n\n<{recipient}>: {diagnostic}\n")
        elif style == "exchange":
            sender_line, subject = f"postmaster@{domain}", "Undeliverable: " + self.original(domain)[0]
            human = f"Delivery has failed to these recipients or groups:\n\n{recipient}\nThe email address you entered couldn't be found.\n\nDiagnostic information for administrators:\n\nRemote Server returned '{diagnostic}'\n"
        else:
            sender_line, subject = "Mail Delivery Subsystem <mailer-daemon@googlemail.com>", "Delivery Status Notification (Failure)"
            human = f"** Address not found **\n\nYour message wasn't delivered to {recipient} because the address couldn't be found.\n\nThe response was:\n\n{diagnostic}\n"
        report = (f"Reporting-MTA: dns; mx.{domain if style == 'exchange' else 'nightshift.test'}\nX-Postfix-Queue-ID: {r.randrange(16**10):010X}\n"
                  f"Arrival-Date: {self.date(-7200)}\n\nFinal-Recipient: rfc822; {recipient}\nOriginal-Recipient: rfc822;{recipient}\n"
                  f"Action: {action}\nStatus: {status}\nRemote-MTA: dns; mx.{domain}\nDiagnostic-Code: smtp; {diagnostic}\n")
        as_message = r.random() < 0.6
        original, ids = self.original_message(recipient, include_body=as_message)
        if as_message and len(original) < size - 1500:
            original += "\n".join(self.wrap(" ".join(self.paragraphs(size - 1500 - len(original))))) + "\n"
        parts = [(["Content-Description: Notification", "Content-Type: text/plain; charset=us-ascii"], human),
                 (["Content-Description: Delivery report", "Content-Type: message/delivery-status"], report),
                 (["Content-Description: Undelivered Message", "Content-Type: message/rfc822" if as_message else "Content-Type: text/rfc822-headers"], original)]
        content = self.multipart("report", parts, " report-type=delivery-status;")
        extra = ["Auto-Submitted: auto-replied"] if style != "exchange" else ["X-MS-Exchange-Message-Is-Ndr:"]
        head = [f"Return-Path: <>", f"Received: by mx.nightshift.test (Postfix) id {r.randrange(16**10):010X}; {self.date()}",
                f"From: {sender_line}", f"To: {OPERATOR}", f"Subject: {subject}", f"Date: {self.date()}",
                f"Message-ID: {self.message_id('mx.nightshift.test')}"] + extra + ["MIME-Version: 1.0"]
        stats["bounces"][action] = stats["bounces"].get(action, 0) + 1
        return head + content[0], content[1]

    def arf(self, size, stats):
        r = self.rng
        recipient = self.person()[2]
        provider = r.choice(["fbl.hotmail.example", "feedback.yahoo.example", "abuse.mail.example"])
        original, _ = self.original_message(recipient, include_body=True)
        if len(original) < size - 1200:
            original += "\n".join(self.wrap(" ".join(self.paragraphs(size - 1200 - len(original))))) + "\n"
        report = (f"Feedback-Type: abuse\nUser-Agent: SomeGenerator/1.0\nVersion: 1\nOriginal-Mail-From: <{OPERATOR}>\n"
                  f"Original-Rcpt-To: <{recipient}>\nArrival-Date: {self.date()}\nReported-Domain: nightshift.test\n"
                  f"Source-IP: 192.0.2.{r.randint(1, 254)}\nAuthentication-Results: {provider}; dkim=pass header.d=nightshift.test\n")
        parts = [(["Content-Type: text/plain; charset=us-ascii", "Content-Transfer-Encoding: 7bit"],
                  f"This is an email abuse report for an email message received from IP 192.0.2.1 on {self.date()}.\n"
                  "For more information about this format please see http://tools.ietf.org/html/rfc5965.\n"),
                 (["Content-Type: message/feedback-report"], report),
                 (["Content-Type: message/rfc822", "Content-Disposition: inline"], original)]
        content = self.multipart("report", parts, " report-type=feedback-report;")
        head = [f"Return-Path: <feedback@{provider}>", f"From: <feedback@{provider}>", f"To: {OPERATOR}",
                f"Subject: FW: {self.original('x.example')[0]}", f"Date: {self.date()}",
                f"Message-ID: {self.message_id(provider)}", "MIME-Version: 1.0"]
        return head + content[0], content[1]

    def message(self, stats):
        r = self.rng
        kind = r.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
        # Aimed a little under 50 KB: headers, MIME and encodings come on top of the text drawn.
        size = int(math.exp(r.uniform(math.log(1024), math.log(46 * 1024))))
        if kind == "auto_reply":
            head, body = self.auto_reply(size, stats)
        elif kind == "bounce":
            head, body = self.bounce(size, stats)
        elif kind == "arf":
            head, body = self.arf(size, stats)
        else:
            head, body = self.human(kind, size, stats)
        text = "\n".join(head) + "\n\n" + body
        charset = "iso-8859-1" if kind == "latin1" else "utf-8"
        data = text.encode(charset, "replace")
        if r.random() < 0.05:
            data = data.replace(b"\n", b"\r\n")
            stats["crlf"] += 1
        return kind, data


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    arguments = parser.parse_args()
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(arguments.dir, sub), exist_ok=True)
        for name in os.listdir(os.path.join(arguments.dir, sub)):
            os.remove(os.path.join(arguments.dir, sub, name))
    writer = Writer(arguments.seed)
    stats = {"kinds": {k: 0 for k, _ in KINDS}, "encodings": {}, "charsets": {}, "attachments": {}, "bounces": {}, "crlf": 0}
    total = smallest = largest = 0
    for i in range(arguments.count):
        kind, data = writer.message(stats)
        stats["kinds"][kind] += 1
        total += len(data)
        smallest = len(data) if i == 0 else min(smallest, len(data))
        largest = max(largest, len(data))
        name = f"{writer.now + i}.M{i:06d}P1Q1.bench.nightshift.test,S={len(data)}"
        with open(os.path.join(arguments.dir, "new", name), "wb") as f:
            f.write(data)
    truth = {"count": arguments.count, "seed": arguments.seed, "bytes": total, "smallest": smallest, "largest": largest, **stats}
    with open(os.path.join(arguments.dir, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1, sort_keys=True)
    print(json.dumps(truth, sort_keys=True))


if __name__ == "__main__":
    sys.exit(main())
