"""The ecap.platform.template lookup renders as ansible.builtin.template does, without deep-copying the variables."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
PLAYBOOK = Path(sys.executable).with_name("ansible-playbook")

TEMPLATE = """{
  "Version": "2012-10-17",
  "Statement": [
{% for name in services %}
    {"Sid": "{{ name | upper }}",
     "Resource": "arn:aws:kms:{{ region }}:{{ account }}:key/{{ name }}"}{{ "," if not loop.last }}
{% endfor %}
  ],
  "Extra": "{{ extra | default('none') }}"
}
"""

PLAY = """
- hosts: localhost
  gather_facts: false
  vars:
    services: [rds, msk]
    region: us-west-2
    account: "{{ '1234' ~ '56789012' }}"
    big: "{{ range(2000) | map('string') | list }}"
  tasks:
    - name: Render with both lookups
      ansible.builtin.set_fact:
        builtin: "{{ lookup('ansible.builtin.template', 'policy.json.j2', template_vars={'extra': 'x'}) }}"
        ours: "{{ lookup('ecap.platform.template', 'policy.json.j2', template_vars={'extra': 'x'}) }}"
        ours_plain: "{{ lookup('ecap.platform.template', 'policy.json.j2') }}"
    - name: The template could not change the task's variables
      ansible.builtin.assert:
        that:
          - services == ['rds', 'msk']
          - extra is not defined
    - name: Show them
      ansible.builtin.debug:
        msg: "{{ {'builtin': builtin, 'ours': ours, 'ours_plain': ours_plain} | to_json }}"
"""


def test_renders_as_the_builtin_lookup(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "policy.json.j2").write_text(TEMPLATE)
    (tmp_path / "play.yml").write_text(PLAY)
    env = {
        **os.environ,
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
        "ANSIBLE_DEPRECATION_WARNINGS": "false",
    }
    proc = subprocess.run(
        [str(PLAYBOOK), str(tmp_path / "play.yml"), "-i", str(ROOT / "inventories" / "local" / "hosts.yml")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    tasks = json.loads(proc.stdout[proc.stdout.index("{") :])["plays"][0]["tasks"]
    shown = json.loads(tasks[-1]["hosts"]["localhost"]["msg"])
    assert shown["ours"] == shown["builtin"]
    policy = shown["ours"] if isinstance(shown["ours"], dict) else json.loads(shown["ours"])
    assert [s["Sid"] for s in policy["Statement"]] == ["RDS", "MSK"]
    assert policy["Statement"][0]["Resource"] == "arn:aws:kms:us-west-2:123456789012:key/rds"
    assert policy["Extra"] == "x"
    plain = shown["ours_plain"] if isinstance(shown["ours_plain"], dict) else json.loads(shown["ours_plain"])
    assert plain["Extra"] == "none"


def test_the_variables_are_copied_shallowly():
    from copy import deepcopy

    from ansible_collections.ecap.platform.plugins.lookup.template import _ShallowOnDeepcopy

    outputs = {"network": {"subnets": list(range(1000))}}
    variables = _ShallowOnDeepcopy({"network_outputs": outputs, "region": "us-west-2"})
    copied = deepcopy(variables)
    copied["template_path"] = "x"  # what the builtin lookup adds to its copy
    assert type(copied) is dict and "template_path" not in variables
    assert copied["network_outputs"] is outputs  # not copied, not rendered
