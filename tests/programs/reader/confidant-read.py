#!/usr/bin/python3
# confidant-read.py: opens a Confidant backup from the documents alone.
#
# Written only from docs/FORMATS.md and docs/SECURITY.md, with Debian's
# python3-nacl, python3-gi (GLib.Variant) and the stock `sqlcipher` shell;
# it imports and runs nothing of Confidant. tests/test-reader.sh runs it on
# the known-answer backup and on a fresh one, so when the code and the
# documents drift apart, the suite fails. Section names in comments are
# those of docs/FORMATS.md.
#
# Usage: confidant-read.py BACKUP-OR-VAULT-FOLDER
#            (--passphrase-file F [--user NAME] | --recovery-key-file F)
# Prints what it verified and each patient's name and records' text.

import argparse
import hashlib
import os
import struct
import subprocess
import sys
import tempfile
import unicodedata

import nacl.bindings as sodium
import nacl.exceptions
import nacl.pwhash
import nacl.signing
from gi.repository import GLib


class FormatError(Exception):
    pass


def need(condition, what):
    if not condition:
        raise FormatError(what)


# "Length-prefixed encoding": each element a 4-byte big-endian length and its
# bytes; strings UTF-8, integers 8-byte big-endian (two's complement).
def lp(context, *elements):
    out = bytearray()
    for e in (context,) + elements:
        if isinstance(e, str):
            e = e.encode("utf-8")
        elif isinstance(e, int):
            e = struct.pack(">Q", e & 0xFFFFFFFFFFFFFFFF)
        out += struct.pack(">I", len(e)) + bytes(e)
    return bytes(out)


def blake2b(data, key=b""):
    return hashlib.blake2b(data, digest_size=32, key=key).digest()


# GVariant bodies are little-endian on disk, in normal form.
def variant(type_string, data):
    value = GLib.Variant.new_from_bytes(GLib.VariantType(type_string), GLib.Bytes.new(data), False)
    need(value.is_normal_form(), "a %s value is not in normal form" % type_string)
    if sys.byteorder == "big":
        value = value.byteswap()
    return value


def ay(value):
    return bytes(value)


def aead_open(key, sealed, ad, what):
    # nonce (24) || ciphertext || tag (16), XChaCha20-Poly1305-IETF
    try:
        return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(sealed[24:], ad, sealed[:24], key)
    except nacl.exceptions.CryptoError:
        raise FormatError("%s does not authenticate" % what)


def verify(public_key, message, signature, what):
    try:
        nacl.signing.VerifyKey(public_key).verify(message, signature)
    except nacl.exceptions.BadSignatureError:
        raise FormatError("the signature of %s does not verify" % what)


# "Backup files": the header.
def read_backup_header(data):
    need(data[:8] == b"CFDBACKP", "not a backup")
    need(blake2b(data[:16])[:8] == data[16:24], "prefix check")
    version, n = struct.unpack(">II", data[8:16])
    need(version in (1, 2), "backup format %d" % version)
    need(blake2b(data[: 24 + n]) == data[24 + n : 56 + n], "header hash")
    body = variant("(stxuut(say)ay)", data[24 : 24 + n])
    vault_id, seq, time, schema, chunk, payload, (kind, checkpoint), keyring = body.unpack()
    return {
        "vault_id": vault_id, "seq": seq, "time": time, "schema": schema, "chunk": chunk,
        "payload": payload, "checkpoint_kind": kind, "checkpoint": ay(checkpoint),
        "keyring": ay(keyring), "hash": data[24 + n : 56 + n], "stream": data[56 + n :],
        "version": version,
    }


