#!/usr/bin/python3
# read-backup.py: finding 7 of the hardening review, written from
# docs/FORMATS.md with only the attacker's own passphrase and the files. A
# supervisor who is a user of the vault takes a backup file (whose embedded
# keyring holds their entry) and tries to read it, as they could before
# backup format 2: their passphrase unwraps the database key, and format 1
# derived the stream key from it.
#
#   read-backup.py BACKUP USER PASSPHRASE-FILE
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


def try_decrypt(header, key):
    try:
        reader.decrypt_stream(header, key)
        return True
    except Exception:
        return False


def main(argv):
    backup, user_name, passphrase_file = argv[1:4]
    with open(backup, "rb") as f:
        header = reader.read_backup_header(f.read())
    keyring = reader.read_keyring(header["keyring"])
    me = next(u for u in keyring["users"] if u["name"] == user_name)
    with open(passphrase_file, encoding="utf-8") as f:
        passphrase = f.read().split("\n")[0]
    secrets = reader.unwrap_with_passphrase(keyring, me, passphrase)
    print("the supervisor's passphrase opened their entry in the backup's keyring")

    # 1. As format 1 did: the stream key from the database key.
    key = reader.kdf_derive(secrets["db_key"], header["seq"], b"cfdbackp")
    print("opened: the database key opens the stream" if try_decrypt(header, key)
          else "refused: the database key does not open the stream")

    # 2. The database key under format 2's context, in case only the label changed.
    key = reader.kdf_derive(secrets["db_key"], header["seq"], b"cfdbkup2")
    print("opened: the database key opens the stream as format 2" if try_decrypt(header, key)
          else "refused: the database key does not open the stream as format 2")

    # 3. A backup key entry of the supervisor's own, or anyone's, opened with
    # the supervisor's X25519 key.
    box_pk = sodium.crypto_scalarmult_base(secrets["box_sk"])
    opened = None
    for uid, entry in keyring["backup_keys"].items():
        try:
            opened = sodium.crypto_box_seal_open(entry[:80], box_pk, secrets["box_sk"])
        except Exception:
            continue
    print("backup key entries: %d, none for the supervisor" % len(keyring["backup_keys"])
          if me["id"] not in keyring["backup_keys"] else "the supervisor has an entry")
    if opened is not None:
        key = reader.kdf_derive(opened, header["seq"], b"cfdbkup2")
        print("opened: a backup key entry opens with the supervisor's key, and the stream %s"
              % ("with it" if try_decrypt(header, key) else "not"))
    else:
        print("refused: no backup key entry opens with the supervisor's key")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
