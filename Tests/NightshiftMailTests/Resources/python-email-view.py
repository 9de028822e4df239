#!/usr/bin/env python3
"""Prints how Python's email package sees each message file, for NightshiftMail's corpus test.

Usage: python-email-view.py FILE...

One JSON array on stdout, one object per file, in argument order:
  file          the path as given
  headers       the number of top-level header fields (repeated ones counted each time)
  is_multipart  what Message.is_multipart() says (true for multipart/* and message/rfc822)
  parts         the number of direct sub-parts when is_multipart, else 0
  subject       the Subject decoded from RFC 2047 encoded words, or null when absent or undecodable
  parts_tree    every part depth first as [depth, content type], the message itself [0, ...] first
  defects       the names of the defects Python recorded on the top-level message
"""
import email
import email.header
import json
import sys


def decoded_subject(message):
    raw = message.get("subject")
    if raw is None:
        return None
    try:
        return str(email.header.make_header(email.header.decode_header(raw)))
    except Exception:  # an unknown charset or a malformed encoded word: Python gives up on it
        return None


def tree(part, depth):
    yield [depth, part.get_content_type()]
    if part.is_multipart():
        for sub in part.get_payload():
            yield from tree(sub, depth + 1)


def view(path):
    with open(path, "rb") as handle:
        message = email.message_from_binary_file(handle)
    multipart = message.is_multipart()
    return {
        "file": path,
        "headers": len(message.keys()),
        "is_multipart": multipart,
        "parts": len(message.get_payload()) if multipart else 0,
        "subject": decoded_subject(message),
        "parts_tree": list(tree(message, 0)),
        "defects": [type(defect).__name__ for defect in message.defects],
    }


if __name__ == "__main__":
    json.dump([view(path) for path in sys.argv[1:]], sys.stdout, indent=1)
    sys.stdout.write("\n")