# "The keyring file".
def read_keyring(data):
    need(data[:8] == b"CFDKEYRG", "not a keyring")
    version, n = struct.unpack(">II", data[8:16])
    need(version in (1, 2, 3, 4) and len(data) == 48 + n, "keyring size or version")
    need(blake2b(data[: 16 + n]) == data[16 + n :], "keyring checksum")
    if version == 1:
        vault_id, created, key_check, db_salt, users, recoveries, failures = variant(
            "(sxayaya(sssuttayayayayx)a(say)a(xs))", data[16 : 16 + n]
        ).unpack()
        roster = b""
        backup_keys = []
    elif version < 4:
        # Version 2 adds the owner-signed roster (empty until the owner signs one);
        # version 3 has the same layout, with the trust state in wrapped secrets.
        vault_id, created, key_check, db_salt, users, recoveries, failures, roster = variant(
            "(sxayaya(sssuttayayayayx)a(say)a(xs)ay)", data[16 : 16 + n]
        ).unpack()
        backup_keys = []
    else:
        # Version 4 adds the backup keys: (user id, sealed key || owner's signature),
        # and the database keys handed on after a rotation: (user id, sealed key).
        (vault_id, created, key_check, db_salt, users, recoveries, failures, roster,
         backup_keys, db_keys) = variant("(sxayaya(sssuttayayayayx)a(say)a(xs)aya(say)a(say))",
                                         data[16 : 16 + n]).unpack()
    fields = ("id", "name", "role", "alg", "opslimit", "memlimit", "salt", "wrapped", "box_pk",
              "sign_pk", "created")
    users = [dict(zip(fields, u)) for u in users]
    for u in users:
        for k in ("salt", "wrapped", "box_pk", "sign_pk"):
            u[k] = ay(u[k])
    return {
        "vault_id": vault_id, "key_check": ay(key_check), "users": users,
        "recoveries": {uid: ay(w) for uid, w in recoveries}, "failures": failures,
        "roster": ay(roster), "backup_keys": {uid: ay(k) for uid, k in backup_keys},
    }


# "The roster": checked against the owner key pinned in the reader's own entry.
def verify_roster(keyring, owner_pin, me):
    body, signature = variant("(ayay)", keyring["roster"]).unpack()
    body = ay(body)
    # Version 2 bodies start with the byte 2 and are signed under their own
    # domain; version 1 bodies start with the vault id.
    version = 2 if body[:1] == b"\x02" else 1
    verify(owner_pin, lp("confidant/roster/v%d" % version, keyring["vault_id"], body),
           ay(signature), "the roster")
    if version == 2:
        _, roster_vault, seq, issued, entries = variant(
            "(ystxa(sssayayxsa(ayayx)xs))", body).unpack()
    else:
        roster_vault, seq, issued, entries = variant("(stxa(sssayayxs))", body).unpack()
    need(roster_vault == keyring["vault_id"], "a roster from another vault")
    entries = {e[0]: {"name": e[1], "role": e[2], "box_pk": ay(e[3]), "sign_pk": ay(e[4]),
                      "removed": e[8] if version == 2 else 0}
               for e in entries}
    need([e["sign_pk"] for e in entries.values() if e["role"] == "owner"] == [owner_pin],
         "the roster's owner")
    mine = entries.get(me["id"])
    need(mine is not None and mine["role"] == me["role"] and mine["box_pk"] == me["box_pk"]
         and mine["sign_pk"] == me["sign_pk"], "this user's keys are not in the roster")
    need(mine["removed"] == 0, "this user was removed from the vault")
    return seq, entries


def split_secrets(plain, user):
    # database key (32) || X25519 secret (32) || Ed25519 secret (64: seed || public key)
    # || the owner's Ed25519 public key as this user trusts it (32; not in an
    # entry from keyring format version 1) || the trust state (80; not before
    # version 3): roster seq (u64 BE), roster hash (32), audit seq (u64 BE),
    # audit chain hash (32)
    need(len(plain) in (128, 160, 240), "wrapped secrets of %d bytes" % len(plain))
    secrets = {"db_key": plain[:32], "box_sk": plain[32:64], "sign_sk": plain[64:128],
               "owner_pin": plain[128:160], "roster_seq": 0, "roster_hash": b"",
               "audit_seq": 0, "audit_head": b""}
    if len(plain) == 240:
        secrets["roster_seq"] = struct.unpack(">Q", plain[160:168])[0]
        secrets["roster_hash"] = plain[168:200]
        secrets["audit_seq"] = struct.unpack(">Q", plain[200:208])[0]
        secrets["audit_head"] = plain[208:240]
    need(secrets["sign_sk"][32:] == user["sign_pk"], "Ed25519 secret's public half")
    need(sodium.crypto_scalarmult_base(secrets["box_sk"]) == user["box_pk"], "X25519 key pair")
    return secrets


