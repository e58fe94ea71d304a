#!/usr/bin/env python3
"""mcapply.py: apply a MachineConfig's files and units to a scratch root.

A small stand-in for what the Machine Config Operator and Ignition do on a
node, for tests: parse the YAML, check the MachineConfig's shape, validate
spec.config against an Ignition JSON schema (--schema), then write each
storage.files entry under ROOT (data: URLs only, with its mode) and record
each systemd unit: contents and drop-ins as files under
ROOT/etc/systemd/system, enabled/disabled as lines of
ROOT/etc/systemd/system-preset/20-ignition.preset (as Ignition records
them), masks as links to /dev/null. Prints one line per thing applied:

    machineconfig NAME role ROLE ignition VERSION
    schema valid FILE
    file PATH mode 0644 bytes N
    unit NAME enabled yes|no|unset mask yes|no contents yes|no dropins N

Exit status: 0 applied, 1 invalid or unsupported (one line "mcapply: ..."
on standard error), 2 usage.
"""

import argparse
import base64
import json
import os
import sys
import urllib.parse

import yaml

# The Ignition 3.2.0 keys this applier knows; anything else is refused, so
# that a typo in the generator cannot pass unnoticed (the schema allows
# unknown keys).
TOP_KEYS = {"ignition", "storage", "systemd", "passwd"}
FILE_KEYS = {"path", "mode", "overwrite", "contents", "user", "group", "append"}
UNIT_KEYS = {"name", "enabled", "mask", "contents", "dropins"}
DROPIN_KEYS = {"name", "contents"}


class Invalid(Exception):
    """The MachineConfig is invalid or uses what this applier does not do."""


def decode_data_url(url):
    """The bytes of an RFC 2397 data: URL."""
    if not isinstance(url, str) or not url.startswith("data:"):
        raise Invalid(f"source is not a data: URL: {str(url)[:60]!r}")
    head, sep, data = url[len("data:"):].partition(",")
    if not sep:
        raise Invalid("data: URL without ','")
    params = head.split(";")
    if params[-1] == "base64":
        try:
            return base64.b64decode(data, validate=True)
        except ValueError as e:
            raise Invalid(f"data: URL with bad base64: {e}") from None
    return urllib.parse.unquote_to_bytes(data)


def under_root(root, path):
    """ROOT/PATH for an absolute PATH without '..' components."""
    if not isinstance(path, str) or not path.startswith("/"):
        raise Invalid(f"path {path!r} is not absolute")
    parts = [p for p in path.split("/") if p]
    if any(p in (".", "..") for p in parts) or not parts:
        raise Invalid(f"path {path!r} is not a plain absolute path")
    return os.path.join(root, *parts)


def check_keys(what, obj, known):
    if not isinstance(obj, dict):
        raise Invalid(f"{what} is not a mapping")
    unknown = sorted(set(obj) - known)
    if unknown:
        raise Invalid(f"{what}: keys this applier does not know: {', '.join(unknown)}")


def write_file(root, path, data, mode, overwrite):
    dest = under_root(root, path)
    if os.path.lexists(dest) and not overwrite:
        raise Invalid(f"{path} exists and overwrite is not true")
    os.makedirs(os.path.dirname(dest), mode=0o755, exist_ok=True)
    tmp = dest + ".mcapply-tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.chmod(tmp, mode)
    os.replace(tmp, dest)


def apply_files(root, storage):
    check_keys("spec.config.storage", storage,
               {"files", "directories", "links", "disks", "raid", "luks", "filesystems"})
    for key in ("directories", "links", "disks", "raid", "luks", "filesystems"):
        if storage.get(key):
            raise Invalid(f"storage.{key} is not supported by this applier")
    for i, f in enumerate(storage.get("files") or []):
        check_keys(f"storage.files[{i}]", f, FILE_KEYS)
        path = f.get("path")
        if f.get("append"):
            raise Invalid(f"{path}: append is not supported")
        if f.get("user") or f.get("group"):
            raise Invalid(f"{path}: user/group are not supported")
        contents = f.get("contents") or {}
        check_keys(f"{path} contents", contents,
                   {"source", "compression", "verification", "httpHeaders"})
        if contents.get("compression"):
            raise Invalid(f"{path}: compressed contents are not supported")
        data = decode_data_url(contents.get("source", "data:,"))
        mode = f.get("mode")
        if mode is None:
            mode = 0o644  # Ignition's default for files
        if not isinstance(mode, int) or isinstance(mode, bool) or not 0 <= mode <= 0o7777:
            raise Invalid(f"{path}: mode {mode!r} is not a number from 0 to 4095")
        write_file(root, path, data, mode, f.get("overwrite") is True)
        print(f"file {path} mode {mode:04o} bytes {len(data)}")


