#!/usr/bin/python3
# read-attachment.py: a supervisor tries to read a patient's filed
# documents outside Confidant, written from docs/FORMATS.md ("Attachments",
# "Details keys and record keys", "Sealed fields") with only the attacker's
# own passphrase and the vault's files. Every key the vault holds for them
# (patient-key grants, the details key, record keys granted to them, and
# whatever those unwrap) is tried on each attachment's wrapped key, its
# sealed title and name, and every chunk.
#
#   read-attachment.py VAULT USER PASSPHRASE-FILE PATIENT-ID MARKER
#
# Prints "keys held: N", one line per attachment, "attachment ID: opened"
# or "attachment ID: refused", and "marker in the database: yes|no" (the
# file's MARKER looked for in the decrypted database, where the chunks
# must be sealed).
import importlib.util
import os
import sys

import nacl.bindings as sodium
import nacl.exceptions

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "confidant_read", os.path.join(here, "..", "reader", "confidant-read.py"))
reader = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reader)


def try_open(key, sealed, ad):
    try:
        return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(sealed[24:], ad, sealed[:24], key)
    except nacl.exceptions.CryptoError:
        return None


def unseal_to_me(me, secrets, hex_sealed):
    try:
        return sodium.crypto_box_seal_open(bytes.fromhex(hex_sealed), me["box_pk"],
                                           secrets["box_sk"])
    except nacl.exceptions.CryptoError:
        return None


def main(argv):
    vault, user_name, passphrase_file, patient_id, marker = argv[1:6]
    with open(os.path.join(vault, "keyring"), "rb") as f:
        keyring = reader.read_keyring(f.read())
    me = next(u for u in keyring["users"] if u["name"] == user_name)
    with open(passphrase_file, encoding="utf-8") as f:
        passphrase = f.read().split("\n")[0]
    secrets = reader.unwrap_with_passphrase(keyring, me, passphrase)
    vault_id = keyring["vault_id"]
    db = reader.Database(os.path.join(vault, "vault.db"), secrets["db_key"])

    keys = []
    for table in ("patient_keys", "details_grants", "record_grants"):
        for (hex_sealed,) in db.rows("SELECT hex(sealed_key) FROM %s WHERE patient_id = '%s' "
                                     "AND user_id = '%s'" % (table, patient_id, me["id"])):
            keys.append(unseal_to_me(me, secrets, hex_sealed))
    keys = [k for k in keys if k is not None]
    print("keys held: %d" % len(keys))
    for key_version, hex_sealed in db.rows("SELECT key_version, hex(sealed) FROM details_keys "
                                           "WHERE patient_id = '%s'" % patient_id):
        ad = reader.field_ad(vault_id, patient_id, "details_keys", patient_id, 1,
                             int(key_version))
        keys += [k2 for k2 in (try_open(k, bytes.fromhex(hex_sealed), ad) for k in list(keys))
                 if k2 is not None]

    rows = db.rows("SELECT id, key_version, chunks, hex(wrapped_key), hex(sealed) "
                   "FROM attachments WHERE patient_id = '%s' ORDER BY id" % patient_id)
    for attachment_id, key_version, chunks, hex_wrapped, hex_meta in rows:
        # The attachment key, unwrapped as a sealed field; and every held
        # key tried as the attachment key itself.
        ad = reader.field_ad(vault_id, patient_id, "attachments", attachment_id, 1,
                             int(key_version))
        candidates = list(keys)
        candidates += [k2 for k2 in (try_open(k, bytes.fromhex(hex_wrapped), ad) for k in keys)
                       if k2 is not None]
        meta_ad = reader.lp("confidant/attachment-meta/v1", vault_id, attachment_id, patient_id)
        opened = any(try_open(k, bytes.fromhex(hex_meta), meta_ad) is not None
                     for k in candidates)
        for seq, hex_chunk in db.rows("SELECT seq, hex(sealed) FROM attachment_chunks "
                                      "WHERE attachment_id = '%s'" % attachment_id):
            chunk_ad = reader.lp("confidant/attachment-chunk/v1", vault_id, attachment_id,
                                 int(seq), int(chunks))
            opened = opened or any(try_open(k, bytes.fromhex(hex_chunk), chunk_ad) is not None
                                   for k in candidates)
        print("attachment %s: %s" % (attachment_id, "opened" if opened else "refused"))

    found = False
    for (hex_chunk,) in db.rows("SELECT hex(sealed) FROM attachment_chunks"):
        found = found or marker.encode() in bytes.fromhex(hex_chunk)
    print("marker in the database: %s" % ("yes" if found else "no"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