def unwrap_with_passphrase(keyring, user, passphrase, normalise=True):
    # Argon2id over the passphrase's UTF-8 bytes in Unicode NFC.
    need(user["alg"] == 2, "KDF algorithm %d" % user["alg"])
    if normalise:
        passphrase = unicodedata.normalize("NFC", passphrase)
    kek = nacl.pwhash.argon2id.kdf(32, passphrase.encode("utf-8"), user["salt"],
                                   opslimit=user["opslimit"], memlimit=user["memlimit"])
    ad = lp("confidant/keyring-user/v1", keyring["vault_id"], user["id"], user["role"],
            user["opslimit"], user["memlimit"], user["salt"], user["box_pk"], user["sign_pk"])
    return split_secrets(aead_open(kek, user["wrapped"], ad, "the passphrase's entry"), user)


CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def parse_recovery_key(text):
    digits = [c for c in text.upper() if c not in "- \t\r\n"]
    digits = ["0" if c == "O" else "1" if c in "IL" else c for c in digits]
    need(len(digits) == 36 and all(c in CROCKFORD for c in digits), "recovery key form")
    bits = 0
    for c in digits[:32]:
        bits = (bits << 5) | CROCKFORD.index(c)
    raw = bits.to_bytes(20, "big")
    digest = blake2b(raw)
    check = ((digest[0] << 16) | (digest[1] << 8) | digest[2]) & 0xFFFFF
    expected = "".join(CROCKFORD[(check >> s) & 31] for s in (15, 10, 5, 0))
    need("".join(digits[32:]) == expected, "recovery key check digits")
    return raw


def unwrap_with_recovery_key(keyring, owner, text):
    raw = parse_recovery_key(text)
    kek = blake2b(lp("confidant/recovery-kek/v1", keyring["vault_id"]), key=raw)
    ad = lp("confidant/keyring-recovery/v1", keyring["vault_id"], owner["id"])
    plain = aead_open(kek, keyring["recoveries"][owner["id"]], ad, "the recovery entry")
    return split_secrets(plain, owner)


# "Checkpoints", wire form.
def read_checkpoint(data):
    need(data[:7] == b"CFDAUDC" and data[7] == 1, "checkpoint magic")
    seq, time = struct.unpack(">qq", data[8:24])
    head, pk, signature = data[24:56], data[56:88], data[88:152]
    rest = data[152:]
    vault_id = rest[1 : 1 + rest[0]].decode()
    rest = rest[1 + rest[0] :]
    signer = rest[1 : 1 + rest[0]].decode()
    need(len(rest) == 1 + rest[0], "bytes after the checkpoint")
    return {"seq": seq, "time": time, "head": head, "pk": pk, "signature": signature,
            "vault_id": vault_id, "signer": signer}


# libsodium's crypto_kdf_derive_from_key, spelled out as BLAKE2b.
def kdf_derive(key, subkey_id, context):
    return hashlib.blake2b(b"", digest_size=32, key=key,
                           salt=struct.pack("<Q", subkey_id) + bytes(8),
                           person=context + bytes(16 - len(context))).digest()


