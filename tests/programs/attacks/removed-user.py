#!/usr/bin/python3
# removed-user.py: issue #18's removal, written from docs/FORMATS.md with
# only what a removed user kept: a copy of the keyring file from while they
# were a member, their old passphrase, and (before the removal) the patient
# keys their grants opened. After the owner removed them, they try the
# vault's files as they are now.
#
#   removed-user.py keep VAULT USER PASSPHRASE-FILE OLD-KEYRING-COPY KEYS-OUT
#       (while a member: copy the keyring, and every patient key and its
#        version their own grants open)
#   removed-user.py try VAULT USER PASSPHRASE-FILE OLD-KEYRING-COPY KEYS-IN
#
# "try" prints, for each way in, "refused: ..." or "opened: ...".
import importlib.util
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "confidant_read", os.path.join(here, "..", "reader", "confidant-read.py"))
reader = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reader)


def old_secrets(copy, user_name, passphrase_file):
    with open(copy, "rb") as f:
        keyring = reader.read_keyring(f.read())
    me = next(u for u in keyring["users"] if u["name"] == user_name)
    with open(passphrase_file, encoding="utf-8") as f:
        passphrase = f.read().split("\n")[0]
    return keyring, me, reader.unwrap_with_passphrase(keyring, me, passphrase)


def main(argv):
    command, vault, user_name, passphrase_file, copy, keys_file = argv[1:7]
    if command == "keep":
        with open(os.path.join(vault, "keyring"), "rb") as f, open(copy, "wb") as out:
            out.write(f.read())
        keyring, me, secrets = old_secrets(copy, user_name, passphrase_file)
        db = reader.Database(os.path.join(vault, "vault.db"), secrets["db_key"])
        users = reader.users_table(db)
        kept = []
        for patient_id, version in db.rows("SELECT id, key_version FROM patients"):
            key = reader.patient_key(db, keyring["vault_id"], me, secrets, users, patient_id,
                                     int(version))
            if key is not None:
                kept.append("%s %s %s" % (patient_id, version, key.hex()))
        with open(keys_file, "w") as f:
            f.write("\n".join(kept) + "\n")
        print("kept: the keyring and %d patient keys" % len(kept))
        return 0

    keyring, me, secrets = old_secrets(copy, user_name, passphrase_file)
    print("unwrapped: the old keyring entry with the old passphrase")
    # The database as it is now, with the database key the old entry holds.
    try:
        reader.Database(os.path.join(vault, "vault.db"), secrets["db_key"]).rows(
            "SELECT count(*) FROM patients")
        print("opened: the database with the old database key")
    except reader.FormatError:
        print("refused: the old database key does not open the database")
    # The current keyring: is anything there for this user any more?
    with open(os.path.join(vault, "keyring"), "rb") as f:
        current = reader.read_keyring(f.read())
    if any(u["id"] == me["id"] for u in current["users"]):
        print("opened: the current keyring still has an entry for this user")
    else:
        print("refused: the current keyring has no entry for this user")
    if me["id"] in current["backup_keys"]:
        print("opened: the current keyring still holds a backup-key copy for this user")
    else:
        print("refused: no backup-key copy for this user")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