def apply_units(root, systemd):
    check_keys("spec.config.systemd", systemd, {"units"})
    unitdir = os.path.join(root, "etc", "systemd", "system")
    presets = []
    for i, u in enumerate(systemd.get("units") or []):
        check_keys(f"systemd.units[{i}]", u, UNIT_KEYS)
        name = u.get("name")
        if not isinstance(name, str) or "/" in name or not name:
            raise Invalid(f"unit name {name!r}")
        if u.get("contents") is not None:
            write_file(root, f"/etc/systemd/system/{name}", u["contents"].encode(), 0o644, True)
        dropins = u.get("dropins") or []
        for j, d in enumerate(dropins):
            check_keys(f"{name} dropins[{j}]", d, DROPIN_KEYS)
            if d.get("contents") is not None:
                write_file(root, f"/etc/systemd/system/{name}.d/{d['name']}",
                           d["contents"].encode(), 0o644, True)
        if u.get("mask"):
            os.makedirs(unitdir, exist_ok=True)
            link = os.path.join(unitdir, name)
            if os.path.lexists(link):
                os.unlink(link)
            os.symlink("/dev/null", link)
        enabled = u.get("enabled")
        if enabled is True:
            presets.append(f"enable {name}")
        elif enabled is False:
            presets.append(f"disable {name}")
        print(f"unit {name} enabled {'unset' if enabled is None else 'yes' if enabled else 'no'}"
              f" mask {'yes' if u.get('mask') else 'no'}"
              f" contents {'no' if u.get('contents') is None else 'yes'} dropins {len(dropins)}")
    if presets:
        write_file(root, "/etc/systemd/system-preset/20-ignition.preset",
                   ("".join(p + "\n" for p in presets)).encode(), 0o644, True)


def validate_schema(config, schema_path):
    import jsonschema  # only needed here

    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    errors = sorted(cls(schema).iter_errors(config), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        where = "/".join(str(p) for p in e.path) or "(top)"
        raise Invalid(f"spec.config does not validate against {schema_path}: "
                      f"at {where}: {e.message} ({len(errors)} errors)")
    print(f"schema valid {schema_path}")


def apply(doc, root, schema):
    check_keys("the document", doc, {"apiVersion", "kind", "metadata", "spec"})
    if doc.get("apiVersion") != "machineconfiguration.openshift.io/v1":
        raise Invalid(f"apiVersion is {doc.get('apiVersion')!r}")
    if doc.get("kind") != "MachineConfig":
        raise Invalid(f"kind is {doc.get('kind')!r}")
    meta = doc.get("metadata") or {}
    name = meta.get("name")
    role = (meta.get("labels") or {}).get("machineconfiguration.openshift.io/role")
    if not isinstance(name, str) or not isinstance(role, str):
        raise Invalid("metadata needs a name and the label machineconfiguration.openshift.io/role")
    spec = doc.get("spec") or {}
    check_keys("spec", spec, {"config", "kernelArguments", "extensions", "fips",
                              "kernelType", "osImageURL"})
    config = spec.get("config")
    check_keys("spec.config", config, TOP_KEYS)
    version = (config.get("ignition") or {}).get("version")
    print(f"machineconfig {name} role {role} ignition {version}")
    if schema:
        validate_schema(config, schema)
    if not isinstance(version, str) or not version.startswith("3."):
        raise Invalid(f"ignition.version is {version!r}, not 3.x")
    if config.get("passwd"):
        raise Invalid("passwd is not supported by this applier")
    apply_files(root, config.get("storage") or {})
    apply_units(root, config.get("systemd") or {})


def main():
    ap = argparse.ArgumentParser(description="Apply a MachineConfig's files and units to a scratch root.")
    ap.add_argument("--root", required=True, help="directory standing in for the node's /")
    ap.add_argument("--schema", help="Ignition JSON schema to validate spec.config against")
    ap.add_argument("machineconfig", help="the MachineConfig YAML ('-': standard input)")
    args = ap.parse_args()
    try:
        if args.machineconfig == "-":
            text = sys.stdin.read()
        else:
            with open(args.machineconfig, encoding="utf-8") as f:
                text = f.read()
        docs = list(yaml.safe_load_all(text))
        if len(docs) != 1 or docs[0] is None:
            raise Invalid(f"expected one YAML document, found {len(docs)}")
        apply(docs[0], args.root, args.schema)
    except (Invalid, yaml.YAMLError, OSError, ValueError) as e:
        print(f"mcapply: {' '.join(str(e).split())}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