# "The backup key": the user's copy, signed by the owner key they pinned,
# sealed to their X25519 key.
def open_backup_key(keyring, me, secrets):
    entry = keyring["backup_keys"].get(me["id"])
    need(entry is not None, "%s holds no backup key (only the owner and therapists do)"
         % me["name"])
    need(len(entry) == 144 and secrets["owner_pin"], "backup key entry")
    sealed = entry[:80]
    verify(secrets["owner_pin"], lp("confidant/backup-key/v1", keyring["vault_id"], me["id"],
                                    sealed), entry[80:], "the backup key")
    box_pk = sodium.crypto_scalarmult_base(secrets["box_sk"])
    return sodium.crypto_box_seal_open(sealed, box_pk, secrets["box_sk"])


# Format 1 from the database key ("cfdbackp"), format 2 from the backup key ("cfdbkup2").
def stream_key(header, keyring, me, secrets):
    if header["version"] == 1:
        return kdf_derive(secrets["db_key"], header["seq"], b"cfdbackp")
    return kdf_derive(open_backup_key(keyring, me, secrets), header["seq"], b"cfdbkup2")


def decrypt_stream(header, key):
    stream = header["stream"]
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, stream[:24], key)
    c, p = header["chunk"], header["payload"]
    chunks = p // c + 1
    pos, out = 24, bytearray()
    for i in range(chunks):
        size = (c if i < chunks - 1 else p % c) + 17
        plain, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(
            state, stream[pos : pos + size], header["hash"] if i == 0 else None)
        final = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
        need((tag == final) == (i == chunks - 1), "chunk %d tag" % i)
        out += plain
        pos += size
    need(pos == len(stream) and len(out) == p, "stream length")
    return bytes(out)


class Database:
    """The stock sqlcipher shell: raw key, then cipher_page_size 4096."""

    def __init__(self, path, key):
        self.path, self.key = path, key

    def rows(self, query):
        script = ("PRAGMA key = \"x'%s'\";\nPRAGMA cipher_page_size = 4096;\n"
                  ".mode list\n.separator |\n%s;\n" % (self.key.hex(), query))
        run = subprocess.run(["sqlcipher", "-batch", "-noheader", self.path], input=script,
                             capture_output=True, text=True)
        need(run.returncode == 0 and not run.stderr, "sqlcipher: %s" % run.stderr.strip())
        return [line.split("|") for line in run.stdout.splitlines()]


def text(hex_value):
    return bytes.fromhex(hex_value).decode("utf-8")


def users_table(db):
    rows = db.rows("SELECT hex(id), hex(name), hex(role), hex(sign_pk) FROM users")
    return {text(i): {"name": text(n), "role": text(r), "sign_pk": bytes.fromhex(pk)}
            for i, n, r, pk in rows}


def check_audit_chain(db, checkpoint):
    # "Canonical encoding and the chain"
    h = bytes(32)
    heads = {}
    for row in db.rows("SELECT seq, time, hex(actor), hex(action), hex(object_kind), "
                       "hex(object_id), hex(outcome), hex(authorization), hex(device), hex(hash) "
                       "FROM audit_log ORDER BY seq"):
        seq, time = int(row[0]), int(row[1])
        h = blake2b(h + lp("confidant/audit/v1", seq, time, *[text(x) for x in row[2:9]]))
        need(h == bytes.fromhex(row[9]), "audit record %d does not chain" % seq)
        heads[seq] = h
    if checkpoint is not None:
        need(heads.get(checkpoint["seq"]) == checkpoint["head"], "checkpoint head")
    return len(heads)


def field_ad(vault_id, patient_id, table, row_id, revision, key_version):
    # "Sealed fields": format version 1 and integers as 8-byte big-endian.
    return lp("confidant/field", 1, vault_id, patient_id, table, row_id, revision, key_version)


