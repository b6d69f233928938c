#!/usr/bin/python3
# old-keyring.py: after `passwd --rotate-keys`, the attacker holds a copy of
# the keyring from before (every backup embeds one) and the passphrase of
# then, and takes today's files. Written from docs/FORMATS.md alone: the old
# entry unwraps to the old database key and the old X25519 secret; each is
# tried on everything written since.
#
#   old-keyring.py OLD-KEYRING USER OLD-PASSPHRASE-FILE VAULT-DIR [BACKUP]
#
# Prints one line per way tried: "opened: ..." or "refused: ...".
import importlib.util
import os
import sys

import nacl.bindings as sodium

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "confidant_read", os.path.join(here, "..", "reader", "confidant-read.py"))
reader = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reader)


def handed_on_db_keys(data):
    # Keyring version 4's last field: the database key sealed to each user
    # after a rotation (user id, sealed key).
    n = int.from_bytes(data[12:16], "big")
    fields = reader.variant("(sxayaya(sssuttayayayayx)a(say)a(xs)aya(say)a(say))",
                            data[16:16 + n]).unpack()
    return {uid: reader.ay(k) for uid, k in fields[9]}


def try_open_sealed(sealed, secrets):
    box_pk = sodium.crypto_scalarmult_base(secrets["box_sk"])
    try:
        return sodium.crypto_box_seal_open(sealed, box_pk, secrets["box_sk"])
    except Exception:
        return None


def main(argv):
    old_path, user_name, passphrase_file, vault = argv[1:5]
    backup = argv[5] if len(argv) > 5 else None
    with open(old_path, "rb") as f:
        old = reader.read_keyring(f.read())
    me = next(u for u in old["users"] if u["name"] == user_name)
    with open(passphrase_file, encoding="utf-8") as f:
        passphrase = f.read().split("\n")[0]
    secrets = reader.unwrap_with_passphrase(old, me, passphrase)
    print("the old passphrase opened the old entry")

    # 1. Today's database with the old database key.
    try:
        reader.Database(os.path.join(vault, "vault.db"), secrets["db_key"]).rows(
            "SELECT count(*) FROM patients")
        print("opened: the old database key opens today's database")
    except Exception:
        print("refused: the old database key does not open today's database")

    # 2. Today's keyring: the database key handed on, the backup key copies.
    with open(os.path.join(vault, "keyring"), "rb") as f:
        data = f.read()
    today = reader.read_keyring(data)
    opened = [uid for uid, sealed in handed_on_db_keys(data).items()
              if try_open_sealed(sealed, secrets) is not None]
    opened += [uid for uid, entry in today["backup_keys"].items()
               if try_open_sealed(entry[:80], secrets) is not None]
    print("opened: a key in today's keyring opens with the old X25519 key" if opened
          else "refused: no key in today's keyring opens with the old X25519 key")

    # 3. Today's entry of the same user with the same passphrase (if it was
    # not changed, the new secrets would simply be there).
    now = next((u for u in today["users"] if u["id"] == me["id"]), None)
    if now is not None and now["box_pk"] == me["box_pk"]:
        print("opened: today's keyring still names the old X25519 key")
    else:
        print("refused: today's keyring names another X25519 key")

    # 4. A backup made after the rotation, with the backup key the old
    # keyring held for this user.
    if backup is not None:
        with open(backup, "rb") as f:
            header = reader.read_backup_header(f.read())
        try:
            old_backup_key = reader.open_backup_key(old, me, secrets)
        except Exception:
            old_backup_key = None
        if old_backup_key is None:
            print("refused: the old keyring holds no backup key for this user")
        else:
            key = reader.kdf_derive(old_backup_key, header["seq"], b"cfdbkup2")
            try:
                reader.decrypt_stream(header, key)
                print("opened: the old backup key opens a backup made after the rotation")
            except Exception:
                print("refused: the old backup key does not open a backup made after the rotation")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
