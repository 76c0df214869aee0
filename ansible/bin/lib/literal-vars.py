"""Writes JSON playbook variables (stdin) as a YAML vars file in which every string is
tagged !unsafe, so Ansible uses each value literally and never evaluates a "{{ ... }}"
or "{% ... %}" inside it on the controller.
Usage: literal-vars.py [NAME=ENV_VAR ...] < vars.json > vars.yml
Each NAME=ENV_VAR adds the string variable NAME from the environment (never from the
command line, where other users could read it). Exit 64 when the input is not a JSON
object."""
import json
import os
import sys


def quoted(text):
    # Printable ASCII as is, everything else escaped: YAML double-quoted scalars refuse
    # some characters (DEL, lone surrogates) that JSON carries.
    out = []
    for char in text:
        if 0x20 <= ord(char) < 0x7F and char not in '"\\':
            out.append(char)
        else:
            out.append("\\U%08x" % ord(char))
    return '"' + "".join(out) + '"'


def literal(value):
    if isinstance(value, str):
        return "!unsafe " + quoted(value)
    if isinstance(value, list):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(quoted(key) + ": " + literal(item) for key, item in value.items()) + "}"
    return json.dumps(value)


def main():
    try:
        variables = json.load(sys.stdin)
    except ValueError as err:
        sys.stderr.write("playbook variables are not JSON: %s\n" % err)
        return 64
    if not isinstance(variables, dict):
        sys.stderr.write("playbook variables must be a JSON object\n")
        return 64
    for name, env in (arg.split("=", 1) for arg in sys.argv[1:]):
        variables[name] = os.environ.get(env, "")
    for key, value in variables.items():
        sys.stdout.write(quoted(key) + ": " + literal(value) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