def patient_key(db, vault_id, me, secrets, users, patient_id, version):
    rows = db.rows("SELECT hex(sealed_key), hex(granted_by), granted_at, hex(signature) "
                   "FROM patient_keys WHERE patient_id = '%s' AND key_version = %d "
                   "AND user_id = '%s'" % (patient_id, version, me["id"]))
    if not rows:
        return None
    sealed, granted_by, granted_at, signature = rows[0]
    sealed, granted_by = bytes.fromhex(sealed), text(granted_by)
    granter = users[granted_by]
    need(granter["role"] in ("owner", "therapist"), "grant by a %s" % granter["role"])
    verify(granter["sign_pk"], lp("confidant/grant/v1", vault_id, patient_id, version, me["id"],
                                  sealed, granted_by, int(granted_at)),
           bytes.fromhex(signature), "a grant")
    return sodium.crypto_box_seal_open(sealed, me["box_pk"], secrets["box_sk"])


def has_table(db, name):
    # Schema 6 added the tables of details keys and record keys.
    return bool(db.rows("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '%s'"
                        % name))


def details_key(db, vault_id, key, patient_id, version):
    # "Details keys and record keys": wrapped under the patient key; a
    # patient from before them has none, and the patient key is used.
    if not has_table(db, "details_keys"):
        return key
    rows = db.rows("SELECT hex(sealed) FROM details_keys WHERE patient_id = '%s' "
                   "AND key_version = %d" % (patient_id, version))
    if not rows:
        return key
    return aead_open(key, bytes.fromhex(rows[0][0]),
                     field_ad(vault_id, patient_id, "details_keys", patient_id, 1, version),
                     "the details key")


def record_body_key(db, vault_id, key, patient_id, record_id, revision, version):
    # A signed record's body is under its own key (key version 0 in the
    # associated data), wrapped under the patient key in record_keys.
    if not has_table(db, "record_keys"):
        return key, version
    rows = db.rows("SELECT key_version, hex(sealed) FROM record_keys WHERE record_id = '%s' "
                   "AND revision = %d" % (record_id, revision))
    if not rows:
        return key, version
    need(int(rows[0][0]) == version, "a record key under another key version")
    return aead_open(key, bytes.fromhex(rows[0][1]),
                     field_ad(vault_id, patient_id, "record_keys", record_id, revision, version),
                     "a record key"), 0


