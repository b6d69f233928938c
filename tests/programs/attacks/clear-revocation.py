#!/usr/bin/python3
# clear-revocation.py: finding 3 of issue #17 for a revoked consent, written
# from docs/FORMATS.md with only the attacker's own passphrase and the
# vault's files. A supervisor whose consent was revoked makes it look live
# again with the stock sqlcipher shell, hoping the practice's next signed
# record grants them its key.
#
#   clear-revocation.py clear VAULT USER PASSPHRASE-FILE CONSENT-ID
#       clears consents.revoked_at (and key_withdrawn)
#   clear-revocation.py erase VAULT USER PASSPHRASE-FILE CONSENT-ID
#       also deletes the consent's row of consent_revocations
#   clear-revocation.py check VAULT USER PASSPHRASE-FILE PATIENT-ID RECORD-ID
#       prints "record ID: opened" or "record ID: refused": whether a key
#       sealed to this user opens the record's body
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


def open_vault(vault, user_name, passphrase_file):
    with open(os.path.join(vault, "keyring"), "rb") as f:
        keyring = reader.read_keyring(f.read())
    me = next(u for u in keyring["users"] if u["name"] == user_name)
    with open(passphrase_file, encoding="utf-8") as f:
        passphrase = f.read().split("\n")[0]
    secrets = reader.unwrap_with_passphrase(keyring, me, passphrase)
    db = reader.Database(os.path.join(vault, "vault.db"), secrets["db_key"])
    return keyring, me, secrets, db


def check(keyring, me, secrets, db, patient_id, record_id):
    # "Details keys and record keys": a record key granted to this user is
    # sealed to their box_pk in record_grants; the body opens under it with
    # the field AD bound to key version 0.
    keys = []
    for (hex_sealed,) in db.rows("SELECT hex(sealed_key) FROM record_grants WHERE record_id = "
                                 "'%s' AND user_id = '%s'" % (record_id, me["id"])):
        try:
            keys.append(sodium.crypto_box_seal_open(bytes.fromhex(hex_sealed), me["box_pk"],
                                                    secrets["box_sk"]))
        except nacl.exceptions.CryptoError:
            pass
    print("record keys sealed to me: %d" % len(keys))
    opened = False
    for revision, hex_sealed in db.rows("SELECT revision, hex(sealed) FROM records WHERE id = "
                                        "'%s'" % record_id):
        sealed = bytes.fromhex(hex_sealed)
        ad = reader.field_ad(keyring["vault_id"], patient_id, "records", record_id,
                             int(revision), 0)
        for k in keys:
            try:
                sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(sealed[24:], ad, sealed[:24], k)
                opened = True
            except nacl.exceptions.CryptoError:
                pass
    print("record %s: %s" % (record_id, "opened" if opened else "refused"))


def main(argv):
    mode, vault, user_name, passphrase_file = argv[1:5]
    keyring, me, secrets, db = open_vault(vault, user_name, passphrase_file)
    if mode == "check":
        check(keyring, me, secrets, db, argv[5], argv[6])
        return 0
    consent_id = argv[5]
    db.rows("UPDATE consents SET revoked_at = NULL, key_withdrawn = 0 WHERE id = '%s'"
            % consent_id)
    if mode == "erase":
        db.rows("DELETE FROM consent_revocations WHERE consent_id = '%s'" % consent_id)
    left = db.rows("SELECT count(*) FROM consents WHERE id = '%s' AND revoked_at IS NULL"
                   % consent_id)
    print("consent %s: revoked_at cleared (%s row)" % (consent_id, left[0][0]))
    if mode == "erase":
        left = db.rows("SELECT count(*) FROM consent_revocations WHERE consent_id = '%s'"
                       % consent_id)
        print("consent %s: revocation rows left: %s" % (consent_id, left[0][0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