def show_patient(db, vault_id, me, secrets, users, patient_id, revision, version, sealed):
    records_key = patient_key(db, vault_id, me, secrets, users, patient_id, version)
    if records_key is None:
        print("patient %s: no grant for %s" % (patient_id, me["name"]))
        return
    key = details_key(db, vault_id, records_key, patient_id, version)
    plain = aead_open(key, bytes.fromhex(sealed),
                      field_ad(vault_id, patient_id, "patients", patient_id, revision, version),
                      "the patient's details")
    details = variant("a{sv}", plain).unpack()
    print("patient: %s (born %s)" % (details["name"], details.get("birth-date", "?")))

    # "Clinical records"
    digests = {}
    for (rid, parent, author, kind, klass, status, occurred, signed_at, revision, kv, sealed,
         signature) in db.rows(
            "SELECT id, ifnull(parent_id, ''), author_id, kind, class, status, occurred, "
            "ifnull(signed_at, 0), revision, key_version, hex(sealed), hex(signature) FROM records "
            "WHERE patient_id = '%s' ORDER BY occurred, id" % patient_id):
        need(int(kv) == version, "a record under another key version")
        body_key, body_version = record_body_key(db, vault_id, records_key, patient_id, rid,
                                                 int(revision), version)
        content = aead_open(body_key, bytes.fromhex(sealed),
                            field_ad(vault_id, patient_id, "records", rid, int(revision),
                                     body_version), "a record")
        fields = variant("a{sv}", content).unpack()
        line = "note: %s, %s, %s" % (kind, klass, status)
        if status == "signed":
            digest = blake2b(lp("confidant/record-signature/v1", vault_id, rid, patient_id, kind,
                                klass, parent, author, int(occurred), int(signed_at), content))
            verify(users[author]["sign_pk"], digest, bytes.fromhex(signature), "a record")
            digests[rid] = digest
            line += ", signature by %s verified" % users[author]["name"]
        print(line)
        for name in sorted(fields):
            if isinstance(fields[name], str):
                print("  %s: %s" % (name, fields[name]))

    # "Reviews"
    for rvid, rid, author, kind, created, revision, kv, sealed, signature in db.rows(
            "SELECT id, record_id, author_id, kind, created, revision, key_version, hex(sealed), "
            "hex(signature) FROM reviews WHERE patient_id = '%s' ORDER BY created, id"
            % patient_id):
        content = aead_open(key, bytes.fromhex(sealed),
                            field_ad(vault_id, patient_id, "reviews", rvid, int(revision),
                                     int(kv)), "a review")
        need(users[author]["role"] == "supervisor", "a review by a %s" % users[author]["role"])
        verify(users[author]["sign_pk"],
               lp("confidant/review/v1", vault_id, rvid, rid, digests[rid], author, kind,
                  int(created), blake2b(content)),
               bytes.fromhex(signature), "a review")
        text_field = variant("a{sv}", content).unpack().get("text", "")
        print("review: %s by %s, signature verified%s"
              % (kind, users[author]["name"], ": " + text_field if text_field else ""))

    # "Consents"
    for cid, sup, granted_by, created, expires, revision, kv, sealed, signature in db.rows(
            "SELECT id, supervisor_id, granted_by, created, ifnull(expires, 'none'), revision, "
            "key_version, hex(sealed), hex(signature) FROM consents "
            "WHERE patient_id = '%s'" % patient_id):
        terms_bytes = aead_open(key, bytes.fromhex(sealed),
                                field_ad(vault_id, patient_id, "consents", cid, int(revision),
                                         int(kv)), "a consent")
        terms = variant("a{sv}", terms_bytes).unpack()
        signed_expires = terms["expires"]
        need(signed_expires == (0 if expires == "none" else int(expires)), "consent expiry")
        verify(users[granted_by]["sign_pk"],
               lp("confidant/consent/v1", vault_id, cid, patient_id, sup, granted_by,
                  int(created), signed_expires, blake2b(terms_bytes)),
               bytes.fromhex(signature), "a consent")
        print("consent: scope %s for %s, expires %s (signed %d), signature verified"
              % (terms["scope"], users[sup]["name"], expires, signed_expires))


def unlock(keyring, args):
    if args.recovery_key_file:
        me = next(u for u in keyring["users"] if u["role"] == "owner")
        with open(args.recovery_key_file, encoding="utf-8") as f:
            secrets = unwrap_with_recovery_key(keyring, me, f.read())
        print("keyring: recovery key opened %s's entry" % me["name"])
    else:
        me = next(u for u in keyring["users"]
                  if (args.user is None and u["role"] == "owner") or u["name"] == args.user)
        with open(args.passphrase_file, encoding="utf-8") as f:
            passphrase = f.read().split("\n")[0]
        try:
            secrets = unwrap_with_passphrase(keyring, me, passphrase)
        except FormatError:
            # An entry from before passphrases were normalised: the bytes as typed.
            need(unicodedata.normalize("NFC", passphrase) != passphrase, "wrong passphrase")
            secrets = unwrap_with_passphrase(keyring, me, passphrase, normalise=False)
        print("keyring: passphrase opened %s's entry (Argon2id, %d passes, %d MiB)"
              % (me["name"], me["opslimit"], me["memlimit"] >> 20))
    need(blake2b(lp("confidant/db-key-check/v1", keyring["vault_id"]), key=secrets["db_key"])
         == keyring["key_check"], "database key check")
    # "Wrapped secrets": the owner key pinned in the user's own entry must be
    # the keyring's owner key (a version 1 entry has no pin yet).
    owner = next(u for u in keyring["users"] if u["role"] == "owner")
    need(not secrets["owner_pin"] or secrets["owner_pin"] == owner["sign_pk"],
         "the keyring's owner key is not the one pinned in this user's entry")
    # The trust state: a roster emptied, older, or another document under
    # the number this user saw is the keyring altered or put back.
    need(keyring["roster"] or not secrets["roster_seq"],
         "the roster is missing, but this user saw roster %d" % secrets["roster_seq"])
    if keyring["roster"] and secrets["owner_pin"]:
        seq, entries = verify_roster(keyring, secrets["owner_pin"], me)
        need(seq >= secrets["roster_seq"], "roster %d is older than roster %d this user saw"
             % (seq, secrets["roster_seq"]))
        need(seq != secrets["roster_seq"] or blake2b(keyring["roster"]) == secrets["roster_hash"],
             "roster %d is not the one this user saw" % seq)
        print("keyring: roster %d signed by the owner, %d users" % (seq, len(entries)))
    return me, secrets


def check_backup_checkpoint(header, keyring):
    need(header["checkpoint_kind"] == "confidant/audit-checkpoint/v1", "checkpoint kind")
    checkpoint = read_checkpoint(header["checkpoint"])
    signer = next(u for u in keyring["users"] if u["id"] == checkpoint["signer"])
    need(checkpoint["pk"] == signer["sign_pk"] and checkpoint["vault_id"] == header["vault_id"],
         "checkpoint signer")
    verify(signer["sign_pk"],
           lp("confidant/audit/checkpoint/v1", checkpoint["vault_id"], checkpoint["seq"],
              checkpoint["time"], checkpoint["head"], checkpoint["signer"]),
           checkpoint["signature"], "the checkpoint")
    print("checkpoint: seq %d, signed by %s, verified" % (checkpoint["seq"], signer["name"]))
    return checkpoint


def main():
    parser = argparse.ArgumentParser(description="Opens a Confidant backup or vault folder.")
    parser.add_argument("path", help="a .cfdbackup file, or a vault folder (keyring, vault.db)")
    parser.add_argument("--user")
    parser.add_argument("--passphrase-file")
    parser.add_argument("--recovery-key-file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "vault.db")
        checkpoint = None
        if os.path.isdir(args.path):
            # A vault folder: the keyring beside the database; copies of the
            # database and its write-ahead log, since the shell writes there.
            with open(os.path.join(args.path, "keyring"), "rb") as f:
                keyring = read_keyring(f.read())
            vault_id = keyring["vault_id"]
            print("vault folder: vault %s" % vault_id)
            me, secrets = unlock(keyring, args)
            for name in ("vault.db", "vault.db-wal"):
                if os.path.exists(os.path.join(args.path, name)):
                    with open(os.path.join(args.path, name), "rb") as src:
                        with open(os.path.join(folder, name), "wb") as dst:
                            dst.write(src.read())
        else:
            with open(args.path, "rb") as f:
                header = read_backup_header(f.read())
            keyring = read_keyring(header["keyring"])
            vault_id = header["vault_id"]
            need(keyring["vault_id"] == vault_id, "keyring of another vault")
            print("backup: format %d, vault %s, sequence %d, %d database bytes in chunks of %d"
                  % (header["version"], vault_id, header["seq"], header["payload"],
                     header["chunk"]))
            me, secrets = unlock(keyring, args)
            checkpoint = check_backup_checkpoint(header, keyring)
            with open(path, "wb") as f:
                f.write(decrypt_stream(header, stream_key(header, keyring, me, secrets)))

        db = Database(path, secrets["db_key"])
        need(db.rows("PRAGMA integrity_check") == [["ok"]], "integrity check")
        print("database: %d audit records chain%s"
              % (check_audit_chain(db, checkpoint),
                 " to the checkpoint" if checkpoint else ""))
        users = users_table(db)
        for pid, revision, version, sealed in db.rows(
                "SELECT id, revision, key_version, hex(sealed) FROM patients ORDER BY created, id"):
            show_patient(db, vault_id, me, secrets, users, pid, int(revision), int(version),
                         sealed)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except FormatError as e:
        print("confidant-read: %s" % e, file=sys.stderr)
        sys.exit(1)
